/**
 * A browser's sign-in at the authorization endpoint, kept so that a signed-in user is not asked for the password
 * again. Stored by the SHA-256 digest of the cookie's value, so a copy of the table signs nobody in.
 */
export interface BrowserSessionRecord {
  digest: string;
  userId: string;
  /** When the user typed the password (OpenID Connect `auth_time`, `max_age`). */
  authTime: Date;
  /** `GrantRepository.userRevocationMark()` before the password was checked; the codes of this session carry it. */
  userRevocationMark: number;
  /** The last time the session was used; it ends when idle for longer than `sessionIdleSeconds`. */
  lastSeenAt: Date;
  /** The absolute end (`sessionMaxSeconds` after the sign-in), however active the session is. */
  expiresAt: Date;
  createdAt: Date;
}

export abstract class BrowserSessionRepository {
  abstract save(session: BrowserSessionRecord): Promise<void>;
  abstract findByDigest(digest: string): Promise<BrowserSessionRecord | null>;
  /** Records a use of the session. */
  abstract touch(digest: string, at: Date): Promise<void>;
  abstract delete(digest: string): Promise<void>;
  /** Ends every session of the user (a new password, a disabled account); returns how many. */
  abstract deleteForUser(userId: string): Promise<number>;
  /** Deletes up to `limit` sessions whose absolute end is before `before`; returns how many. */
  abstract deleteExpired(before: Date, limit: number): Promise<number>;
}
