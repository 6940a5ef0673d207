import { Entity, Index, PrimaryColumn } from 'typeorm';
import { OAuthAttemptCounterColumns } from './oauth-attempt-counter.columns';

/** `oauth_client_failures`: client authentications per client id, counted for every instance. */
@Entity('oauth_client_failures')
@Index('idx_oauth_client_failures_expires_at', ['expiresAt'])
export class OAuthClientFailureEntity extends OAuthAttemptCounterColumns {
  /** SHA-256 of the client id as presented, registered or not: bounded size, and no attacker-chosen text at rest. */
  @PrimaryColumn({ name: 'client_key', type: 'varchar', length: 64 })
  clientKey: string;
}
