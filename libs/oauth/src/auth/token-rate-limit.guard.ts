import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
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

interface AddressWindow {
  hits: number;
  windowEndsAt: number;
  blockedUntil: number;
}

/**
 * Requests per client address in fixed one-minute windows; an address over the limit waits a minute. One table
 * for all the module's endpoints. The module counts for itself rather than with @nestjs/throttler's storage: that
 * package is CommonJS and requires @nestjs/common, which Nest 12 ships as ES modules only, and jest cannot load
 * such a chain on every supported Node version.
 */
@Injectable()
export class TokenRateLimitCounter {
  private readonly windows = new LRUCache<string, AddressWindow>({ max: MAX_TRACKED_ADDRESSES });

  /** Counts a request from `address`; the seconds it must wait when it is over `limit`, else `null`. */
  hit(address: string, limit: number, now = Date.now()): number | null {
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
    const waitSeconds = this.counter.hit(rateLimitKey(ip), limit);
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
