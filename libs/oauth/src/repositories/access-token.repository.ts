import type { OAuthGrant } from './grant.repository';

/** An issued access token. Only the SHA-256 digest of the token is stored; the token itself exists only in the response. */
export interface AccessTokenRecord {
  digest: string;
  grantId: string;
  scope: string[];
  expiresAt: Date;
  createdAt: Date;
}

/** A stored token together with the grant that owns it, so one read answers "is this token valid?". */
export interface TokenWithGrant<T> {
  token: T;
  grant: OAuthGrant;
}

export abstract class AccessTokenRepository {
  /** Runs on every protected request: implementations must answer from one indexed read. */
  abstract findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null>;
  /**
   * Removes one access token (RFC 7009 revocation of an access token alone), and advances the revocation mark
   * in the same transaction.
   */
  abstract delete(digest: string): Promise<void>;
  /**
   * Where the revocation mark stands now: a counter that every revocation that can end a live access token
   * advances in its own transaction (`delete` here; `revoke`, `revokeAllForUser` and `revokeAllForClient` of
   * `GrantRepository`), whichever process or instance made it. A reader that finds it unchanged since its last
   * read knows that no such revocation committed in between: the access-token cache rests on this, so it must
   * read committed data, never a replica that lags.
   */
  abstract revocationMark(): Promise<number>;
  /** Deletes up to `limit` tokens that expired before `before`; returns how many. */
  abstract deleteExpired(before: Date, limit: number): Promise<number>;
}
