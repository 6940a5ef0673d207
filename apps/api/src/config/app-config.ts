import { isAbsolute, resolve } from 'node:path';
import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, ValidateBy, type ValidationArguments, ValidateIf, validateSync } from 'class-validator';
import { compile as compileProxyTrust } from 'proxy-addr';

/** The reference app's configuration, read from the environment once at start. */
export interface AppConfig {
  port: number;
  /**
   * Which Nest HTTP platform serves the app (`HTTP_ADAPTER`): `fastify` (the default: it serves the same routes
   * with much less work per request) or `express`.
   */
  httpAdapter: 'express' | 'fastify';
  /**
   * Which peers' `X-Forwarded-For` to believe (`TRUST_PROXY`), handed to Express's `trust proxy` and Fastify's
   * `trustProxy` so that `request.ip`, and with it the per-IP rate limit, is the client's address: a number of
   * proxy hops, or the proxies' addresses and CIDR ranges (proxy-addr's forms, which both platforms share).
   * `false`, the default, uses the peer's own address and ignores the header.
   */
  trustProxy: number | string[] | false;
  production: boolean;
  /** `migrate`: run pending migrations at start (`DB_MIGRATE`). */
  database: { type: 'sqlite'; path: string; migrate: boolean } | { type: 'postgres'; url: string; schema?: string; migrate: boolean };
  oauth: {
    accessTokenTtl: number;
    refreshTokenTtl: number;
    /** See `OAuthModuleOptions.refreshTokenAbsoluteTtl`; 0, the default, sets no limit. */
    refreshTokenAbsoluteTtl: number;
    issuer?: string;
    /** `scopes_supported` of the metadata (`OAUTH_SCOPES_SUPPORTED`); empty leaves the field out. */
    scopesSupported: string[];
    loginMaxFailures: number;
    loginLockSeconds: number;
    clientMaxFailures: number;
    clientLockSeconds: number;
    tokenRateLimit: number;
    refreshTokenReuseGraceSeconds: number;
    /** See `OAuthModuleOptions.accessTokenCacheSeconds`; unset keeps the module's default. */
    accessTokenCacheSeconds?: number;
    accessTokenFormat: 'opaque' | 'jwt';
    /** Where the JWT signing key comes from, in `jwt` format. */
    jwt: { privateKeyPem?: string; keyFile: string };
    /**
     * The module's `HashLimiter`, which every password and typed client secret goes through: hashes at once
     * (`OAUTH_HASH_CONCURRENCY`), hashes that may wait (`OAUTH_HASH_QUEUE_MAX`) and for how long
     * (`OAUTH_HASH_QUEUE_TIMEOUT_MS`). Unset: the module's defaults.
     */
    hashConcurrency?: number;
    hashQueueMax?: number;
    hashQueueTimeoutMs?: number;
  };
  /** log2 of scrypt's N for user passwords and typed client secrets (with p = 3, see `PasswordHasher`); see `hashSecret`. */
  passwordHashCost: number;
  /**
   * How long a SIGTERM waits for the requests in flight before it cuts their connections
   * (`SHUTDOWN_GRACE_SECONDS`); see `enableGracefulShutdown`.
   */
  shutdownGraceSeconds: number;
  /**
   * Prometheus metrics (`METRICS_ENABLED=true`), served as `GET /metrics` on a port of their own (`METRICS_PORT`,
   * 9464 by default), never on the public one: what they tell (failed logins, lockouts) is for the operator.
   */
  metrics: { enabled: boolean; port: number };
  /**
   * Redis (`REDIS_URL`), when set: the token endpoint's per-address rate limit is counted there, shared by every
   * instance; keys start with `keyPrefix` (`REDIS_KEY_PREFIX`). Unset: each instance counts in its own memory.
   */
  redis: { url: string; keyPrefix: string } | null;
  /** The least severe pino level written (`LOG_LEVEL`); `silent` writes nothing. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

const DEFAULT_DATABASE_URL = 'sqlite:data/api.sqlite';
const DEFAULT_PORT = 3000;
/** The port Prometheus's exporter conventions give an application's own metrics. */
const DEFAULT_METRICS_PORT = 9464;
const MAX_HASH_CONCURRENCY = 64;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An unset or empty variable takes its default. */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

/**
 * An optional whole number within bounds. Only plain digits count: `Number` alone would also take `1e1`, `0x10`
 * and `2.5`, which a deployment more likely means as a typo than as 10, 16 or a fraction.
 */
function WholeNumber(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  const message = ({ property }: ValidationArguments) => `${property} must be a whole number between ${min} and ${max}`;
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => {
      const raw = emptyAsUnset(value);
      if (typeof raw !== 'string') return raw;
      return /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
    }),
    IsInt({ message }),
    Min(min, { message }),
    Max(max, { message }),
  );
}

/** An optional choice among `allowed`. */
function OneOf(allowed: readonly string[], describe = `one of ${allowed.join(', ')}`): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Transform(({ value }) => emptyAsUnset(value)),
    IsIn(allowed, { message: ({ property }: ValidationArguments) => `${property} must be ${describe}` }),
  );
}

/** The environment variables the app reads, and what each may hold. Unset ones take their defaults in `loadAppConfig`. */
export class EnvironmentVariables {
  @WholeNumber(0, 65535) PORT?: number;
  @OneOf(['express', 'fastify']) HTTP_ADAPTER?: 'express' | 'fastify';
  @IsOptional()
  @ValidateBy(
    { name: 'trustProxy', validator: { validate: (value) => parseTrustProxy(value as string) !== undefined } },
    {
      message:
        'TRUST_PROXY must be a number of proxy hops between 1 and 32, or a comma-separated list of proxy addresses and CIDR ranges (or loopback, linklocal, uniquelocal)',
    },
  )
  TRUST_PROXY?: string;
  @IsOptional() NODE_ENV?: string;
  @IsOptional()
  @Transform(({ value }) => emptyAsUnset(value))
  @Matches(/^(sqlite:.+$|postgres(ql)?:\/\/)/, {
    // Only the scheme is echoed: the rest of a database URL may hold a password.
    message: ({ value }: ValidationArguments) =>
      `DATABASE_URL must look like sqlite:PATH or postgres://HOST/DATABASE (for example ${DEFAULT_DATABASE_URL}), got "${String(value).split(':')[0]}:..."`,
  })
  DATABASE_URL?: string;
  @ValidateIf((env: EnvironmentVariables) => env.DATABASE_SCHEMA !== undefined && isPostgresUrl(env.DATABASE_URL))
  @Transform(({ value }) => emptyAsUnset(value))
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA?: string;
  @OneOf(['true', 'false'], 'true or false') DB_MIGRATE?: 'true' | 'false';
  @WholeNumber(1) OAUTH_ACCESS_TOKEN_TTL?: number;
  @WholeNumber(1) OAUTH_REFRESH_TOKEN_TTL?: number;
  @WholeNumber(0) OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL?: number;
  @IsOptional()
  @Transform(({ value }) => emptyAsUnset(value))
  @ValidateBy(
    { name: 'issuer', validator: { validate: (value) => isIssuerUrl(value) } },
    {
      message: 'OAUTH_ISSUER must be an http(s) URL without query or fragment',
    },
  )
  OAUTH_ISSUER?: string;
  // Space-separated scope tokens (RFC 6749 §3.3).
  @IsOptional()
  @Matches(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/, {
    message: 'OAUTH_SCOPES_SUPPORTED must be scope names separated by spaces (printable ASCII, no quotes or backslashes)',
  })
  OAUTH_SCOPES_SUPPORTED?: string;
  @WholeNumber(0) OAUTH_LOGIN_MAX_FAILURES?: number;
  @WholeNumber(1) OAUTH_LOGIN_LOCK_SECONDS?: number;
  @WholeNumber(0) OAUTH_CLIENT_MAX_FAILURES?: number;
  @WholeNumber(1) OAUTH_CLIENT_LOCK_SECONDS?: number;
  @WholeNumber(0) OAUTH_TOKEN_RATE_LIMIT?: number;
  @WholeNumber(0, 300) OAUTH_REFRESH_TOKEN_REUSE_GRACE_SECONDS?: number;
  @WholeNumber(0, 86400) OAUTH_ACCESS_TOKEN_CACHE_SECONDS?: number;
  @OneOf(['opaque', 'jwt']) OAUTH_ACCESS_TOKEN_FORMAT?: 'opaque' | 'jwt';
  @IsOptional() OAUTH_JWT_PRIVATE_KEY?: string;
  @IsOptional() OAUTH_JWT_KEY_FILE?: string;
  @WholeNumber(1, MAX_HASH_CONCURRENCY) OAUTH_HASH_CONCURRENCY?: number;
  // The older name, from when only passwords were limited; OAUTH_HASH_CONCURRENCY wins over it.
  @WholeNumber(1, MAX_HASH_CONCURRENCY) PASSWORD_HASH_CONCURRENCY?: number;
  @WholeNumber(0, 10_000) OAUTH_HASH_QUEUE_MAX?: number;
  @WholeNumber(0, 600_000) OAUTH_HASH_QUEUE_TIMEOUT_MS?: number;
  @WholeNumber(10, 20) PASSWORD_HASH_COST?: number;
  @OneOf(LOG_LEVELS) LOG_LEVEL?: (typeof LOG_LEVELS)[number];
  @WholeNumber(0, 3600) SHUTDOWN_GRACE_SECONDS?: number;
  @OneOf(['true', 'false'], 'true or false') METRICS_ENABLED?: 'true' | 'false';
  @IsOptional()
  @Transform(({ value }) => emptyAsUnset(value))
  @Matches(/^rediss?:\/\/[^\s]+$/, {
    // Only the scheme is echoed: the rest of a Redis URL may hold a password.
    message: ({ value }: ValidationArguments) => `REDIS_URL must look like redis://HOST:PORT, got "${String(value).split(':')[0]}:..."`,
  })
  REDIS_URL?: string;
  @IsOptional()
  @Matches(/^[A-Za-z0-9:_.-]{1,64}$/, { message: 'REDIS_KEY_PREFIX must be 1–64 letters, digits and ":_.-"' })
  REDIS_KEY_PREFIX?: string;
  @WholeNumber(1, 65535) METRICS_PORT?: number;
}

/**
 * Checks the environment against `EnvironmentVariables` (the shape of @nestjs/config's `validate` option). Every
 * problem is reported at once, in one message, so a misconfigured deployment fails at start with a clear reason
 * rather than on its first request.
 */
export function validateEnvironment(env: Record<string, unknown>): EnvironmentVariables {
  const validated = plainToInstance(EnvironmentVariables, env);
  const problems = validateSync(validated).map((error) => {
    const message = Object.values(error.constraints ?? {})[0];
    return message.includes(' got "') ? message : `${message}, got "${String(env[error.property])}"`;
  });
  // Without an issuer the metadata names whatever host the request's Host header claims, and a cache in front of
  // the app would keep that document and serve it to every client, which trusts its endpoints (RFC 8414 §3.3).
  // A development machine can live with that; a deployment cannot.
  if (env.NODE_ENV === 'production' && !env.OAUTH_ISSUER) {
    problems.push('OAUTH_ISSUER must be set when NODE_ENV=production: the public https URL of this server, such as https://auth.example.com');
  }
  if (env.METRICS_ENABLED === 'true' && String(validated.METRICS_PORT ?? DEFAULT_METRICS_PORT) === String(validated.PORT ?? DEFAULT_PORT)) {
    problems.push('METRICS_PORT must differ from PORT: the metrics are never served on the public port');
  }
  if (problems.length > 0) throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return validated;
}

/** Reads and checks the environment (see `validateEnvironment`), filling in the defaults. */
export function loadAppConfig(env: NodeJS.ProcessEnv): AppConfig {
  const vars = validateEnvironment(env);
  const port = vars.PORT ?? DEFAULT_PORT;
  const accessTokenFormat = vars.OAUTH_ACCESS_TOKEN_FORMAT ?? 'opaque';
  return {
    port,
    httpAdapter: vars.HTTP_ADAPTER ?? 'fastify',
    trustProxy: parseTrustProxy(vars.TRUST_PROXY) ?? false,
    production: vars.NODE_ENV === 'production',
    database: databaseConfig(vars),
    oauth: {
      accessTokenTtl: vars.OAUTH_ACCESS_TOKEN_TTL ?? 43200,
      refreshTokenTtl: vars.OAUTH_REFRESH_TOKEN_TTL ?? 2592000,
      refreshTokenAbsoluteTtl: vars.OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL ?? 0,
      // JWTs carry their issuer, so it must be fixed rather than read from each request's Host header.
      issuer: vars.OAUTH_ISSUER ?? (accessTokenFormat === 'jwt' ? `http://localhost:${port}` : undefined),
      scopesSupported: (vars.OAUTH_SCOPES_SUPPORTED ?? '').split(' ').filter(Boolean),
      loginMaxFailures: vars.OAUTH_LOGIN_MAX_FAILURES ?? 5,
      loginLockSeconds: vars.OAUTH_LOGIN_LOCK_SECONDS ?? 900,
      clientMaxFailures: vars.OAUTH_CLIENT_MAX_FAILURES ?? 10,
      clientLockSeconds: vars.OAUTH_CLIENT_LOCK_SECONDS ?? 300,
      tokenRateLimit: vars.OAUTH_TOKEN_RATE_LIMIT ?? 600,
      refreshTokenReuseGraceSeconds: vars.OAUTH_REFRESH_TOKEN_REUSE_GRACE_SECONDS ?? 0,
      accessTokenCacheSeconds: vars.OAUTH_ACCESS_TOKEN_CACHE_SECONDS,
      accessTokenFormat,
      jwt: { privateKeyPem: vars.OAUTH_JWT_PRIVATE_KEY || undefined, keyFile: resolve(vars.OAUTH_JWT_KEY_FILE || 'data/jwt-signing-keys.json') },
      hashConcurrency: vars.OAUTH_HASH_CONCURRENCY ?? vars.PASSWORD_HASH_CONCURRENCY,
      hashQueueMax: vars.OAUTH_HASH_QUEUE_MAX,
      hashQueueTimeoutMs: vars.OAUTH_HASH_QUEUE_TIMEOUT_MS,
    },
    // 15 with p = 3: OWASP's 32 MiB scrypt setting, as strong as 17 with p = 1 at 128 MiB (see `hashSecret`).
    passwordHashCost: vars.PASSWORD_HASH_COST ?? 15,
    shutdownGraceSeconds: vars.SHUTDOWN_GRACE_SECONDS ?? 10,
    metrics: { enabled: vars.METRICS_ENABLED === 'true', port: vars.METRICS_PORT ?? DEFAULT_METRICS_PORT },
    redis: vars.REDIS_URL ? { url: vars.REDIS_URL, keyPrefix: vars.REDIS_KEY_PREFIX ?? 'nest-oauth:' } : null,
    logLevel: vars.LOG_LEVEL ?? 'info',
  };
}

const isPostgresUrl = (url: string | undefined) => url !== undefined && /^postgres(ql)?:\/\//.test(url);

/**
 * `DATABASE_URL` is `sqlite:PATH` or `postgres://user@host:port/database`. Migrations run at start by default on
 * sqlite, the embedded single-machine default where nobody else would run them; on PostgreSQL, where several
 * instances may start at once, an operator runs `npm run migration:run` unless `DB_MIGRATE=true`.
 */
function databaseConfig(vars: EnvironmentVariables): AppConfig['database'] {
  const url = vars.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  const migrate = (fallback: boolean) => (vars.DB_MIGRATE === undefined ? fallback : vars.DB_MIGRATE === 'true');
  if (isPostgresUrl(url)) return { type: 'postgres', url, schema: vars.DATABASE_SCHEMA, migrate: migrate(false) };
  const path = url.slice('sqlite:'.length);
  return { type: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(path), migrate: migrate(true) };
}

/**
 * `TRUST_PROXY` as Express's `trust proxy` and Fastify's `trustProxy` both read it: a whole number of hops, or a
 * comma-separated list of addresses, CIDR ranges and proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`),
 * checked here with proxy-addr, the parser Express itself uses. `true` (believe any peer) is refused: every
 * client could then name its own address in `X-Forwarded-For` and step around the per-IP limit.
 */
function parseTrustProxy(value: string | undefined): AppConfig['trustProxy'] | undefined {
  const raw = value?.trim();
  if (!raw || raw === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    return hops >= 1 && hops <= 32 ? hops : undefined;
  }
  if (raw === 'true') return undefined;
  const list = raw.split(',').map((entry) => entry.trim());
  if (!list.every(Boolean)) return undefined;
  try {
    compileProxyTrust(list);
    return list;
  } catch {
    return undefined;
  }
}

function isIssuerUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash;
  } catch {
    return false;
  }
}
