import { isAbsolute, resolve } from 'node:path';
import { compile as compileProxyTrust } from 'proxy-addr';

/** The reference app's configuration, read from the environment once at start. */
export interface AppConfig {
  port: number;
  /** Which Nest HTTP platform serves the app (`HTTP_ADAPTER`): `express` (the default) or `fastify`. */
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
    /** See `OAuthModuleOptions.accessTokenCacheSeconds`; 0, the default, reads storage on every call. */
    accessTokenCacheSeconds: number;
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
  /** The least severe pino level written (`LOG_LEVEL`); `silent` writes nothing. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

const DEFAULT_DATABASE_URL = 'sqlite:data/api.sqlite';
const MAX_HASH_CONCURRENCY = 64;

/**
 * Reads and checks the environment. Every problem is reported at once, in one message, so a misconfigured
 * deployment fails at start with a clear reason rather than on its first request.
 */
export function loadAppConfig(env: NodeJS.ProcessEnv): AppConfig {
  const problems: string[] = [];
  function integer(name: string, fallback: number, min: number, max?: number): number;
  function integer(name: string, fallback: undefined, min: number, max?: number): number | undefined;
  function integer(name: string, fallback: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
      problems.push(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
    return fallback;
  };

  const config: AppConfig = {
    port: integer('PORT', 3000, 0, 65535),
    httpAdapter: oneOf('HTTP_ADAPTER', ['express', 'fastify'] as const, 'express'),
    trustProxy: parseTrustProxy(env.TRUST_PROXY, problems),
    production: env.NODE_ENV === 'production',
    database: parseDatabase(env, problems),
    oauth: {
      accessTokenTtl: integer('OAUTH_ACCESS_TOKEN_TTL', 43200, 1),
      refreshTokenTtl: integer('OAUTH_REFRESH_TOKEN_TTL', 2592000, 1),
      refreshTokenAbsoluteTtl: integer('OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL', 0, 0),
      issuer: parseIssuer(env.OAUTH_ISSUER, problems),
      scopesSupported: parseScopes('OAUTH_SCOPES_SUPPORTED', env.OAUTH_SCOPES_SUPPORTED, problems),
      loginMaxFailures: integer('OAUTH_LOGIN_MAX_FAILURES', 5, 0),
      loginLockSeconds: integer('OAUTH_LOGIN_LOCK_SECONDS', 900, 1),
      clientMaxFailures: integer('OAUTH_CLIENT_MAX_FAILURES', 10, 0),
      clientLockSeconds: integer('OAUTH_CLIENT_LOCK_SECONDS', 300, 1),
      tokenRateLimit: integer('OAUTH_TOKEN_RATE_LIMIT', 600, 0),
      refreshTokenReuseGraceSeconds: integer('OAUTH_REFRESH_TOKEN_REUSE_GRACE_SECONDS', 0, 0, 300),
      accessTokenCacheSeconds: integer('OAUTH_ACCESS_TOKEN_CACHE_SECONDS', 0, 0, 300),
      accessTokenFormat: oneOf('OAUTH_ACCESS_TOKEN_FORMAT', ['opaque', 'jwt'] as const, 'opaque'),
      jwt: { privateKeyPem: env.OAUTH_JWT_PRIVATE_KEY || undefined, keyFile: resolve(env.OAUTH_JWT_KEY_FILE || 'data/jwt-signing-keys.json') },
      // PASSWORD_HASH_CONCURRENCY is the older name, from when only passwords were limited; the new name wins.
      hashConcurrency:
        integer('OAUTH_HASH_CONCURRENCY', undefined, 1, MAX_HASH_CONCURRENCY) ??
        integer('PASSWORD_HASH_CONCURRENCY', undefined, 1, MAX_HASH_CONCURRENCY),
      hashQueueMax: integer('OAUTH_HASH_QUEUE_MAX', undefined, 0, 10_000),
      hashQueueTimeoutMs: integer('OAUTH_HASH_QUEUE_TIMEOUT_MS', undefined, 0, 600_000),
    },
    // 15 with p = 3: OWASP's 32 MiB scrypt setting, as strong as 17 with p = 1 at 128 MiB (see `hashSecret`).
    passwordHashCost: integer('PASSWORD_HASH_COST', 15, 10, 20),
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  };
  // Without an issuer the metadata names whatever host the request's Host header claims, and a cache in front of
  // the app would keep that document and serve it to every client, which trusts its endpoints (RFC 8414 §3.3).
  // A development machine can live with that; a deployment cannot.
  if (config.production && !env.OAUTH_ISSUER) {
    problems.push('OAUTH_ISSUER must be set when NODE_ENV=production: the public https URL of this server, such as https://auth.example.com');
  }
  // JWTs carry their issuer, so it must be fixed rather than read from each request's Host header.
  if (config.oauth.accessTokenFormat === 'jwt' && !config.oauth.issuer) config.oauth.issuer = `http://localhost:${config.port}`;
  if (problems.length > 0) throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  return config;
}

/**
 * `DATABASE_URL` is `sqlite:PATH` or `postgres://user@host:port/database`. Migrations run at start by default on
 * sqlite, the embedded single-machine default where nobody else would run them; on PostgreSQL, where several
 * instances may start at once, an operator runs `npm run migration:run` unless `DB_MIGRATE=true`.
 */
function parseDatabase(env: NodeJS.ProcessEnv, problems: string[]): AppConfig['database'] {
  const url = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const migrate = (fallback: boolean) => {
    const value = env.DB_MIGRATE;
    if (value === undefined || value === '') return fallback;
    if (value === 'true' || value === 'false') return value === 'true';
    problems.push(`DB_MIGRATE must be true or false, got "${value}"`);
    return fallback;
  };
  const sqlite = /^sqlite:(.+)$/.exec(url);
  if (sqlite) {
    const path = sqlite[1];
    return { type: 'sqlite', path: path === ':memory:' || isAbsolute(path) ? path : resolve(path), migrate: migrate(true) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    const schema = env.DATABASE_SCHEMA || undefined;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      problems.push(`DATABASE_SCHEMA must be a lower-case SQL identifier, got "${schema}"`);
    }
    return { type: 'postgres', url, schema, migrate: migrate(false) };
  }
  // Only the scheme is echoed: the rest of a database URL may hold a password.
  problems.push(
    `DATABASE_URL must look like sqlite:PATH or postgres://HOST/DATABASE (for example ${DEFAULT_DATABASE_URL}), got "${url.split(':')[0]}:..."`,
  );
  return { type: 'sqlite', path: ':memory:', migrate: false };
}

/**
 * `TRUST_PROXY` as Express's `trust proxy` and Fastify's `trustProxy` both read it: a whole number of hops, or a
 * comma-separated list of addresses, CIDR ranges and proxy-addr's names (`loopback`, `linklocal`, `uniquelocal`),
 * checked here with proxy-addr, the parser Express itself uses. `true` (believe any peer) is refused: every
 * client could then name its own address in `X-Forwarded-For` and step around the per-IP limit.
 */
function parseTrustProxy(value: string | undefined, problems: string[]): AppConfig['trustProxy'] {
  const raw = value?.trim();
  if (!raw || raw === 'false') return false;
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops >= 1 && hops <= 32) return hops;
  } else if (raw !== 'true') {
    const list = raw.split(',').map((entry) => entry.trim());
    try {
      if (list.every(Boolean)) {
        compileProxyTrust(list);
        return list;
      }
    } catch {
      // reported below
    }
  }
  problems.push(
    `TRUST_PROXY must be a number of proxy hops between 1 and 32, or a comma-separated list of proxy addresses and CIDR ranges (or loopback, linklocal, uniquelocal), got "${value}"`,
  );
  return false;
}

/** Space-separated scope tokens (RFC 6749 §3.3). */
function parseScopes(name: string, value: string | undefined, problems: string[]): string[] {
  const scopes = (value ?? '').split(' ').filter(Boolean);
  if (scopes.some((scope) => !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(scope))) {
    problems.push(`${name} must be scope names separated by spaces (printable ASCII, no quotes or backslashes), got "${value}"`);
    return [];
  }
  return scopes;
}

function parseIssuer(value: string | undefined, problems: string[]): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    if ((url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash) return value;
  } catch {
    // reported below
  }
  problems.push(`OAUTH_ISSUER must be an http(s) URL without query or fragment, got "${value}"`);
  return undefined;
}
