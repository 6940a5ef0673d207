import { ConfigurableModuleBuilder } from '@nestjs/common';
import { LoggingOAuthEvents, OAuthEvents } from './events/oauth-events';
import { UserLookup } from './repositories/user-lookup';
import { DefaultOAuthPages } from './pages/default-oauth-pages';
import { OAuthPages } from './pages/oauth-pages';
import { MisconfigurationError } from './errors/misconfiguration.error';
import { grantRegistryProviders, registerGrantHandlers } from './grants/grant-registry';
import { OAUTH_MODULE_OPTIONS } from './oauth.constants';
import type { OAuthModuleExtras, OAuthModuleOptions } from './oauth-module-options.interface';

export const {
  ConfigurableModuleClass: ConfigurableOAuthModule,
  OPTIONS_TYPE: OAUTH_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: OAUTH_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<OAuthModuleOptions>({
  // Derived from the class name this would be O_AUTH_MODULE_OPTIONS; name it explicitly.
  optionsInjectionToken: OAUTH_MODULE_OPTIONS,
})
  .setClassMethodName('forRoot')
  .setFactoryMethodName('createOAuthOptions')
  .setExtras<OAuthModuleExtras>({ isGlobal: false, imports: [] }, (definition, extras) => {
    if (!extras.storage) {
      throw new MisconfigurationError(
        'OAuthModule needs a storage: pass `storage: OAuthTypeOrmModule.forFeature()` (from @nest-oauth/server/typeorm), ' +
          '`OAuthInMemoryStorageModule.register()`, or your own module that ' +
          'exports ClientRepository, GrantRepository, AccessTokenRepository, RefreshTokenRepository, AttemptCounterRepository and AuthorizationCodeRepository.',
      );
    }
    // Checked here, as the module is defined, so a misnamed grant stops the app before anything starts.
    const grantHandlers = registerGrantHandlers(extras.grantHandlers);
    return {
      ...definition,
      global: extras.isGlobal,
      imports: [...(definition.imports ?? []), ...(extras.imports ?? []), extras.storage],
      // Re-exported so the host can inject the repositories (to revoke a user's grants, say).
      exports: [...(definition.exports ?? []), extras.storage],
      providers: [
        ...(definition.providers ?? []),
        ...(extras.userLookup ? [{ provide: UserLookup, useClass: extras.userLookup }] : []),
        { provide: OAuthEvents, useClass: extras.events ?? LoggingOAuthEvents },
        { provide: OAuthPages, useClass: extras.pages ?? DefaultOAuthPages },
        ...grantRegistryProviders(grantHandlers),
      ],
    };
  })
  .build();
