import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../bigint-number.transformer';
import { instantColumn } from '../epoch-ms.transformer';

/** `oauth_sessions`: browser sign-ins at the authorization endpoint, by the digest of the cookie's value. */
@Entity('oauth_sessions')
export class OAuthBrowserSessionEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  /** Indexed so that a new password ends the user's sessions with one indexed delete. */
  @Index('idx_oauth_sessions_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 128 })
  userId: string;

  @Column(instantColumn('auth_time'))
  authTime: Date;

  @Column({ name: 'user_revocation_mark', type: 'bigint', transformer: bigintNumber })
  userRevocationMark: number;

  @Column(instantColumn('last_seen_at'))
  lastSeenAt: Date;

  /** Indexed for purging ended sessions. */
  @Index('idx_oauth_sessions_expires_at')
  @Column(instantColumn('expires_at'))
  expiresAt: Date;

  @Column(instantColumn('created_at'))
  createdAt: Date;
}
