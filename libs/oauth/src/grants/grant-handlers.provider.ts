import type { Provider } from '@nestjs/common';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { OAUTH_GRANT_HANDLERS, OAUTH_RESOLVED_OPTIONS } from '../oauth.constants';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { ClientCredentialsGrant } from './client-credentials.grant';
import type { GrantHandler } from './grant-handler.interface';
import { PasswordGrant } from './password.grant';
import { RefreshTokenGrant } from './refresh-token.grant';

/** Every grant the module implements; a new grant is one class here and its file. */
export const GRANT_HANDLER_CLASSES = [PasswordGrant, RefreshTokenGrant, ClientCredentialsGrant];

/** Builds the `grant_type` → handler map from the grants the options enable. */
export const grantHandlersProvider: Provider = {
  provide: OAUTH_GRANT_HANDLERS,
  inject: [OAUTH_RESOLVED_OPTIONS, ...GRANT_HANDLER_CLASSES],
  useFactory: (options: ResolvedOAuthOptions, password: PasswordGrant, ...others: GrantHandler[]) => {
    if (options.grantTypes.includes('password') && !password.userLookup) {
      throw new MisconfigurationError(
        'OAuthModule: the password grant is enabled but no user lookup is configured. ' +
          'Pass `userLookup: YourUserLookup` (a class implementing UserLookup) and the modules it needs in `imports`, ' +
          "or leave 'password' out of `grantTypes`.",
      );
    }
    const handlers = new Map<string, GrantHandler>();
    for (const handler of [password, ...others]) {
      if (options.grantTypes.includes(handler.grantType as never)) handlers.set(handler.grantType, handler);
    }
    return handlers;
  },
};
