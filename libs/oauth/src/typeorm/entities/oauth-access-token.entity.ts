import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OAuthGrantEntity } from './oauth-grant.entity';

/** `oauth_access_tokens`: keyed by the token's SHA-256 digest, the lookup every protected request makes. */
@Entity('oauth_access_tokens')
export class OAuthAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Index()
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @ManyToOne(() => OAuthGrantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grant_id' })
  grant?: OAuthGrantEntity;

  @Column({ type: 'text' })
  scope: string;

  /** Indexed for purging expired tokens. */
  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt: Date;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
