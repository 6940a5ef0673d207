/** A registered client (RFC 6749 §2). Its secret is only ever held as a hash, see `hashSecret`. */
export interface OAuthClient {
  id: string;
  /** Output of `hashSecret`; never the secret itself. */
  secretHash: string;
  /** Human-readable name, for operators. */
  name: string | null;
  /** Grant types this client may use; any other is `unauthorized_client`. */
  grants: string[];
  /** Every scope this client may ever be granted. */
  scopes: string[];
  /** Scopes granted when a request names none (RFC 6749 §3.3). A subset of `scopes`. */
  defaultScopes: string[];
}

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
  return (
    a.id === b.id &&
    a.secretHash === b.secretHash &&
    a.name === b.name &&
    sameList(a.grants, b.grants) &&
    sameList(a.scopes, b.scopes) &&
    sameList(a.defaultScopes, b.defaultScopes)
  );
}
