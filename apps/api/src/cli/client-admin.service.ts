import { Inject, Injectable } from '@nestjs/common';
import { ClientRepository, generateOpaqueToken, GrantRepository, hashRandomSecret, hashSecret, type OAuthClient, type OAuthGrantType } from '@nest-oauth/server';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.provider';

/** A client to register; without `secret`, one is generated. */
export interface NewClient {
  id: string;
  secret?: string;
  name: string | null;
  grants: OAuthGrantType[];
  scopes: string[];
  defaultScopes: string[];
}

export type CreatedClient =
  | { created: true; client: Omit<OAuthClient, 'secretHash'>; generatedSecret: string | null }
  | { created: false };

/** What an operator sees of a client: never its secret hash. */
export type ClientView = Omit<OAuthClient, 'secretHash'>;

/** Client registration for operators (the admin CLI). */
@Injectable()
export class ClientAdminService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly grants: GrantRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(input: NewClient): Promise<CreatedClient> {
    // A generated secret is 256 random bits: a fast digest is as strong as scrypt there, and keeps client
    // authentication cheap. A typed secret may be guessable, so it gets the slow hash passwords get.
    const generatedSecret = input.secret === undefined ? generateOpaqueToken() : null;
    const secretHash =
      generatedSecret !== null ? hashRandomSecret(generatedSecret) : await hashSecret(input.secret!, { cost: this.config.passwordHashCost });
    const client: OAuthClient = {
      id: input.id,
      secretHash,
      name: input.name,
      grants: input.grants,
      scopes: input.scopes,
      defaultScopes: input.defaultScopes,
    };
    if (!(await this.clients.create(client))) return { created: false };
    return { created: true, client: toView(client), generatedSecret };
  }

  async list(): Promise<ClientView[]> {
    return (await this.clients.list()).map(toView);
  }

  /**
   * Deletes the client, then revokes its grants: tokens are checked against their grant, not their client, so
   * without the revocation they would keep working until they expire. `null` when there was no such client.
   */
  async delete(id: string, now = new Date()): Promise<{ revokedGrants: number } | null> {
    if (!(await this.clients.delete(id))) return null;
    return { revokedGrants: await this.grants.revokeAllForClient(id, 'client deleted', now) };
  }
}

function toView(client: OAuthClient): ClientView {
  return { id: client.id, name: client.name, grants: client.grants, scopes: client.scopes, defaultScopes: client.defaultScopes };
}
