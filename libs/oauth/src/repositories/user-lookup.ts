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
}
