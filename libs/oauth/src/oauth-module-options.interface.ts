import type { DynamicModule, ModuleMetadata, Type } from '@nestjs/common';
import type { JWK } from 'jose';
import type { OAuthEvents } from './events/oauth-events';
import type { UserLookup } from './repositories/user-lookup';

/** Grant types this module implements. */
export type OAuthGrantType = 'password' | 'refresh_token' | 'client_credentials';

/** Data-only options of `OAuthModule`; resolved once at boot, see `ResolvedOAuthOptions`. */
export interface OAuthModuleOptions {
  /**
   * Lifetime of an access token, in seconds.
   * @default 3600
   */
  accessTokenTtl?: number;
  /**
   * Lifetime of a refresh token, in seconds. Every rotation issues a new one with a fresh lifetime.
   * @default 1209600 (14 days)
   */
  refreshTokenTtl?: number;
  /**
   * Absolute lifetime of a login, in seconds: once this long has passed since the password (or other) grant that
   * started a token family, its refresh token no longer rotates and the user must sign in again, however often
   * the client refreshed. Refresh tokens issued near the end are cut to it. `0` sets no limit.
   * @default 0
   */
  refreshTokenAbsoluteTtl?: number;
  /**
   * Grant types the token endpoint accepts. A client still needs each one in its own list of grants.
   * @default ['password', 'refresh_token', 'client_credentials']
   */
  grantTypes?: OAuthGrantType[];
  /**
   * The authorization server's issuer identifier (RFC 8414 §2), an https URL without query or fragment. When
   * unset, metadata derives it from each request's origin; set it in production so a forged Host header cannot
   * change what clients are told.
   * @default undefined
   */
  issuer?: string;
  /**
   * Failed password logins for one username, within `loginLockSeconds`, after which every further attempt for
   * that username is refused with 429 until the window has passed. `0` turns the lockout off.
   * @default 5
   */
  loginMaxFailures?: number;
  /**
   * The window in which failures are counted, and how long a lock lasts, in seconds.
   * @default 900
   */
  loginLockSeconds?: number;
  /**
   * Requests per minute one client IP address may make to the token, revocation and introspection endpoints;
   * the count is kept in each instance's memory. `0` turns the limit off.
   * @default 600
   */
  tokenRateLimit?: number;
  /**
   * Seconds during which a client that lost the response to a refresh may present the same refresh token again
   * and get the same new tokens back, instead of the reuse being treated as theft (RFC 9700 §4.14.2). `0` keeps
   * strict one-time use.
   * @default 0
   */
  refreshTokenReuseGraceSeconds?: number;
  /**
   * Access tokens as opaque random strings looked up in storage, or as JWTs (RFC 9068) that resource servers
   * verify with the published keys and no database read. A revoked JWT stays valid until it expires.
   * @default 'opaque'
   */
  accessTokenFormat?: 'opaque' | 'jwt';
  /**
   * Seconds for which an instance remembers an opaque access token it has validated, so that repeated calls with
   * it skip the database read. A revocation made through this instance (RFC 7009, refresh-token reuse, or a
   * host's call to `AccessTokenCache.clear()` after revoking grants itself) takes effect at once; one made
   * through another instance or process takes effect here within this many seconds. `0` reads storage on every
   * call, so every revocation takes effect everywhere at once.
   * @default 0
   */
  accessTokenCacheSeconds?: number;
  /** Signing keys for `accessTokenFormat: 'jwt'`. */
  jwt?: OAuthJwtOptions;
  /**
   * Realm named in `WWW-Authenticate` challenges (RFC 7617 §2, RFC 6750 §3).
   * @default 'oauth'
   */
  realm?: string;
}

export interface OAuthJwtOptions {
  /** The private signing key as a JWK: EC P-256 (ES256) or Ed25519 (EdDSA). */
  privateKey: JWK;
  /**
   * Public keys that signed tokens before the current one, with when they stopped; each stays published and
   * accepted until the last token it signed has expired (`retiredAt` + `accessTokenTtl`).
   * @default []
   */
  previousKeys?: { publicKey: JWK; retiredAt: Date }[];
  /**
   * The `aud` of every token and what the guard requires.
   * @default the issuer
   */
  audience?: string;
}

/** `OAuthModuleOptions` with every default applied. */
export type ResolvedOAuthOptions = Required<Omit<OAuthModuleOptions, 'issuer' | 'jwt'>> & Pick<OAuthModuleOptions, 'issuer' | 'jwt'>;

/** Wiring the host supplies at registration time, next to the options (for `forRoot` and `forRootAsync`). */
export interface OAuthModuleExtras {
  /**
   * Register the module globally, so the guards work in every module without importing it again.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * A module that provides and exports the storage: `ClientRepository`, `GrantRepository`,
   * `AccessTokenRepository` and `RefreshTokenRepository`. Use `OAuthTypeOrmModule.forFeature()`, or
   * `OAuthInMemoryStorageModule.register()` in tests.
   */
  storage?: DynamicModule | Type<unknown>;
  /**
   * The host's implementation of `UserLookup`. Required by the password grant; instantiated inside the
   * module, so whatever it injects must come from `imports`.
   */
  userLookup?: Type<UserLookup>;
  /**
   * Receives the module's events (tokens issued and revoked, failed logins, locks, refresh token reuse).
   * @default LoggingOAuthEvents
   */
  events?: Type<OAuthEvents>;
  /**
   * Modules the `userLookup` and `events` need.
   * @default []
   */
  imports?: ModuleMetadata['imports'];
}
