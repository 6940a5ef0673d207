import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
// A default import: ipaddr.js is CommonJS without named exports Node can see, so an ES module namespace would be empty.
import ipaddr from 'ipaddr.js';
import { LRUCache } from 'lru-cache';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

const MINUTE_MS = 60_000;
/** Client addresses (IPv6: /64 networks) tracked at most: bounds the memory a flood from many addresses can take. */
const MAX_TRACKED_ADDRESSES = 100_000;

/** The throttler name the module's counts are stored under in a shared `RateLimitStorage`. */
const THROTTLER_NAME = 'oauth';

/**
 * Where the per-address counts live when instances share them: the shape of @nestjs/throttler's
 * `ThrottlerStorage`, so any storage written for it (a maintained Redis storage, say) serves as it is. The
 * module only calls `increment`: a hit on `key` within a window of `ttl` ms, blocked for `blockDuration` ms once
 * over `limit`; the times it returns are in seconds.
 */
export interface RateLimitStorage {
  increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<{ totalHits: number; timeToExpire: number; isBlocked: boolean; timeToBlockExpire: number }>;
}

/** Where the counts are kept now: `shared` storage, this instance's memory because none is configured, or this instance's memory because the shared storage failed. */
export type RateLimitMode = 'shared' | 'local' | 'local-fallback';

interface AddressWindow {
  hits: number;
  windowEndsAt: number;
  blockedUntil: number;
}

/**
 * Requests per client address in fixed one-minute windows; an address over the limit waits a minute. One table
 * for all the module's endpoints, in the `rateLimitStorage` the host gives (shared by every instance), or else in
 * this instance's memory. The module does not import @nestjs/throttler itself: that package is CommonJS and
 * requires @nestjs/common, which Nest 12 ships as ES modules only; it only speaks its storage interface. When the
 * shared storage fails, the count goes on in memory (per instance) until it answers again, and the log says so
 * both times: a storage outage must not take the token endpoint down with it.
 */
@Injectable()
export class TokenRateLimitCounter {
  private readonly windows = new LRUCache<string, AddressWindow>({ max: MAX_TRACKED_ADDRESSES });
  private readonly shared: RateLimitStorage | undefined;
  private sharedFailing = false;
  private readonly logger = new Logger('OAuthRateLimit');

  constructor(@InjectOAuthOptions() options: ResolvedOAuthOptions) {
    this.shared = options.rateLimitStorage;
  }

  /** Where the counts are kept now (for a health report). */
  get mode(): RateLimitMode {
    return !this.shared ? 'local' : this.sharedFailing ? 'local-fallback' : 'shared';
  }

  /** Counts a request from `address`; the seconds it must wait when it is over `limit`, else `null`. */
  async hit(address: string, limit: number): Promise<number | null> {
    if (!this.shared) return this.hitInMemory(address, limit);
    try {
      const record = await this.shared.increment(address, MINUTE_MS, limit, MINUTE_MS, THROTTLER_NAME);
      if (this.sharedFailing) {
        this.sharedFailing = false;
        this.logger.log('The shared rate-limit storage answers again: limits are shared by every instance');
      }
      return record.isBlocked ? Math.max(1, record.timeToBlockExpire) : null;
    } catch (error) {
      if (!this.sharedFailing) {
        this.sharedFailing = true;
        this.logger.warn(
          `The shared rate-limit storage failed (${error instanceof Error ? error.message : String(error)}): counting in this instance's memory until it answers again`,
        );
      }
      return this.hitInMemory(address, limit);
    }
  }

  /** `hit`, counted in this instance's memory. */
  hitInMemory(address: string, limit: number, now = Date.now()): number | null {
    let window = this.windows.get(address);
    if (window && window.blockedUntil > now) return (window.blockedUntil - now) / 1000;
    if (!window || window.windowEndsAt <= now) {
      window = { hits: 0, windowEndsAt: now + MINUTE_MS, blockedUntil: 0 };
      this.windows.set(address, window);
    }
    window.hits += 1;
    if (window.hits <= limit) return null;
    window.blockedUntil = now + MINUTE_MS;
    return MINUTE_MS / 1000;
  }
}

/**
 * Limits requests per client IP address to the module's endpoints. The module keeps its own counter instead of
 * importing `ThrottlerModule`, which registers itself globally and would collide with a host's own throttling.
 * It runs before client authentication, so a flood costs no secret check and no database read.
 */
@Injectable()
export class TokenRateLimitGuard implements CanActivate {
  constructor(
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    private readonly counter: TokenRateLimitCounter,
    private readonly events: OAuthEvents,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.options.tokenRateLimit;
    if (limit === 0) return true;
    const request = context.switchToHttp().getRequest();
    // Behind a proxy, the host sets Express's `trust proxy` or Fastify's `trustProxy` so that `ip` is the client's
    // address rather than the proxy's.
    const ip: string | undefined = request.ip ?? request.socket?.remoteAddress;
    const waitSeconds = await this.counter.hit(rateLimitKey(ip), limit);
    if (waitSeconds !== null) {
      const refusal = OAuthError.rateLimited(waitSeconds);
      this.events.emit({ type: 'request.rate_limited', retryAfterSeconds: refusal.retryAfterSeconds! });
      throw refusal;
    }
    return true;
  }
}

/**
 * Whose count a request joins: an IPv4 address alone (also when it arrives IPv4-mapped, `::ffff:192.0.2.1`), an
 * IPv6 address by its /64. One IPv6 subscriber is usually handed a whole /64 (RFC 6177), so counting single
 * addresses would give one client 2^64 separate limits, and the count store as many entries.
 */
export function rateLimitKey(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  const address = ipaddr.process(ip);
  if (address.kind() === 'ipv4') return address.toString();
  const network = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...network, 0, 0, 0, 0]).toString()}/64`;
}
