import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { LoginAttemptRepository } from '../repositories/login-attempt.repository';

/**
 * Brute-force protection of the password grant (RFC 6749 §10.10, RFC 9700 §2.4): after `loginMaxFailures`
 * failures for one username within `loginLockSeconds`, every attempt for it is refused with 429 until the
 * window passes, the right password included. Unknown usernames are counted the same way, so a lock says
 * nothing about whether an account exists.
 */
@Injectable()
export class LoginThrottle {
  constructor(
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    private readonly attempts: LoginAttemptRepository,
    private readonly events: OAuthEvents,
  ) {}

  /** Runs `verify` unless the username is locked, and counts the outcome. */
  async attempt<T>(clientId: string, username: string, verify: () => Promise<T | null>): Promise<T | null> {
    if (this.options.loginMaxFailures === 0) return verify();
    const key = usernameKey(username);
    const now = new Date();
    const state = await this.attempts.find(key);
    if (state?.lockedUntil && state.lockedUntil > now) throw OAuthError.accountLocked(state.lockedUntil, now);

    const subject = await verify();
    if (subject) {
      if (state) await this.attempts.reset(key);
      return subject;
    }
    const lock = await this.attempts.recordFailure(key, now, {
      maxFailures: this.options.loginMaxFailures,
      windowSeconds: this.options.loginLockSeconds,
      lockSeconds: this.options.loginLockSeconds,
    });
    this.events.emit({ type: 'login.failed', clientId, usernameKey: key });
    if (lock.lockedUntil) this.events.emit({ type: 'account.locked', clientId, usernameKey: key, lockedUntil: lock.lockedUntil });
    return null;
  }
}

/** Usernames are compared case-insensitively; only a digest is stored, so the table holds no attacker text. */
export function usernameKey(username: string): string {
  return createHash('sha256').update(username.trim().toLowerCase(), 'utf8').digest('hex');
}
