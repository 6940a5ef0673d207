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

/** Where the module finds clients, and where operators manage them. */
export abstract class ClientRepository {
  abstract findById(id: string): Promise<OAuthClient | null>;
  /** Registers a client; `false` when the id is taken. */
  abstract create(client: OAuthClient): Promise<boolean>;
  abstract list(): Promise<OAuthClient[]>;
  /** `false` when there was no such client. */
  abstract delete(id: string): Promise<boolean>;
}
