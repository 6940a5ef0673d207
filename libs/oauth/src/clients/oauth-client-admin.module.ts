import { type DynamicModule, Module } from '@nestjs/common';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { registerGrantHandlers } from '../grants/grant-registry';
import { OAUTH_REGISTERED_GRANT_TYPES, OAUTH_RESOLVED_OPTIONS } from '../oauth.constants';
import type { OAuthModuleExtras, OAuthModuleOptions } from '../oauth-module-options.interface';
import { resolveOAuthOptions } from '../oauth-options';
import { OAuthClientAdminService } from './oauth-client-admin.service';

/** What `OAuthClientAdminModule.register()` takes: the same values as the app's `OAuthModule` registration. */
export interface OAuthClientAdminModuleOptions extends Pick<OAuthModuleOptions, 'clientSecretHash'>, Pick<OAuthModuleExtras, 'grantHandlers'> {
  /** The storage module, as given to `OAuthModule`. */
  storage: NonNullable<OAuthModuleExtras['storage']>;
}

/**
 * `OAuthClientAdminService` without the rest of `OAuthModule` (no endpoints, guards or passport strategies), for
 * a command-line tool or a script that manages clients next to a running server. Pass the storage, the
 * `grantHandlers` and the `clientSecretHash` the server is registered with, so that both accept the same
 * grant types and hash secrets alike. Inside the server, inject the service `OAuthModule` exports instead.
 */
@Module({})
export class OAuthClientAdminModule {
  static register(options: OAuthClientAdminModuleOptions): DynamicModule {
    if (!options?.storage) throw new MisconfigurationError('OAuthClientAdminModule needs the storage the OAuthModule uses');
    const grantTypes = registerGrantHandlers(options.grantHandlers).map((handler) => handler.grantType);
    return {
      module: OAuthClientAdminModule,
      imports: [options.storage],
      providers: [
        { provide: OAUTH_REGISTERED_GRANT_TYPES, useValue: grantTypes },
        { provide: OAUTH_RESOLVED_OPTIONS, useValue: resolveOAuthOptions({ clientSecretHash: options.clientSecretHash }, grantTypes) },
        OAuthClientAdminService,
      ],
      // The storage too, so that the tool can reach the other repositories (to purge tokens, say).
      exports: [OAuthClientAdminService, options.storage],
    };
  }
}
