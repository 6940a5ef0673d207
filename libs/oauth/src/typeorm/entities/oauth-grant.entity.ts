import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** `oauth_grants`: one row per authorization; every token row points at the grant that owns it. */
@Entity('oauth_grants')
export class OAuthGrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index()
  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  /** Indexed so that disabling a user revokes all of that user's grants with one indexed update. */
  @Index()
  @Column({ name: 'user_id', type: 'varchar', length: 128, nullable: true })
  userId: string | null;

  @Column({ type: 'text' })
  scope: string;

  @Column({ name: 'created_at', type: Date })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: Date, nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 64, nullable: true })
  revokedReason: string | null;
}
