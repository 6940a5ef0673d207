// The package contract: everything a host may import. Internal providers and DI tokens stay unexported.
export { OAuthModule } from './oauth.module';
export { OAUTH_ASYNC_OPTIONS_TYPE, OAUTH_OPTIONS_TYPE } from './oauth.module-definition';
export type { OAuthJwtOptions, OAuthModuleExtras, OAuthModuleOptions, ResolvedOAuthOptions } from './oauth-module-options.interface';

export {
  OAuthClientAdminService,
  type NewOAuthClient,
  type OAuthClientChanges,
  type OAuthClientRevocation,
  type OAuthClientView,
  type OAuthClientWithSecret,
} from './clients/oauth-client-admin.service';
export { OAuthClientAdminError, type OAuthClientAdminErrorCode, type OAuthClientField } from './clients/oauth-client-admin.error';
export { OAuthClientAdminModule, type OAuthClientAdminModuleOptions } from './clients/oauth-client-admin.module';

export { AccessTokenCache } from './auth/access-token-cache';
export { TokenRateLimitCounter, type RateLimitMode, type RateLimitStorage } from './auth/token-rate-limit.guard';
export { AccessTokenVerifier } from './auth/access-token.verifier';
export { AuthenticatedClient } from './auth/authenticated-client.decorator';
export { BearerGuard } from './auth/bearer.guard';
export { ClientAuthGuard, ClientBasicGuard } from './auth/client-auth.guard';
export type { OAuthPrincipal } from './auth/oauth-principal.interface';
export { Principal } from './auth/principal.decorator';
export { Public } from './auth/public.decorator';
export { RequireUser } from './auth/require-user.decorator';
export { Scopes } from './auth/scopes.decorator';

export { MisconfigurationError } from './errors/misconfiguration.error';
export { OAuthError, type OAuthChallenge, type OAuthErrorCode } from './errors/oauth.error';
export { OAuthExceptionFilter } from './errors/oauth-exception.filter';
export { StorageUnavailable } from './errors/storage-unavailable';
export { LoggingOAuthEvents, OAUTH_FLOOD_EVENTS, OAuthEvents, type OAuthEvent } from './events/oauth-events';
export type { IntrospectionResponse } from './introspection/introspection.service';
export { UserRevocationService } from './revocation/user-revocation.service';
export { OAUTH_OPENAPI_SECURITY, oauthOpenApi, type OAuthOpenApi, type OAuthOpenApiOptions, type OpenApiJsonObject } from './openapi/oauth-openapi';

export { generateOpaqueToken } from './crypto/opaque-token';
export { HashLimiter, type HashLimiterSettings } from './crypto/hash-limiter';
export { dummySecretHash, hashRandomSecret, hashSecret, verifySecret, type SecretHashOptions } from './crypto/secret-hash';

export type { GrantHandler } from './grants/grant-handler.interface';
export { OAUTH_GRANT_TYPES, OAuthGrantRegistry, type GrantHandlerType, type OAuthGrantType } from './grants/grant-registry';
export { resolveScope } from './scope/scope';
export { TokenIssuer } from './token/token-issuer';
export { TokenService } from './token/token.service';
export type { TokenRequestDto } from './token/token-request.dto';
export { TokenRequestParameters } from './token/token-request-parameters';
export type { TokenResponse } from './token/token-response';

export { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from './repositories/access-token.repository';
export { ClientRepository, type OAuthClient, type OAuthClientAuthMethod } from './repositories/client.repository';
export { GrantRepository, type GrantCreation, type GrantTokens, type OAuthGrant } from './repositories/grant.repository';
export {
  AttemptCounterRepository,
  type AttemptCounterKind,
  type AttemptPolicy,
  type AttemptReservation,
  type AttemptSlot,
} from './repositories/attempt-counter.repository';
export { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from './repositories/refresh-token.repository';
export { UserLookup, type OAuthSubject, type OAuthUserClaims } from './repositories/user-lookup';
export { AuthorizationCodeRepository, type AuthorizationCodeRecord } from './repositories/authorization-code.repository';
export { BrowserSessionRepository, type BrowserSessionRecord } from './repositories/browser-session.repository';
export { ConsentRepository, type ConsentRecord } from './repositories/consent.repository';
export { DefaultOAuthPages } from './pages/default-oauth-pages';
export { escapeHtml, OAuthPages, type OAuthConsentView, type OAuthErrorView, type OAuthFormView, type OAuthLoginView } from './pages/oauth-pages';

// The TypeORM storage (entities, migrations, OAuthTypeOrmModule) is the `@nest-oauth/server/typeorm` entry point:
// nothing exported here may load typeorm, an optional peer dependency. OAuthTestingModule and the in-memory storage
// are the `@nest-oauth/server/testing` entry point: production code needs neither.
