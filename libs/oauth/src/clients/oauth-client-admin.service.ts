import { Inject, Injectable, Optional } from '@nestjs/common';
import { generateOpaqueToken } from '../crypto/opaque-token';
import { hashRandomSecret, hashSecret } from '../crypto/secret-hash';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { OAUTH_REGISTERED_GRANT_TYPES } from '../oauth.constants';
import { InjectOAuthOptions } from '../oauth-options';
import { ConsentRepository } from '../repositories/consent.repository';
import {
  ClientRepository,
  clientSettings,
  PUBLIC_CLIENT_GRANTS,
  type OAuthClient,
  type OAuthClientAuthMethod,
} from '../repositories/client.repository';
import { checkRedirectUri } from './redirect-uri';
import { GrantRepository } from '../repositories/grant.repository';
import { OAuthClientAdminError, type OAuthClientField } from './oauth-client-admin.error';

/** A client to register. */
export interface NewOAuthClient {
  /** 1 to 128 printable ASCII characters, spaces included (RFC 6749 Appendix A.1). */
  id: string;
  /**
   * A secret of the operator's choosing (1 to 512 printable ASCII characters, RFC 6749 Appendix A.2), stored with
   * scrypt. Omit it to have a 256-bit secret generated, returned once, and stored as a SHA-256 digest. A public
   * client (`tokenEndpointAuthMethod: 'none'`) has none.
   */
  secret?: string;
  /**
   * `none` registers a public client (a SPA or a native app, RFC 6749 §2.1): no secret, and only the
   * `authorization_code` and `refresh_token` grants, since nothing proves who is asking for the others.
   * @default 'client_secret_basic'
   */
  tokenEndpointAuthMethod?: OAuthClientAuthMethod;
  /**
   * Where the authorization endpoint may redirect to (RFC 6749 §3.1.2): absolute URIs without a fragment, each
   * `https`, `http` on a loopback address (RFC 8252 §7.3), or a private-use scheme of a native app such as
   * `com.example.app:/callback` (RFC 8252 §7.1). A client with the `authorization_code` grant needs at least one.
   * @default []
   */
  redirectUris?: readonly string[];
  /**
   * The operator's own client, whose users are not asked to consent.
   * @default false
   */
  firstParty?: boolean;
  /**
   * A name for operators: at most 255 characters, no control characters; trimmed, and `null` when blank.
   * @default null
   */
  name?: string | null;
  /** Grant types the client may use, each registered with the module. Empty for a client that only introspects. */
  grants: readonly string[];
  /** Every scope the client may be granted: scope tokens (RFC 6749 §3.3). */
  scopes: readonly string[];
  /**
   * Scopes granted when a request names none; each among `scopes`.
   * @default all of `scopes`
   */
  defaultScopes?: readonly string[];
}

/** What `update` changes; a field left out keeps its value. */
export interface OAuthClientChanges {
  name?: string | null;
  grants?: readonly string[];
  /** When the current default scopes are not all among the new scopes, give `defaultScopes` too. */
  scopes?: readonly string[];
  defaultScopes?: readonly string[];
  redirectUris?: readonly string[];
  /** Between `client_secret_basic` and `client_secret_post` only: a client does not become public or stop being so. */
  tokenEndpointAuthMethod?: OAuthClientAuthMethod;
  firstParty?: boolean;
}

/** A client as administration shows it: everything but the secret's hash, the optional fields filled in. */
export type OAuthClientView = Required<Omit<OAuthClient, 'secretHash'>>;

/** A client just registered, or given a new secret. */
export interface OAuthClientWithSecret {
  client: OAuthClientView;
  /** The generated secret, which exists nowhere else: hand it over now. `null` when the operator gave one. */
  generatedSecret: string | null;
}

export interface OAuthClientRevocation {
  /**
   * Also revoke every grant the client holds, so that its access and refresh tokens stop working at once.
   * @default false
   */
  revokeGrants?: boolean;
}

/** RFC 6749 Appendix A: VSCHAR = %x20-7E; scope-token = 1*NQCHAR, NQCHAR = %x21 / %x23-5B / %x5D-7E. */
const VSCHARS = /^[\x20-\x7e]+$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** C0 and C1 controls: a name is printed on operators' terminals, where these would move the cursor or worse. */
// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The `oauth_clients` column sizes. */
const MAX_ID = 128;
const MAX_NAME = 255;
const MAX_GRANTS = 255;
/** Bounds the scrypt input; RFC 6749 sets no length, and a longer secret adds nothing. */
const MAX_SECRET = 512;
/** A bound on what one client stores: RFC 6749 sets none. */
const MAX_REDIRECT_URIS = 20;
const AUTH_METHODS: readonly OAuthClientAuthMethod[] = ['client_secret_basic', 'client_secret_post', 'none'];
/** How often an update re-reads and retries a client that changed under it before it gives up. */
const UPDATE_ATTEMPTS = 5;

/**
 * Client administration (RFC 6749 §2): register, list, change, rotate the secret of and delete clients, checking
 * every input against RFC 6749's syntax and the registered grant types. Errors are `OAuthClientAdminError`s.
 * Secrets are stored as hashes only: a generated one is returned once and cannot be read back. `OAuthModule`
 * provides and exports it; `OAuthClientAdminModule` provides it alone, for scripts and admin tools.
 */
@Injectable()
export class OAuthClientAdminService {
  constructor(
    private readonly clients: ClientRepository,
    private readonly grants: GrantRepository,
    /** Every registered grant type, enabled at the token endpoint or not: what a client may be given. */
    @Inject(OAUTH_REGISTERED_GRANT_TYPES) private readonly grantTypes: readonly string[],
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    // Optional for a storage written before the authorization endpoint existed.
    @Optional() private readonly consents?: ConsentRepository,
  ) {}

  /** Registers a client; `client_exists` when the id is taken. */
  async create(input: NewOAuthClient): Promise<OAuthClientWithSecret> {
    if (typeof input !== 'object' || input === null) throw invalid('id', 'the new client must be an object');
    const id = checkId(input.id);
    const scopes = checkScopes('scopes', input.scopes);
    const method = checkAuthMethod(input.tokenEndpointAuthMethod ?? 'client_secret_basic');
    const client = checkFlow({
      id,
      name: checkName(input.name ?? null),
      grants: this.checkGrants(input.grants),
      scopes,
      defaultScopes: checkDefaultScopes(input.defaultScopes === undefined ? scopes : input.defaultScopes, scopes),
      redirectUris: checkRedirectUris(input.redirectUris ?? []),
      tokenEndpointAuthMethod: method,
      firstParty: checkFirstParty(input.firstParty ?? false),
    });
    if (method === 'none' && input.secret !== undefined) throw invalid('secret', 'a public client (token endpoint auth method none) has no secret');
    const { secretHash, generatedSecret } = method === 'none' ? { secretHash: '', generatedSecret: null } : await this.newSecret(input.secret);
    if (!(await this.clients.create({ ...client, secretHash }))) {
      throw new OAuthClientAdminError('client_exists', `A client with id ${quote(id)} already exists`);
    }
    return { client, generatedSecret };
  }

  /** Every client, without secrets, ordered by id. */
  async list(): Promise<OAuthClientView[]> {
    return (await this.clients.list()).map(toView);
  }

  /** One client, without its secret; `null` when there is none with that id. */
  async find(id: string): Promise<OAuthClientView | null> {
    const client = await this.clients.findById(checkId(id));
    return client ? toView(client) : null;
  }

  /**
   * Changes a client's name, grants or scopes. Its tokens keep the scope they were issued with until they expire,
   * unless `revokeGrants` ends them now.
   */
  async update(id: string, changes: OAuthClientChanges, options: OAuthClientRevocation = {}): Promise<OAuthClientView & { revokedGrants: number }> {
    if (typeof changes !== 'object' || changes === null) throw invalid('id', 'the changes must be an object');
    const updated = await this.replace(checkId(id), (current) => {
      const scopes = changes.scopes === undefined ? current.scopes : checkScopes('scopes', changes.scopes);
      const defaultScopes = checkDefaultScopes(
        changes.defaultScopes === undefined ? current.defaultScopes : changes.defaultScopes,
        scopes,
        changes.defaultScopes === undefined ? '; change the default scopes too' : '',
      );
      const settings = clientSettings(current);
      let method = settings.tokenEndpointAuthMethod;
      if (changes.tokenEndpointAuthMethod !== undefined && changes.tokenEndpointAuthMethod !== method) {
        method = checkAuthMethod(changes.tokenEndpointAuthMethod);
        if (method === 'none' || settings.tokenEndpointAuthMethod === 'none') {
          throw invalid('tokenEndpointAuthMethod', 'a client cannot become public or stop being public; register a new client instead');
        }
      }
      return {
        secretHash: current.secretHash,
        ...checkFlow({
          id: current.id,
          name: changes.name === undefined ? current.name : checkName(changes.name),
          grants: changes.grants === undefined ? current.grants : this.checkGrants(changes.grants),
          scopes,
          defaultScopes,
          redirectUris: changes.redirectUris === undefined ? settings.redirectUris : checkRedirectUris(changes.redirectUris),
          tokenEndpointAuthMethod: method,
          firstParty: changes.firstParty === undefined ? settings.firstParty : checkFirstParty(changes.firstParty),
        }),
      };
    });
    return { ...toView(updated), revokedGrants: options.revokeGrants ? await this.revokeGrants(updated.id, 'client changed') : 0 };
  }

  /**
   * Gives the client a new secret, generated (and returned once) unless `secret` is given; the old one stops
   * working at once. Its tokens stay valid unless `revokeGrants` ends them too (do so when the old secret leaked).
   */
  async rotateSecret(
    id: string,
    options: OAuthClientRevocation & { secret?: string } = {},
  ): Promise<OAuthClientWithSecret & { revokedGrants: number }> {
    const clientId = checkId(id);
    const { secretHash, generatedSecret } = await this.newSecret(options.secret);
    const updated = await this.replace(clientId, (current) => {
      if (current.tokenEndpointAuthMethod === 'none') throw invalid('secret', 'a public client has no secret to rotate');
      return { ...current, secretHash };
    });
    const revokedGrants = options.revokeGrants ? await this.revokeGrants(clientId, 'client secret rotated') : 0;
    return { client: toView(updated), generatedSecret, revokedGrants };
  }

  /**
   * Deletes the client and revokes all of its grants: tokens are checked against their grant, not their client,
   * so without the revocation they would keep working until they expire. The grants are revoked before the client
   * is deleted, so that an interrupted delete leaves a client that can be deleted again, and once more after, for
   * a grant a token request that had already read the client created in between. `client_not_found` when there
   * was no such client (grants left over by an interrupted delete are revoked all the same).
   */
  async delete(id: string): Promise<{ revokedGrants: number }> {
    const clientId = checkId(id);
    let revokedGrants = await this.revokeGrants(clientId, 'client deleted');
    if (!(await this.clients.delete(clientId))) throw notFound(clientId);
    revokedGrants += await this.revokeGrants(clientId, 'client deleted');
    // A client registered later under the same id is another app: its users have consented to nothing yet.
    await this.consents?.deleteForClient(clientId);
    return { revokedGrants };
  }

  private async revokeGrants(clientId: string, reason: string): Promise<number> {
    return this.grants.revokeAllForClient(clientId, reason, new Date());
  }

  /**
   * Reads the client, applies `change` (which validates), and writes the result only if nobody changed the client
   * in between; otherwise reads it again, so a concurrent change is kept, never silently overwritten.
   */
  private async replace(id: string, change: (current: OAuthClient) => OAuthClient): Promise<OAuthClient> {
    for (let attempt = 0; attempt < UPDATE_ATTEMPTS; attempt++) {
      const current = await this.clients.findById(id);
      if (!current) throw notFound(id);
      const next = change(current);
      if (await this.clients.update(current, next)) return next;
    }
    throw new OAuthClientAdminError('concurrent_update', `The client ${quote(id)} kept changing during the update; try again`);
  }

  private async newSecret(secret: string | undefined): Promise<{ secretHash: string; generatedSecret: string | null }> {
    if (secret === undefined) {
      // 256 random bits: a fast digest is as strong as scrypt for them, and keeps client authentication cheap.
      const generatedSecret = generateOpaqueToken();
      return { secretHash: hashRandomSecret(generatedSecret), generatedSecret };
    }
    if (typeof secret !== 'string' || secret.length > MAX_SECRET || !VSCHARS.test(secret)) {
      throw invalid('secret', `a client secret is 1 to ${MAX_SECRET} printable ASCII characters, spaces included (RFC 6749 Appendix A.2)`);
    }
    // A chosen secret may be guessable, so it gets the slow hash passwords get.
    return { secretHash: await hashSecret(secret, this.options.clientSecretHash), generatedSecret: null };
  }

  private checkGrants(value: unknown): string[] {
    const grants = checkList('grants', value);
    const unknown = grants.filter((grant) => !this.grantTypes.includes(grant));
    if (unknown.length > 0) {
      throw invalid('grants', `unknown grant type ${unknown.map(quote).join(', ')}; allowed: ${this.grantTypes.join(', ')}`);
    }
    if (grants.join(' ').length > MAX_GRANTS) throw invalid('grants', `the grant types take more than ${MAX_GRANTS} characters together`);
    return grants;
  }
}

function checkId(value: unknown): string {
  if (typeof value !== 'string' || value.length > MAX_ID || !VSCHARS.test(value)) {
    throw invalid('id', `a client id is 1 to ${MAX_ID} printable ASCII characters, spaces included (RFC 6749 Appendix A.1)`);
  }
  return value;
}

function checkAuthMethod(value: unknown): OAuthClientAuthMethod {
  if (!AUTH_METHODS.includes(value as OAuthClientAuthMethod)) {
    throw invalid('tokenEndpointAuthMethod', `the token endpoint auth method is one of ${AUTH_METHODS.join(', ')}`);
  }
  return value as OAuthClientAuthMethod;
}

function checkFirstParty(value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid('firstParty', 'firstParty is true or false');
  return value;
}

function checkRedirectUris(value: unknown): string[] {
  const uris = checkList('redirectUris', value);
  if (uris.length > MAX_REDIRECT_URIS) throw invalid('redirectUris', `a client has at most ${MAX_REDIRECT_URIS} redirect URIs`);
  for (const uri of uris) {
    const problem = checkRedirectUri(uri);
    if (problem) throw invalid('redirectUris', `${quote(uri)}: ${problem}`);
  }
  return uris;
}

/** The rules that tie a client's fields together, checked on every create and update. */
function checkFlow(client: OAuthClientView): OAuthClientView {
  if (client.tokenEndpointAuthMethod === 'none') {
    const refused = client.grants.filter((grant) => !PUBLIC_CLIENT_GRANTS.includes(grant));
    if (refused.length > 0) {
      throw invalid('grants', `a public client may use only ${PUBLIC_CLIENT_GRANTS.join(' and ')}, not ${refused.map(quote).join(', ')}`);
    }
  }
  if (client.grants.includes('authorization_code') && client.redirectUris.length === 0) {
    throw invalid('redirectUris', 'a client with the authorization_code grant needs at least one redirect URI');
  }
  return client;
}

function checkName(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value !== 'string') throw invalid('name', 'a name is text, or null');
  const name = value.trim();
  if (CONTROL.test(name)) throw invalid('name', 'a name must not contain control characters');
  if (name.length > MAX_NAME) throw invalid('name', `a name is at most ${MAX_NAME} characters`);
  return name.length === 0 ? null : name;
}

function checkScopes(field: 'scopes' | 'defaultScopes', value: unknown): string[] {
  const scopes = checkList(field, value);
  const malformed = scopes.filter((scope) => !SCOPE_TOKEN.test(scope));
  if (malformed.length > 0) {
    throw invalid(
      field,
      `invalid scope ${malformed.map(quote).join(', ')}; a scope is printable ASCII without spaces, double quotes or ` +
        'backslashes (RFC 6749 section 3.3): give each scope as its own item',
    );
  }
  return scopes;
}

function checkDefaultScopes(value: unknown, scopes: readonly string[], hint = ''): string[] {
  const defaults = checkScopes('defaultScopes', value);
  const outside = defaults.filter((scope) => !scopes.includes(scope));
  if (outside.length > 0) {
    throw invalid('defaultScopes', `default scopes ${outside.join(' ')} not among the scopes (${scopes.join(' ') || 'none'})${hint}`);
  }
  return defaults;
}

/** A list of strings, without repeats. */
function checkList(field: OAuthClientField, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(field, `${field} must be a list of strings`);
  return [...new Set(value as string[])];
}

function invalid(field: OAuthClientField, message: string): OAuthClientAdminError {
  return new OAuthClientAdminError('invalid_input', message, field);
}

function notFound(id: string): OAuthClientAdminError {
  return new OAuthClientAdminError('client_not_found', `No client with id ${quote(id)}`);
}

/** A value in a message: quoted and escaped, and cut short, so a message stays one readable line. */
function quote(value: string): string {
  return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
}

function toView(client: OAuthClient): OAuthClientView {
  return {
    id: client.id,
    name: client.name,
    grants: client.grants,
    scopes: client.scopes,
    defaultScopes: client.defaultScopes,
    ...clientSettings(client),
  };
}
