/** The state of one username's failed logins (RFC 6749 §10.10, RFC 9700 §4.16 brute force). */
export interface LoginLock {
  /** Failures counted in the current window. */
  failures: number;
  /** Until when further attempts are refused; `null` while not locked. */
  lockedUntil: Date | null;
}

/**
 * The brute-force counter. It lives in the database, not in memory, so that every instance of the server
 * counts the same failures. Keys are digests of normalised usernames, never the usernames themselves.
 */
export abstract class LoginAttemptRepository {
  /** The failures counted for `key`, or `null` when there are none. */
  abstract find(key: string): Promise<LoginLock | null>;
  /**
   * Counts one failure atomically. Failures older than `windowSeconds` are forgotten; the `maxFailures`-th
   * failure within the window locks the key for `lockSeconds`.
   */
  abstract recordFailure(key: string, now: Date, policy: { maxFailures: number; windowSeconds: number; lockSeconds: number }): Promise<LoginLock>;
  /** Forgets the failures of `key` (after a successful login). */
  abstract reset(key: string): Promise<void>;
}
