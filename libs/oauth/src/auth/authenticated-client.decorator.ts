import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { OAUTH_CLIENT_PROPERTY } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';

/** The client `ClientBasicGuard` authenticated. */
export const AuthenticatedClient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): OAuthClient => context.switchToHttp().getRequest()[OAUTH_CLIENT_PROPERTY],
);
