import type { DynamicModule, ModuleMetadata, Type } from '@nestjs/common';
import type { JWK } from 'jose';
import type { SecretHashOptions } from './crypto/secret-hash';
import type { RateLimitStorage } from './auth/token-rate-limit.guard';
import type { OAuthEvents } from './events/oauth-events';
import type { GrantHandlerType, OAuthGrantType } from './grants/grant-registry';
import type { OAuthPages } from './pages/oauth-pages';
import type { UserLookup } from './repositories/user-lookup';

export type { OAuthGrantType } from './grants/grant-registry';

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
  // `string & {}` below keeps the built-in names suggested while it accepts the host's.
  /**
   * Absolute lifetime of a login, in seconds: once this long has passed since the password (or other) grant that
   * started a token family, its refresh token no longer rotates and the user must sign in again, however often
   * the client refreshed. Refresh tokens issued near the end are cut to it. `0` sets no limit.
   * @default 0
   */
  refreshTokenAbsoluteTtl?: number;
  /**
   * Grant types the token endpoint accepts, among the registered ones (the built-in grants and the host's
   * `grantHandlers`); any other is `unsupported_grant_type`. A client still needs each one in its own list of
   * grants.
   * @default every registered grant type: ['password', 'refresh_token', 'client_credentials'] and the host's
   */
  grantTypes?: (OAuthGrantType | (string & {}))[];
  /**
   * The authorization server's issuer identifier (RFC 8414 §2), an https URL without query or fragment: the
   * public URL of the application's root. The metadata names each endpoint as this URL followed by the path Nest
   * serves it at (global prefix and `RouterModule` path included), so a prefix of Nest's does not belong here; a
   * reverse proxy's does. When unset, metadata derives it from each request's origin; set it in production so a
   * forged Host header cannot change what clients are told.
   * @default undefined
   */
  issuer?: string;
  /**
   * The scopes the metadata advertises as `scopes_supported` (RFC 8414 §2, RECOMMENDED). The document leaves the
   * field out when this is empty; it never lists the registered clients' scopes by itself, which would take a read
   * of every client per anonymous request. Clients may still be given scopes that are not listed here.
   * @default []
   */
  scopesSupported?: string[];
  /**
   * Password logins checked per username within `loginLockSeconds`: each attempt is counted before its password
   * is hashed, and once this many have failed (or are still being checked), every further attempt for that
   * username, the right password included, is refused with 429 until the lock ends. `0` turns the lockout off.
   * @default 5
   */
  loginMaxFailures?: number;
  /**
   * The window in which login failures are counted, and how long a lock lasts, in seconds.
   * @default 900
   */
  loginLockSeconds?: number;
  /**
   * Client authentications checked per client id within `clientLockSeconds`, counted as logins are: once this
   * many secrets have failed, every further attempt with that client id, the right secret included, is refused
   * with 401 `invalid_client` and `Retry-After` until the lock ends. Anyone who knows a client id can keep it
   * locked this way; `0` turns the throttle off (reasonable when every client secret is a generated one).
   * @default 10
   */
  clientMaxFailures?: number;
  /**
   * The window in which client authentication failures are counted, and how long a lock lasts, in seconds.
   * @default 300
   */
  clientLockSeconds?: number;
  /**
   * Requests per minute one client IP address (an IPv6 client: its /64) may make to the token, revocation and
   * introspection endpoints; the count is kept in each instance's memory, or in `rateLimitStorage`. The address is
   * the request's `ip`, so behind a reverse proxy set Express's `trust proxy` or Fastify's `trustProxy`. `0` turns
   * the limit off.
   * @default 600
   */
  tokenRateLimit?: number;
  /**
   * Where `tokenRateLimit` counts, so that every instance shares one limit: any @nestjs/throttler
   * `ThrottlerStorage` (a Redis storage, for one). When it fails, each instance counts in its own memory until it
   * answers again, and logs both changes. Unset: each instance's memory.
   */
  rateLimitStorage?: RateLimitStorage;
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
   * it read the storage's revocation mark (one small read, shared by concurrent requests) instead of the token.
   * Revocations still take effect at once on every instance, whichever instance or process made them: each
   * advances the mark, and no request answers from the cache without a read of the mark begun after it arrived
   * (see `AccessTokenCache`). `0` reads the token on every call.
   * @default 300
   */
  accessTokenCacheSeconds?: number;
  /**
   * Slow hashes computed at once, by the module (typed client secrets) and by the host's `UserLookup` through
   * `HashLimiter` (passwords). Each holds one of libuv's pool threads, which database queries and file access
   * share, and its memory, until it ends.
   * @default half of libuv's thread pool (`UV_THREADPOOL_SIZE`, 4 unless set), at most the number of cores
   */
  hashConcurrency?: number;
  /**
   * Hashes that may wait for a free slot. A request whose hash would be one more is answered at once with 503
   * `temporarily_unavailable` and `Retry-After`. `0`: none wait.
   * @default 16
   */
  hashQueueMax?: number;
  /**
   * Milliseconds a hash may wait for a slot; when they pass first, its request is answered with 503
   * `temporarily_unavailable` and `Retry-After` instead. `0`: no deadline.
   * @default 2000
   */
  hashQueueTimeoutMs?: number;
  /**
   * The scrypt parameters typed client secrets are hashed with (`OAuthClientAdminService` stores a secret the
   * operator chose with them; generated secrets are 256 random bits, stored as a SHA-256 digest). A failed
   * client authentication with no scrypt hash to check (an unknown client id, a wrong generated secret) verifies a
   * dummy hash with these parameters instead, so it costs what a wrong typed secret costs and its timing does not
   * tell which client ids exist.
   * @default { cost: 15, parallelism: 3 }, the defaults of `hashSecret`
   */
  clientSecretHash?: SecretHashOptions;
  /** Signing keys for `accessTokenFormat: 'jwt'`. */
  jwt?: OAuthJwtOptions;
  /**
   * Whether the authorization endpoint's cookies (the CSRF token, the browser session) are `Secure`, sent over
   * https only. Turn it off only for development over plain http.
   * @default true
   */
  secureCookies?: boolean;
  /**
   * Seconds a browser stays signed in at the authorization endpoint without using it; the next authorization
   * request after that asks for the password again.
   * @default 3600
   */
  sessionIdleSeconds?: number;
  /**
   * Seconds a browser stays signed in at the authorization endpoint at most, however often it is used.
   * @default 86400
   */
  sessionMaxSeconds?: number;
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
export type ResolvedOAuthOptions = Required<Omit<OAuthModuleOptions, 'issuer' | 'jwt' | 'rateLimitStorage'>> &
  Pick<OAuthModuleOptions, 'issuer' | 'jwt' | 'rateLimitStorage'>;

/** Wiring the host supplies at registration time, next to the options (for `forRoot` and `forRootAsync`). */
export interface OAuthModuleExtras {
  /**
   * Register the module globally, so the guards work in every module without importing it again.
   * @default false
   */
  isGlobal?: boolean;
  /**
   * A module that provides and exports the storage: `ClientRepository`, `GrantRepository`,
   * `AccessTokenRepository`, `RefreshTokenRepository` and `AttemptCounterRepository`. Use `OAuthTypeOrmModule.forFeature()`, or
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
   * The host's own grant types (RFC 6749 §4.5): classes implementing `GrantHandler`, each with a static
   * `grantType` (an absolute URI, or a registered name). Nest creates them inside the module, so they may inject
   * `TokenIssuer`, the repositories and whatever `imports` provide. Each is enabled at the token endpoint unless
   * `grantTypes` leaves it out, listed in the metadata, and accepted as a client's grant.
   * @default []
   */
  grantHandlers?: GrantHandlerType[];
  /**
   * The login, consent and error pages of the authorization endpoint: a class extending `OAuthPages`, created
   * inside the module (so what it injects must come from `imports`).
   * @default DefaultOAuthPages, plain HTML forms
   */
  pages?: Type<OAuthPages>;
  /**
   * Modules the `userLookup`, `events`, `grantHandlers` and `pages` need.
   * @default []
   */
  imports?: ModuleMetadata['imports'];
}
