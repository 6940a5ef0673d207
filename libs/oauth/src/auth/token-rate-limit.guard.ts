import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerStorageService } from '@nestjs/throttler';
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
    // Behind a proxy, the host sets Express's or Fastify's `trust proxy` so that `ip` is the client's address.
    const ip: string = request.ip ?? request.socket?.remoteAddress ?? 'unknown';
    const record = await this.storage.increment(`oauth:${ip}`, MINUTE_MS, limit, MINUTE_MS, 'oauth-token');
    if (record.isBlocked) throw OAuthError.rateLimited(record.timeToBlockExpire);
    return true;
  }
}
