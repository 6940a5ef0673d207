import { Column, Entity, PrimaryColumn } from 'typeorm';

/** `oauth_login_attempts`: failed password logins per username, shared by every instance. */
@Entity('oauth_login_attempts')
export class OAuthLoginAttemptEntity {
  /** SHA-256 of the normalised username: bounded size, and no attacker-chosen text at rest. */
  @PrimaryColumn({ name: 'username_key', type: 'varchar', length: 64 })
  usernameKey: string;

  @Column({ type: 'integer' })
  failures: number;

  @Column({ name: 'window_started_at', type: Date })
  windowStartedAt: Date;

  @Column({ name: 'locked_until', type: Date, nullable: true })
  lockedUntil: Date | null;
}
