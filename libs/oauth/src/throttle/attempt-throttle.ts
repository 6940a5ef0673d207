import { Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { AttemptCounterRepository, type AttemptCounterKind, type AttemptPolicy } from '../repositories/attempt-counter.repository';

/** How a throttled check is run, beyond the check itself. */
export interface AttemptOptions {
  /**
   * Identifies the credential presented (a digest of it). Concurrent attempts with the same key and credential
   * share one slot and one check: they would all get the same answer, and a user or client that sends its right
   * secret over many connections at once should not use up its own slots (nor leave them all pending should the
   * process die). Omit it to check every attempt on its own.
   */
  credential?: string;
  /** Called once per failed check, with the lock that check's slot started, if it was the last one. */
  onFailure?: (lockedUntil: Date | null) => void;
}

/**
 * The brute-force throttle (RFC 6749 §10.10, RFC 9700 §4.16) for every secret the server checks: user passwords
 * per username, client secrets per client id. An attempt takes a slot in the database before its secret is
 * hashed; with no slot left it is refused at once, with the instant the lock ends, and nothing is hashed. So of
 * any burst, however concurrent and on however many instances, at most `maxFailures` per window are checked.
 */
@Injectable()
export class AttemptThrottle {
  private readonly policies: Record<AttemptCounterKind, AttemptPolicy | null>;
  /** Checks under way that carry a `credential`, so that identical attempts can join them. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    @InjectOAuthOptions() options: ResolvedOAuthOptions,
    private readonly counters: AttemptCounterRepository,
  ) {
    this.policies = {
      login: policyOf(options.loginMaxFailures, options.loginLockSeconds),
      client: policyOf(options.clientMaxFailures, options.clientLockSeconds),
    };
  }

  /**
   * Runs `verify` in a slot of `key`'s window and records its outcome: a result is a success, `null` or a thrown
   * error a failure (an error cannot tell whether the secret was checked, so it stays counted). Throws the
   * kind's refusal, without running `verify`, when no slot is left.
   */
  attempt<T>(kind: AttemptCounterKind, key: string, verify: () => Promise<T | null>, options: AttemptOptions = {}): Promise<T | null> {
    const policy = this.policies[kind];
    if (!policy) return verify();
    if (options.credential === undefined) return this.checkInSlot(kind, key, policy, verify, options.onFailure);
    const flightKey = `${kind}:${key}:${options.credential}`;
    const running = this.inFlight.get(flightKey) as Promise<T | null> | undefined;
    if (running) return running;
    const flight = this.checkInSlot(kind, key, policy, verify, options.onFailure).finally(() => this.inFlight.delete(flightKey));
    this.inFlight.set(flightKey, flight);
    return flight;
  }

  /**
   * Throws the kind's refusal while `key` has no slot left; takes none. For a check that costs nothing and can
   * only succeed, such as a secret this instance has verified before: it must not be answered while the key is
   * locked, or a guess would be told apart from the right secret after all, but it needs no slot of its own,
   * since only a failure uses one up.
   */
  async admit(kind: AttemptCounterKind, key: string): Promise<void> {
    const policy = this.policies[kind];
    if (!policy) return;
    const now = new Date();
    const lockedUntil = await this.counters.lockedUntil(kind, key, now, policy);
    if (lockedUntil) throw refusal(kind, lockedUntil, new Date());
  }

  private async checkInSlot<T>(
    kind: AttemptCounterKind,
    key: string,
    policy: AttemptPolicy,
    verify: () => Promise<T | null>,
    onFailure?: (lockedUntil: Date | null) => void,
  ): Promise<T | null> {
    const now = new Date();
    const reservation = await this.counters.reserve(kind, key, now, policy);
    // Retry-After counts from the refusal: a concurrent attempt that read the clock after this one may have
    // started the lock.
    if (!reservation.granted) throw refusal(kind, reservation.lockedUntil, new Date());
    const { slot } = reservation;
    let result: T | null;
    try {
      result = await verify();
    } catch (error) {
      // The slot already counts as a failure; if even settling fails, it stays that way.
      await this.counters.settle(kind, key, slot, 'failure', policy).catch(() => undefined);
      throw error;
    }
    await this.counters.settle(kind, key, slot, result ? 'success' : 'failure', policy);
    if (!result) onFailure?.(slot.lockedUntil);
    return result;
  }
}

function policyOf(maxFailures: number, lockSeconds: number): AttemptPolicy | null {
  return maxFailures === 0 ? null : { maxFailures, windowSeconds: lockSeconds, lockSeconds };
}

function refusal(kind: AttemptCounterKind, lockedUntil: Date, now: Date): OAuthError {
  return kind === 'login' ? OAuthError.accountLocked(lockedUntil, now) : OAuthError.clientLocked(lockedUntil, now);
}
