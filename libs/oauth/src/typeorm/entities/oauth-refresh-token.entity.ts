import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { OAuthGrantEntity } from './oauth-grant.entity';

/** `oauth_refresh_tokens`: the rotation chain of each grant; `used_at` is set once, atomically. */
@Entity('oauth_refresh_tokens')
export class OAuthRefreshTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  digest: string;

  @Index()
  @Column({ name: 'grant_id', type: 'varchar', length: 36 })
  grantId: string;

  @ManyToOne(() => OAuthGrantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'grant_id' })
  grant?: OAuthGrantEntity;

  @Column({ name: 'parent_digest', type: 'varchar', length: 64, nullable: true })
  parentDigest: string | null;

  @Column({ type: 'text' })
  scope: string;

  @Index()
  @Column({ name: 'expires_at', type: Date })
  expiresAt: Date;

  @Column({ name: 'used_at', type: Date, nullable: true })
  usedAt: Date | null;

  @Column({ name: 'sealed_successor', type: 'text', nullable: true })
  sealedSuccessor: string | null;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;
}
