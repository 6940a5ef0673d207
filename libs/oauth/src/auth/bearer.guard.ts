import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { OAuthError } from '../errors/oauth.error';
import { BEARER_STRATEGY, OAUTH_PRINCIPAL_PROPERTY, OAUTH_PUBLIC_KEY, OAUTH_REQUIRE_USER_KEY, OAUTH_SCOPES_KEY } from '../oauth.constants';
import { hasScopes } from '../scope/scope';
import type { OAuthPrincipal } from './oauth-principal.interface';

/**
 * Protects a host's route with an access token (RFC 6750) and enforces the route's `@Scopes()`. The principal
 * is then available through `@Principal()`. Failures follow RFC 6750 §3.1: no token is a bare 401 challenge,
 * a bad token 401 `invalid_token`, a missing scope 403 `insufficient_scope`.
 *
 * Use it per route or per controller (`@UseGuards(BearerGuard)`), or for the whole app
 * (`{ provide: APP_GUARD, useClass: BearerGuard }`) with `@Public()` on the routes that need no token; the
 * module's own endpoints are `@Public()` already.
 */
@Injectable()
export class BearerGuard extends AuthGuard(BEARER_STRATEGY) {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  // Typed by its shape: @nestjs/passport 11 declares this method with IAuthModuleOptions, 12 with
  // AuthGuardAuthenticateOptions (which forbids `defaultStrategy`), and a host may compile against either.
  override getAuthenticateOptions(): { session: boolean; property: string } {
    return { session: false, property: OAUTH_PRINCIPAL_PROPERTY };
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(OAUTH_PUBLIC_KEY, targets)) return true;
    await super.canActivate(context);
    const required = this.reflector.getAllAndOverride<string[] | undefined>(OAUTH_SCOPES_KEY, targets);
    const principal: OAuthPrincipal = context.switchToHttp().getRequest()[OAUTH_PRINCIPAL_PROPERTY];
    if (required && !hasScopes(principal.scopes, required)) throw OAuthError.insufficientScope(required);
    if (principal.userId === null && this.reflector.getAllAndOverride<boolean>(OAUTH_REQUIRE_USER_KEY, targets)) {
      throw new OAuthError('insufficient_scope', 'This resource needs a token issued for a user', 403, {
        scheme: 'Bearer',
        error: 'insufficient_scope',
        ...(required ? { scope: required.join(' ') } : {}),
      });
    }
    return true;
  }

  override handleRequest<TPrincipal = OAuthPrincipal>(
    error: unknown,
    principal: TPrincipal | false,
    _info: unknown,
    _context: ExecutionContext,
    status?: unknown,
  ): TPrincipal {
    if (error) throw error instanceof OAuthError ? error : OAuthError.unexpected(error);
    if (principal) return principal;
    // passport-http-bearer fails with 400 when the Authorization header is not "Bearer <token>".
    if (status === 400) {
      throw new OAuthError('invalid_request', 'The Authorization header is malformed', 400, {
        scheme: 'Bearer',
        error: 'invalid_request',
      });
    }
    throw OAuthError.missingToken();
  }
}
