import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { OAUTH_PRINCIPAL_PROPERTY } from '../oauth.constants';
import type { OAuthPrincipal } from './oauth-principal.interface';

/** The `OAuthPrincipal` that `BearerGuard` authenticated for this request. */
export const Principal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OAuthPrincipal => context.switchToHttp().getRequest()[OAUTH_PRINCIPAL_PROPERTY],
);
