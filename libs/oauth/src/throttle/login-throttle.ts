import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { OAuthEvents } from '../events/oauth-events';
import { AttemptThrottle } from './attempt-throttle';

/**
 * Brute-force protection of the password grant (RFC 6749 §10.10, RFC 9700 §2.4): at most `loginMaxFailures`
 * passwords are checked per username within `loginLockSeconds`; every further attempt for it, the right password
 * included, is refused with 429 until the lock ends, without hashing. Unknown usernames are counted the same
 * way, so a lock says nothing about whether an account exists. Concurrent logins with the same username and
 * password share one check, so a user whose apps sign in at once does not use up the slots.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    private readonly throttle: AttemptThrottle,
    private readonly events: OAuthEvents,
  ) {}

  /** Runs `verify` (which checks `password`) in one of the username's slots, or refuses with 429 when none is left. */
  attempt<T>(clientId: string, username: string, password: string, verify: () => Promise<T | null>): Promise<T | null> {
    const key = usernameKey(username);
    return this.throttle.attempt('login', key, verify, {
      // The username as sent, not the normalised key: a host may tell usernames apart by case. Kept only while the
      // check runs, in this process, where the password itself is anyway.
      credential: createHash('sha256')
        .update(JSON.stringify([username, password]), 'utf8')
        .digest('hex'),
      onFailure: (lockedUntil) => {
        this.events.emit({ type: 'login.failed', clientId, usernameKey: key });
        if (lockedUntil) this.events.emit({ type: 'account.locked', clientId, usernameKey: key, lockedUntil });
      },
    });
  }
}

/** Usernames are compared case-insensitively; only a digest is stored, so the table holds no attacker text. */
export function usernameKey(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase(), 'utf8').digest('hex');
}
