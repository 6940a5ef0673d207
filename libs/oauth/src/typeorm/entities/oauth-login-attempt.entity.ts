import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';

/** `oauth_login_attempts`: failed password logins per username, shared by every instance. */
@Entity('oauth_login_attempts')
export class OAuthLoginAttemptEntity {
  /** SHA-256 of the normalised username: bounded size, and no attacker-chosen text at rest. */
  @PrimaryColumn({ name: 'username_key', type: 'varchar', length: 64 })
  usernameKey: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column(instantColumn('window_started_at'))
  windowStartedAt: Date;

  @Column(instantColumn('locked_until', true))
  lockedUntil: Date | null;
}
