import { Column, Entity, PrimaryColumn } from 'typeorm';
import { instantColumn } from '../epoch-ms.transformer';

/** `oauth_clients`: the client registry. Lists are stored space-separated, as OAuth writes scopes. */
@Entity('oauth_clients')
export class OAuthClientEntity {
  @PrimaryColumn({ type: 'varchar', length: 128 })
  id: string;

  /** `hashSecret` / `hashRandomSecret` output; the secret itself is never stored. */
  @Column({ name: 'secret_hash', type: 'varchar', length: 255 })
  secretHash: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  name: string | null;

  @Column({ type: 'varchar', length: 255 })
  grants: string;

  @Column({ type: 'text' })
  scopes: string;

  @Column({ name: 'default_scopes', type: 'text' })
  defaultScopes: string;

  /** Space-separated: a URI holds no space. The defaults fill the rows of clients registered before these columns. */
  @Column({ name: 'redirect_uris', type: 'text', default: '' })
  redirectUris: string;

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32, default: 'client_secret_basic' })
  tokenEndpointAuthMethod: string;

  @Column({ name: 'first_party', type: 'boolean', default: false })
  firstParty: boolean;

  @Column(instantColumn('created_at'))
  createdAt: Date;
}
