/**
 * How a client authenticates at the token endpoint (RFC 7591 §2, `token_endpoint_auth_method`). A confidential
 * client (`client_secret_basic`, `client_secret_post`) may send its secret either way; `none` is a public client
 * (a SPA, a native app: RFC 6749 §2.1), which has no secret and sends only its `client_id`.
 */
export type OAuthClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

/** A registered client (RFC 6749 §2). Its secret is only ever held as a hash, see `hashSecret`. */
export interface OAuthClient {
  id: string;
  /** Output of `hashSecret`; never the secret itself. Empty for a public client, which has none. */
  secretHash: string;
  /** Human-readable name, for operators. */
  name: string | null;
  /** Grant types this client may use; any other is `unauthorized_client`. */
  grants: string[];
  /** Every scope this client may ever be granted. */
  scopes: string[];
  /** Scopes granted when a request names none (RFC 6749 §3.3). A subset of `scopes`. */
  defaultScopes: string[];
  /*
   * The fields below are optional so that a host's own ClientRepository written before them keeps compiling; an
   * absent one reads as its default.
   */
  /**
   * Where the authorization endpoint may send the browser back (RFC 6749 §3.1.2), compared exactly, except that a
   * loopback redirect URI may vary its port (RFC 8252 §7.3).
   * @default []
   */
  redirectUris?: string[];
  /** @default 'client_secret_basic' */
  tokenEndpointAuthMethod?: OAuthClientAuthMethod;
  /**
   * A client of the server's own operator: its users are not asked to consent to it.
   * @default false
   */
  firstParty?: boolean;
}

/** A client's fields with the defaults of the optional ones applied. */
export function clientSettings(client: OAuthClient): Required<Pick<OAuthClient, 'redirectUris' | 'tokenEndpointAuthMethod' | 'firstParty'>> {
  return {
    redirectUris: client.redirectUris ?? [],
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod ?? 'client_secret_basic',
    firstParty: client.firstParty ?? false,
  };
}

/** Whether the client is public (RFC 6749 §2.1): it has no secret to authenticate with. */
export function isPublicClient(client: OAuthClient): boolean {
  return client.tokenEndpointAuthMethod === 'none';
}

/** What a public client may use: the others either need a secret (client_credentials) or a trusted app (password). */
export const PUBLIC_CLIENT_GRANTS: readonly string[] = ['authorization_code', 'refresh_token'];

/**
 * Where the module finds clients. Storage only: it stores what it is given, so register and change clients through
 * `OAuthClientAdminService`, which checks every value first.
 */
export abstract class ClientRepository {
  abstract findById(id: string): Promise<OAuthClient | null>;
  /** Registers a client; `false` when the id is taken. */
  abstract create(client: OAuthClient): Promise<boolean>;
  abstract list(): Promise<OAuthClient[]>;
  /**
   * Writes `next` over the client `expected.id` (whose id it must keep) only if the stored client still equals
   * `expected` in every field, so that two updates made at once cannot silently undo one another. `false` when
   * it changed in between, or is gone.
   */
  abstract update(expected: OAuthClient, next: OAuthClient): Promise<boolean>;
  /** `false` when there was no such client. */
  abstract delete(id: string): Promise<boolean>;
}

/** Whether two clients are equal in every field, lists in order. */
export function sameOAuthClient(a: OAuthClient, b: OAuthClient): boolean {
  const sameList = (x: readonly string[], y: readonly string[]) => x.length === y.length && x.every((item, index) => item === y[index]);
  const [settingsA, settingsB] = [clientSettings(a), clientSettings(b)];
  return (
    sameList(settingsA.redirectUris, settingsB.redirectUris) &&
    settingsA.tokenEndpointAuthMethod === settingsB.tokenEndpointAuthMethod &&
    settingsA.firstParty === settingsB.firstParty &&
    a.id === b.id &&
    a.secretHash === b.secretHash &&
    a.name === b.name &&
    sameList(a.grants, b.grants) &&
    sameList(a.scopes, b.scopes) &&
    sameList(a.defaultScopes, b.defaultScopes)
  );
}
