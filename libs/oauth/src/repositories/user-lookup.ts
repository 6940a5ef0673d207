/**
 * OpenID Connect standard claims of a user (OIDC Core §5.1), as the host knows them. The module releases each only
 * for its scope (§5.4): `profile` for the names, `email` for `email` and `email_verified`, and so on.
 */
export interface OAuthUserClaims {
  name?: string;
  given_name?: string;
  family_name?: string;
  middle_name?: string;
  nickname?: string;
  preferred_username?: string;
  profile?: string;
  picture?: string;
  website?: string;
  gender?: string;
  birthdate?: string;
  zoneinfo?: string;
  locale?: string;
  updated_at?: number;
  email?: string;
  email_verified?: boolean;
  phone_number?: string;
  phone_number_verified?: boolean;
}

/** The resource owner as the module needs to know it: an id, and the name to show in introspection. */
export interface OAuthSubject {
  id: string;
  username: string;
}

/**
 * The host's users, as the module sees them. The module never reads the host's tables: the host implements
 * this and passes it as `userLookup` to `OAuthModule.forRoot`.
 */
export abstract class UserLookup {
  /**
   * The subject whose credentials these are, or `null` for an unknown user, a wrong password or a disabled
   * account alike. Implementations should take the same time in every case (verify against a dummy hash when
   * the user is unknown) so that the answer's timing does not reveal which accounts exist. Compute the hash
   * inside `HashLimiter.run()` (inject `HashLimiter`), so that it shares the module's bound with client-secret
   * checks; the `OAuthError` (503) it rejects with when the server is busy should pass through unchanged.
   */
  abstract verifyCredentials(username: string, password: string): Promise<OAuthSubject | null>;
  /** The subject with this id, or `null` when it no longer exists or is disabled. */
  abstract findById(id: string): Promise<OAuthSubject | null>;
  /**
   * The user's OpenID Connect claims, for the userinfo endpoint. Optional: without it userinfo answers `sub` alone.
   */
  claims?(id: string): Promise<OAuthUserClaims | null>;
}
