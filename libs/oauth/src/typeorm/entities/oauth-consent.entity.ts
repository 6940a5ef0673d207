import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';

/** `oauth_consents`: the scopes each user allowed each client, one row per pair. */
@Entity('oauth_consents')
export class OAuthConsentEntity {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 128 })
  userId: string;

  @PrimaryColumn({ name: 'client_id', type: 'varchar', length: 128 })
  clientId: string;

  @Column({ type: 'text' })
  scope: string;

  @Column(instantColumn('updated_at'))
  updatedAt: Date;
}
