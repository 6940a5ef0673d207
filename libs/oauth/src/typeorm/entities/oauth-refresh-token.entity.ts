import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';
import { OAuthGrantEntity } from './oauth-grant.entity';

/** `oauth_refresh_tokens`: the rotation chain of each grant; `used_at` is set once, atomically. */
@Entity('oauth_refresh_tokens')
export class OAuthRefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Index('idx_oauth_refresh_tokens_grant_id')
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @ManyToOne(() => OAuthGrantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grant_id', foreignKeyConstraintName: 'fk_oauth_refresh_tokens_grant' })
  grant?: OAuthGrantEntity;

  @Column({ name: 'parent_digest', type: 'varchar', length: 64, nullable: true })
  parentDigest: string | null;

  @Column({ type: 'text' })
  scope: string;

  @Index('idx_oauth_refresh_tokens_expires_at')
  @Column(instantColumn('expires_at'))
  expiresAt: Date;

  @Column(instantColumn('used_at', true))
  usedAt: Date | null;

  @Column({ name: 'sealed_successor', type: 'text', nullable: true })
  sealedSuccessor: string | null;

  @Column(instantColumn('created_at'))
  createdAt: Date;
}
