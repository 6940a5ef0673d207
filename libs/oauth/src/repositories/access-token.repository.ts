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
  /** Removes one access token (RFC 7009 revocation of an access token alone). */
  abstract delete(digest: string): Promise<void>;
  /** Deletes up to `limit` tokens that expired before `before`; returns how many. */
  abstract deleteExpired(before: Date, limit: number): Promise<number>;
}
