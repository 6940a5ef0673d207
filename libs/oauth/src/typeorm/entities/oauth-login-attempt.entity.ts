import { Entity, Index, PrimaryColumn } from 'typeorm';
import { OAuthAttemptCounterColumns } from './oauth-attempt-counter.columns';

/** `oauth_login_attempts`: password logins per username, counted for every instance. */
@Entity('oauth_login_attempts')
@Index('idx_oauth_login_attempts_expires_at', ['expiresAt'])
export class OAuthLoginAttemptEntity extends OAuthAttemptCounterColumns {
  /** SHA-256 of the normalised username: bounded size, and no attacker-chosen text at rest. */
  @PrimaryColumn({ name: 'username_key', type: 'varchar', length: 64 })
  usernameKey: string;
}
