import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';
import { OAuthGrantEntity } from './oauth-grant.entity';

/** `oauth_access_tokens`: keyed by the token's SHA-256 digest, the lookup every protected request makes. */
@Entity('oauth_access_tokens')
export class OAuthAccessTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Index('idx_oauth_access_tokens_grant_id')
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @ManyToOne(() => OAuthGrantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grant_id', foreignKeyConstraintName: 'fk_oauth_access_tokens_grant' })
  grant?: OAuthGrantEntity;

  @Column({ type: 'text' })
  scope: string;

  /** Indexed for purging expired tokens. */
  @Index('idx_oauth_access_tokens_expires_at')
  @Column(instantColumn('expires_at'))
  expiresAt: Date;

  @Column(instantColumn('created_at'))
  createdAt: Date;
}
