import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { ThrottlerStorageService } from '@nestjs/throttler';
import { AccessTokenCache } from './auth/access-token-cache';
import { AccessTokenVerifier } from './auth/access-token.verifier';
import { BearerStrategy } from './auth/bearer.strategy';
import { ClientAuthenticator } from './auth/client-authenticator';
import { ClientBasicStrategy } from './auth/client-basic.strategy';
import { ClientPostStrategy } from './auth/client-post.strategy';
import { OAuthEndpointExceptionFilter, OAuthExceptionFilter } from './errors/oauth-exception.filter';
import { GRANT_HANDLER_CLASSES, grantHandlersProvider } from './grants/grant-handlers.provider';
import { LoginThrottle } from './grants/login-throttle';
import { OAUTH_MODULE_OPTIONS, OAUTH_RESOLVED_OPTIONS } from './oauth.constants';
import { ConfigurableOAuthModule } from './oauth.module-definition';
import type { OAuthModuleOptions } from './oauth-module-options.interface';
import { resolveOAuthOptions } from './oauth-options';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { JwtAccessTokenService } from './jwt/jwt-access-token.service';
import { JwksController } from './metadata/jwks.controller';
import { MetadataController } from './metadata/metadata.controller';
import { RevocationController } from './revocation/revocation.controller';
import { RevocationService } from './revocation/revocation.service';
import { UserRevocationService } from './revocation/user-revocation.service';
import { TokenController } from './token/token.controller';
import { TokenFinder } from './token/token-finder';
import { TokenIssuer } from './token/token-issuer';
import { TokenService } from './token/token.service';

/**
 * Makes the application an OAuth 2.0 authorization server: `POST /oauth/token`, `/oauth/revoke` (RFC 7009),
 * `/oauth/introspect` (RFC 7662) and `/.well-known/oauth-authorization-server` (RFC 8414); `ClientBasicGuard`
 * and `BearerGuard` for the host's routes; and the services behind them. Register it with `OAuthModule.forRoot()`
 * or `OAuthModule.forRootAsync()`.
 */
@Module({
  imports: [PassportModule],
  controllers: [TokenController, RevocationController, IntrospectionController, MetadataController, JwksController],
  providers: [
    {
      provide: OAUTH_RESOLVED_OPTIONS,
      inject: [OAUTH_MODULE_OPTIONS],
      useFactory: (options: OAuthModuleOptions) => resolveOAuthOptions(options),
    },
    // Catches only OAuthError, so it answers for the guards on the host's routes without touching the host's
    // other errors.
    OAuthExceptionFilter,
    { provide: APP_FILTER, useExisting: OAuthExceptionFilter },
    OAuthEndpointExceptionFilter,
    ...GRANT_HANDLER_CLASSES,
    LoginThrottle,
    ThrottlerStorageService,
    grantHandlersProvider,
    TokenIssuer,
    JwtAccessTokenService,
    TokenService,
    ClientAuthenticator,
    ClientBasicStrategy,
    ClientPostStrategy,
    TokenFinder,
    RevocationService,
    UserRevocationService,
    IntrospectionService,
    AccessTokenVerifier,
    AccessTokenCache,
    BearerStrategy,
  ],
  exports: [OAUTH_RESOLVED_OPTIONS, TokenService, AccessTokenVerifier, AccessTokenCache, UserRevocationService],
})
export class OAuthModule extends ConfigurableOAuthModule {}
