import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../bigint-number.transformer';
import { instantColumn } from '../epoch-ms.transformer';

/** `oauth_authorization_codes`: one row per code, by digest; `used_at` is set once, atomically, as refresh tokens' is. */
@Entity('oauth_authorization_codes')
export class OAuthAuthorizationCodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ name: 'user_id', type: 'varchar', length: 128 })
  userId: string;

  @Column({ name: 'redirect_uri', type: 'text' })
  redirectUri: string;

  @Column({ name: 'code_challenge', type: 'varchar', length: 128 })
  codeChallenge: string;

  @Column({ type: 'text' })
  scope: string;

  @Column({ type: 'text', nullable: true })
  nonce: string | null;

  @Column(instantColumn('auth_time'))
  authTime: Date;

  @Column({ name: 'user_revocation_mark', type: 'bigint', transformer: bigintNumber })
  userRevocationMark: number;

  /** Indexed for purging expired codes. */
  @Index('idx_oauth_authorization_codes_expires_at')
  @Column(instantColumn('expires_at'))
  expiresAt: Date;

  @Column(instantColumn('created_at'))
  createdAt: Date;

  @Column(instantColumn('used_at', true))
  usedAt: Date | null;

  @Column({ name: 'grant_id', type: 'varchar', length: 36, nullable: true })
  grantId: string | null;
}
