import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
import * as ipaddr from 'ipaddr.js';
import { OAuthError } from '../errors/oauth.error';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

const MINUTE_MS = 60_000;

/**
 * Limits requests per client IP address to the module's endpoints, with @nestjs/throttler's storage and
 * algorithm. The module keeps its own storage instead of importing `ThrottlerModule`, which registers itself
 * globally and would collide with a host's own throttling. It runs before client authentication, so a flood
 * costs no secret check and no database read.
 */
@Injectable()
export class TokenRateLimitGuard implements CanActivate {
  constructor(
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    private readonly storage: ThrottlerStorageService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const limit = this.options.tokenRateLimit;
    if (limit === 0) return true;
    const request = context.switchToHttp().getRequest();
    // Behind a proxy, the host sets Express's `trust proxy` or Fastify's `trustProxy` so that `ip` is the client's
    // address rather than the proxy's.
    const ip: string | undefined = request.ip ?? request.socket?.remoteAddress;
    const record = await this.storage.increment(`oauth:${rateLimitKey(ip)}`, MINUTE_MS, limit, MINUTE_MS, 'oauth-token');
    if (record.isBlocked) throw OAuthError.rateLimited(record.timeToBlockExpire);
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
