import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';

/** `oauth_grants`: one row per authorization; every token row points at the grant that owns it. */
@Entity('oauth_grants')
export class OAuthGrantEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Index('idx_oauth_grants_client_id')
  @Column({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  /** Indexed so that disabling a user revokes all of that user's grants with one indexed update. */
  @Index('idx_oauth_grants_user_id')
  @Column({ name: 'user_id', type: 'varchar', length: 128, nullable: true })
  userId: string | null;

  /**
   * The grant type that opened the grant. The default only fills the rows that existed before this column (all
   * of them password or client_credentials grants, told apart by `user_id`); every insert names its type.
   */
  @Column({ name: 'grant_type', type: 'varchar', length: 64, default: 'password' })
  grantType: string;

  @Column({ type: 'text' })
  scope: string;

  @Column(instantColumn('created_at'))
  createdAt: Date;

  /** Indexed for purging revoked grants. */
  @Index('idx_oauth_grants_revoked_at')
  @Column(instantColumn('revoked_at', true))
  revokedAt: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 64, nullable: true })
  revokedReason: string | null;
}
