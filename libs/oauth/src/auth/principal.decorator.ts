import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { OAUTH_PRINCIPAL_PROPERTY } from '../oauth.constants';
import type { OAuthPrincipal } from './oauth-principal.interface';

/**
 * The `OAuthPrincipal` that `BearerGuard` authenticated for this request, or one of its fields:
 * `@Principal() principal: OAuthPrincipal`, `@Principal('userId') userId: string | null`. A field name that
 * `OAuthPrincipal` does not have is a compile error. Reading it where `BearerGuard` did not run (no guard, or a
 * `@Public()` route) is a programming error and throws, rather than handing the handler `undefined`.
 */
export const Principal = createParamDecorator<keyof OAuthPrincipal | undefined, OAuthPrincipal | OAuthPrincipal[keyof OAuthPrincipal]>(
  (field: keyof OAuthPrincipal | undefined, context: ExecutionContext) => {
    const principal: OAuthPrincipal | undefined = context.switchToHttp().getRequest()[OAUTH_PRINCIPAL_PROPERTY];
    if (!principal) {
      throw new Error('@Principal() is only available on routes that BearerGuard protects (and that are not @Public())');
    }
    return field === undefined ? principal : principal[field];
  },
);
