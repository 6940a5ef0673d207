import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { OAuthEvents } from '../events/oauth-events';
import { AttemptThrottle } from './attempt-throttle';

/**
 * Brute-force protection of client authentication, per client id as `LoginThrottle` is per username: at most
 * `clientMaxFailures` secrets are checked per client id within `clientLockSeconds`; every further attempt, the
 * right secret included, is refused with 401 `invalid_client` and `Retry-After` until the lock ends. Unknown
 * client ids are counted too, so a lock says nothing about which ids exist.
 */
@Injectable()
export class ClientThrottle {
  constructor(
    private readonly throttle: AttemptThrottle,
    private readonly events: OAuthEvents,
  ) {}

  /**
   * Runs `verify` in one of the client id's slots, or refuses when none is left. Concurrent attempts with the
   * same id and secret share one check, so a client opening many connections at once does not lock itself out.
   */
  attempt<T>(clientId: string, secretDigest: Buffer, verify: () => Promise<T | null>): Promise<T | null> {
    const key = clientKey(clientId);
    return this.throttle.attempt('client', key, verify, {
      credential: secretDigest.toString('hex'),
      onFailure: (lockedUntil) => {
        if (lockedUntil) this.events.emit({ type: 'client.locked', clientKey: key, lockedUntil });
      },
    });
  }

  /** Refuses a secret this instance has already verified while the client id is locked; see `AttemptThrottle.admit`. */
  admitVerified(clientId: string): Promise<void> {
    return this.throttle.admit('client', clientKey(clientId));
  }
}

/** The counter's key for a client id: a digest, so the table holds no attacker text and keys have one size. */
export function clientKey(clientId: string): string {
  return createHash('sha256').update(clientId, 'utf8').digest('hex');
}
