/**
 * An authorization code (RFC 6749 §4.1.2), stored by the SHA-256 digest of its value, and everything the token
 * request must match: the client, the redirect URI and the PKCE challenge (RFC 7636 §4.4) it was issued for.
 */
export interface AuthorizationCodeRecord {
  /** `digestToken` of the code; the code itself is never stored. */
  digest: string;
  clientId: string;
  userId: string;
  /** The `redirect_uri` of the authorization request, as sent; the token request must send the same (§4.1.3). */
  redirectUri: string;
  /** The S256 `code_challenge`: BASE64URL(SHA-256(code_verifier)). */
  codeChallenge: string;
  scope: string[];
  /** The OpenID Connect `nonce` of the request, returned in the ID token. */
  nonce: string | null;
  /** When the user signed in (OpenID Connect `auth_time`). */
  authTime: Date;
  /** `GrantRepository.userRevocationMark()` when the code was issued, so a grant is refused once the user was revoked since. */
  userRevocationMark: number;
  expiresAt: Date;
  createdAt: Date;
  /** Set once, by the exchange that wins; a code with it set is being used again. */
  usedAt: Date | null;
  /** The grant the winning exchange opened, which a second use revokes (RFC 6749 §4.1.2). */
  grantId: string | null;
}

export abstract class AuthorizationCodeRepository {
  abstract save(code: AuthorizationCodeRecord): Promise<void>;
  abstract findByDigest(digest: string): Promise<AuthorizationCodeRecord | null>;
  /**
   * Marks the code used by `grantId` if it is still unused, in one atomic step: of concurrent calls for one code,
   * exactly one returns `true`. The losers then read `grantId` the winner wrote.
   */
  abstract consume(digest: string, grantId: string, at: Date): Promise<boolean>;
  /** Deletes up to `limit` codes that expired before `before`; returns how many. */
  abstract deleteExpired(before: Date, limit: number): Promise<number>;
}
