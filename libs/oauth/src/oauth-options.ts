import { Inject } from '@nestjs/common';
import { OAUTH_RESOLVED_OPTIONS } from './oauth.constants';
import type { OAuthModuleOptions, ResolvedOAuthOptions } from './oauth-module-options.interface';
import { MisconfigurationError } from './errors/misconfiguration.error';
import { defaultHashConcurrency } from './crypto/hash-limiter';
import { isSaneCost } from './crypto/secret-hash';
import { isScopeToken } from './scope/scope';

// `grantTypes` defaults to every registered grant type, which the caller passes in.
const DEFAULTS: Omit<ResolvedOAuthOptions, 'grantTypes' | 'hashConcurrency'> = {
  accessTokenTtl: 3600,
  refreshTokenTtl: 14 * 24 * 3600,
  refreshTokenAbsoluteTtl: 0,
  realm: 'oauth',
  issuer: undefined,
  scopesSupported: [],
  loginMaxFailures: 5,
  loginLockSeconds: 900,
  clientMaxFailures: 10,
  clientLockSeconds: 300,
  tokenRateLimit: 600,
  refreshTokenReuseGraceSeconds: 0,
  accessTokenCacheSeconds: 300,
  accessTokenFormat: 'opaque',
  jwt: undefined,
  hashQueueMax: 16,
  hashQueueTimeoutMs: 2000,
  clientSecretHash: { cost: 15, parallelism: 3 },
  secureCookies: true,
  sessionIdleSeconds: 3600,
  sessionMaxSeconds: 86400,
};

/**
 * Applies defaults and rejects values that would make the server misbehave, so it fails at boot instead.
 * `registeredGrantTypes` are the grant registry's (the module passes them; the registry imports the grant
 * classes, which import this file): `grantTypes` may name only these, and defaults to all of them.
 */
export function resolveOAuthOptions(options: OAuthModuleOptions = {}, registeredGrantTypes: readonly string[] = []): ResolvedOAuthOptions {
  const data = { ...options } as OAuthModuleOptions & Record<string, unknown>;
  // forRoot() hands the extras (storage, userLookup, ...) over with the options; they are wiring, not settings.
  for (const extra of ['storage', 'userLookup', 'events', 'imports', 'isGlobal', 'grantHandlers', 'pages']) delete data[extra];
  const resolved: ResolvedOAuthOptions = {
    ...DEFAULTS,
    hashConcurrency: defaultHashConcurrency(),
    ...stripUndefined(data),
    grantTypes: [...(data.grantTypes ?? registeredGrantTypes)],
    clientSecretHash: { ...DEFAULTS.clientSecretHash, ...stripUndefined(data.clientSecretHash ?? {}) },
    scopesSupported: [...new Set(data.scopesSupported ?? DEFAULTS.scopesSupported)],
  };
  for (const key of ['accessTokenTtl', 'refreshTokenTtl'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
      throw new MisconfigurationError(`OAuthModule: ${key} must be a positive whole number of seconds, got ${String(resolved[key])}`);
    }
  }
  if (!Number.isSafeInteger(resolved.hashConcurrency) || resolved.hashConcurrency <= 0) {
    throw new MisconfigurationError(`OAuthModule: hashConcurrency must be a positive whole number, got ${String(resolved.hashConcurrency)}`);
  }
  const numbers = [
    'refreshTokenAbsoluteTtl',
    'loginMaxFailures',
    'loginLockSeconds',
    'clientMaxFailures',
    'clientLockSeconds',
    'tokenRateLimit',
    'refreshTokenReuseGraceSeconds',
    'accessTokenCacheSeconds',
    'hashQueueMax',
    'hashQueueTimeoutMs',
  ] as const;
  for (const key of ['sessionIdleSeconds', 'sessionMaxSeconds'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
      throw new MisconfigurationError(`OAuthModule: ${key} must be a positive whole number of seconds, got ${String(resolved[key])}`);
    }
  }
  for (const key of numbers) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0) {
      throw new MisconfigurationError(`OAuthModule: ${key} must be a whole number, 0 or more, got ${String(resolved[key])}`);
    }
  }
  if (resolved.loginMaxFailures > 0 && resolved.loginLockSeconds === 0) {
    throw new MisconfigurationError('OAuthModule: loginLockSeconds must be positive while loginMaxFailures is');
  }
  if (resolved.clientMaxFailures > 0 && resolved.clientLockSeconds === 0) {
    throw new MisconfigurationError('OAuthModule: clientLockSeconds must be positive while clientMaxFailures is');
  }
  // A dummy hash that verifySecret would refuse to compute would make an unknown client id the fast case.
  const { cost, parallelism } = resolved.clientSecretHash;
  if (!isSaneCost(cost!, 8, parallelism!)) {
    throw new MisconfigurationError(
      `OAuthModule: clientSecretHash needs a whole cost from 1 to 22 and parallelism from 1 to 16, got ${cost} and ${parallelism}`,
    );
  }
  const unknown = resolved.grantTypes.filter((type) => !registeredGrantTypes.includes(type));
  if (unknown.length > 0) {
    throw new MisconfigurationError(
      `OAuthModule: unsupported grant type(s) ${unknown.join(', ')}; registered: ${registeredGrantTypes.join(', ')} ` +
        '(add your own with the grantHandlers extra)',
    );
  }
  if (!resolved.scopesSupported.every((scope) => typeof scope === 'string' && isScopeToken(scope))) {
    throw new MisconfigurationError('OAuthModule: every entry of scopesSupported must be a scope token (RFC 6749 §3.3)');
  }
  // The realm is written into a quoted header parameter (RFC 7235 §2.2): a quote or a line break would break it.
  if (!/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/.test(resolved.realm)) {
    throw new MisconfigurationError('OAuthModule: realm must be printable ASCII without quotes or backslashes');
  }
  if (resolved.accessTokenFormat !== 'opaque' && resolved.accessTokenFormat !== 'jwt') {
    throw new MisconfigurationError("OAuthModule: accessTokenFormat must be 'opaque' or 'jwt'");
  }
  if (resolved.accessTokenFormat === 'jwt' && (!resolved.jwt?.privateKey || !resolved.issuer)) {
    throw new MisconfigurationError("OAuthModule: accessTokenFormat 'jwt' needs `jwt.privateKey` (a private JWK) and an `issuer`");
  }
  if (resolved.issuer !== undefined && !isIssuerUrl(resolved.issuer)) {
    throw new MisconfigurationError('OAuthModule: issuer must be an http(s) URL without query or fragment (RFC 8414 §2)');
  }
  return resolved;
}

function isIssuerUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && !url.search && !url.hash && !value.includes('#');
  } catch {
    return false;
  }
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Injects the resolved options (`ResolvedOAuthOptions`). */
export const InjectOAuthOptions = (): ParameterDecorator => Inject(OAUTH_RESOLVED_OPTIONS);
