// The package contract: everything a host may import. Internal providers and DI tokens stay unexported.
export { OAuthModule } from './oauth.module';
export { OAUTH_ASYNC_OPTIONS_TYPE, OAUTH_OPTIONS_TYPE } from './oauth.module-definition';
export type {
  OAuthGrantType,
  OAuthJwtOptions,
  OAuthModuleExtras,
  OAuthModuleOptions,
  ResolvedOAuthOptions,
} from './oauth-module-options.interface';

export { AccessTokenCache } from './auth/access-token-cache';
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
export { LoggingOAuthEvents, OAuthEvents, type OAuthEvent } from './events/oauth-events';
export type { IntrospectionResponse } from './introspection/introspection.service';
export { UserRevocationService } from './revocation/user-revocation.service';
export { OAUTH_OPENAPI_SECURITY, oauthOpenApi, type OAuthOpenApi, type OAuthOpenApiOptions, type OpenApiJsonObject } from './openapi/oauth-openapi';

export { generateOpaqueToken } from './crypto/opaque-token';
export { hashRandomSecret, hashSecret, verifySecret, type SecretHashOptions } from './crypto/secret-hash';

export type { GrantHandler } from './grants/grant-handler.interface';
export { TokenService } from './token/token.service';
export type { TokenRequestDto } from './token/token-request.dto';
export type { TokenResponse } from './token/token-response';

export { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from './repositories/access-token.repository';
export { ClientRepository, type OAuthClient } from './repositories/client.repository';
export { GrantRepository, type GrantCreation, type GrantTokens, type OAuthGrant } from './repositories/grant.repository';
export { LoginAttemptRepository, type LoginLock } from './repositories/login-attempt.repository';
export { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from './repositories/refresh-token.repository';
export { UserLookup, type OAuthSubject } from './repositories/user-lookup';

// The TypeORM storage (entities, migrations, OAuthTypeOrmModule) is the `@nest-oauth/server/typeorm` entry point:
// nothing exported here may load typeorm, an optional peer dependency.

export { InMemoryOAuthStore } from './testing/in-memory-oauth.store';
export { OAuthInMemoryStorageModule } from './testing/oauth-in-memory-storage.module';
export { OAuthTestingModule, OAuthTestingTokens, type MintTokenInput, type OAuthTestingModuleOptions } from './testing/oauth-testing.module';
