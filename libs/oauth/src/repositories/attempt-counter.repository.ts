/**
 * Which counter an attempt is counted on: password logins per username (`login`), or client authentications per
 * client id (`client`). Each kind keeps its own keys, in its own table.
 */
export type AttemptCounterKind = 'login' | 'client';

/** How many attempts one key may have checked within a window, and how long it is refused once they are used. */
export interface AttemptPolicy {
  /** Attempts per key and window; the one that takes the last of them starts the lock. */
  maxFailures: number;
  /** How long a window lasts from its first attempt, in seconds. */
  windowSeconds: number;
  /** How long the key is refused once the window's attempts are used up, in seconds. */
  lockSeconds: number;
}

/** An attempt's place in its key's window: what settling it needs to know. */
export interface AttemptSlot {
  /** The window the slot was taken in. Settling a slot whose window has since been replaced changes nothing. */
  windowStartedAt: Date;
  /**
   * Failures of the window already settled when this slot was taken: what a success in it may clear, besides
   * itself. Attempts still being checked at that moment, and those that came later, are not among them.
   */
  settledFailures: number;
  /** Set when this slot was the window's last one: the key is refused until then. */
  lockedUntil: Date | null;
}

/** A slot, or the instant until which the key is refused. */
export type AttemptReservation = { granted: true; slot: AttemptSlot } | { granted: false; lockedUntil: Date };

/**
 * The brute-force counters (RFC 6749 §10.10, RFC 9700 §4.16). They live in the database, not in memory, so that
 * every instance of the server counts the same attempts. Keys are digests, never usernames or client ids
 * themselves.
 *
 * An attempt is counted before its secret is checked, never after: `reserve` takes a slot in one atomic step,
 * counted as a failure until `settle` says otherwise, and when no slot is left the secret is not checked at all.
 * So a burst of concurrent guesses, on one instance or many, gets at most `maxFailures` of them checked.
 */
export abstract class AttemptCounterRepository {
  /**
   * Takes one of the key's slots, atomically: concurrent calls, in this process or another one on the same
   * database, never take the same slot or more slots than `maxFailures` per window. A key whose window and lock
   * have passed starts a new window.
   */
  abstract reserve(kind: AttemptCounterKind, key: string, now: Date, policy: AttemptPolicy): Promise<AttemptReservation>;
  /**
   * Until when the key is refused, or `null` while a slot is free; takes nothing. For a check that costs nothing
   * and can only succeed (a secret this instance has already verified): it may pass only while an attempt could.
   */
  abstract lockedUntil(kind: AttemptCounterKind, key: string, now: Date, policy: AttemptPolicy): Promise<Date | null>;
  /**
   * Records how a slot's check ended. A failure stays counted. A success frees its own slot and clears the
   * slot's `settledFailures`, never failures that were still being checked when it took its slot or came later.
   */
  abstract settle(kind: AttemptCounterKind, key: string, slot: AttemptSlot, outcome: 'success' | 'failure', policy: AttemptPolicy): Promise<void>;
  /** Deletes up to `limit` keys whose window and lock had both passed at `now`; returns how many. */
  abstract deleteExpired(kind: AttemptCounterKind, now: Date, limit: number): Promise<number>;
}
