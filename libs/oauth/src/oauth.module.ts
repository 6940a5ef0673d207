import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { AccessTokenCache } from './auth/access-token-cache';
import { AccessTokenVerifier } from './auth/access-token.verifier';
import { AuthorizationCodeIssuer } from './authorize/authorization-code.issuer';
import { AuthorizeController } from './authorize/authorize.controller';
import { BrowserResponses } from './authorize/browser-responses';
import { BrowserSessions } from './authorize/browser-sessions';
import { BearerStrategy } from './auth/bearer.strategy';
import { ClientAuthenticator } from './auth/client-authenticator';
import { ClientBasicStrategy } from './auth/client-basic.strategy';
import { ClientPostStrategy } from './auth/client-post.strategy';
import { ClientPublicStrategy } from './auth/client-public.strategy';
import { ClientSecretVerifier } from './auth/client-secret.verifier';
import { TokenRateLimitCounter } from './auth/token-rate-limit.guard';
import { HashLimiter } from './crypto/hash-limiter';
import { OAuthEvents } from './events/oauth-events';
import { MethodNotAllowedController } from './errors/method-not-allowed.controller';
import { OAuthEndpointExceptionFilter, OAuthExceptionFilter } from './errors/oauth-exception.filter';
import { OAuthClientAdminService } from './clients/oauth-client-admin.service';
import { OAuthGrantRegistry } from './grants/grant-registry';
import { OAUTH_MODULE_OPTIONS, OAUTH_REGISTERED_GRANT_TYPES, OAUTH_RESOLVED_OPTIONS } from './oauth.constants';
import { ConfigurableOAuthModule } from './oauth.module-definition';
import type { OAuthModuleOptions, ResolvedOAuthOptions } from './oauth-module-options.interface';
import { resolveOAuthOptions } from './oauth-options';
import { IntrospectionController } from './introspection/introspection.controller';
import { IntrospectionService } from './introspection/introspection.service';
import { JwtAccessTokenService } from './jwt/jwt-access-token.service';
import { JwksController } from './metadata/jwks.controller';
import { MetadataController } from './metadata/metadata.controller';
import { RoutePaths } from './metadata/route-paths';
import { RevocationController } from './revocation/revocation.controller';
import { RevocationService } from './revocation/revocation.service';
import { UserRevocationService } from './revocation/user-revocation.service';
import { AttemptThrottle } from './throttle/attempt-throttle';
import { ClientThrottle } from './throttle/client-throttle';
import { LoginThrottle } from './throttle/login-throttle';
import { TokenController } from './token/token.controller';
import { IdTokenIssuer } from './oidc/id-token.issuer';
import { UserinfoController } from './oidc/userinfo.controller';
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
  controllers: [
    AuthorizeController,
    UserinfoController,
    TokenController,
    RevocationController,
    IntrospectionController,
    MetadataController,
    JwksController,
    MethodNotAllowedController,
  ],
  providers: [
    {
      provide: OAUTH_RESOLVED_OPTIONS,
      // The registered grant types are provided with the grant handlers, by the registration (see the module
      // definition), since the host's handlers are only known there.
      inject: [OAUTH_MODULE_OPTIONS, OAUTH_REGISTERED_GRANT_TYPES],
      useFactory: (options: OAuthModuleOptions, grantTypes: string[]) => resolveOAuthOptions(options, grantTypes),
    },
    // Catches only OAuthError, so it answers for the guards on the host's routes without touching the host's
    // other errors.
    OAuthExceptionFilter,
    { provide: APP_FILTER, useExisting: OAuthExceptionFilter },
    OAuthEndpointExceptionFilter,
    AttemptThrottle,
    LoginThrottle,
    ClientThrottle,
    TokenRateLimitCounter,
    TokenIssuer,
    JwtAccessTokenService,
    TokenService,
    {
      provide: HashLimiter,
      inject: [OAUTH_RESOLVED_OPTIONS, OAuthEvents],
      useFactory: (options: ResolvedOAuthOptions, events: OAuthEvents) =>
        new HashLimiter({ concurrency: options.hashConcurrency, queueMax: options.hashQueueMax, queueTimeoutMs: options.hashQueueTimeoutMs }, events),
    },
    ClientSecretVerifier,
    ClientAuthenticator,
    ClientBasicStrategy,
    ClientPostStrategy,
    ClientPublicStrategy,
    TokenFinder,
    RevocationService,
    UserRevocationService,
    IntrospectionService,
    AccessTokenVerifier,
    AccessTokenCache,
    BearerStrategy,
    OAuthClientAdminService,
    RoutePaths,
    AuthorizationCodeIssuer,
    BrowserResponses,
    BrowserSessions,
    IdTokenIssuer,
  ],
  exports: [
    OAUTH_RESOLVED_OPTIONS,
    TokenService,
    AccessTokenVerifier,
    AccessTokenCache,
    HashLimiter,
    TokenRateLimitCounter,
    OAuthGrantRegistry,
    OAuthClientAdminService,
    UserRevocationService,
  ],
})
export class OAuthModule extends ConfigurableOAuthModule {}
