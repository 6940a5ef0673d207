import { Inject } from '@nestjs/common';
import { OAUTH_RESOLVED_OPTIONS } from './oauth.constants';
import type { OAuthGrantType, OAuthModuleOptions, ResolvedOAuthOptions } from './oauth-module-options.interface';
import { MisconfigurationError } from './errors/misconfiguration.error';

export const SUPPORTED_GRANT_TYPES: readonly OAuthGrantType[] = ['password', 'refresh_token', 'client_credentials'];

const DEFAULTS: ResolvedOAuthOptions = {
  accessTokenTtl: 3600,
  refreshTokenTtl: 14 * 24 * 3600,
  refreshTokenAbsoluteTtl: 0,
  grantTypes: ['password', 'refresh_token', 'client_credentials'],
  realm: 'oauth',
  issuer: undefined,
  loginMaxFailures: 5,
  loginLockSeconds: 900,
  tokenRateLimit: 600,
  refreshTokenReuseGraceSeconds: 0,
  accessTokenCacheSeconds: 0,
  accessTokenFormat: 'opaque',
  jwt: undefined,
};

/** Applies defaults and rejects values that would make the server misbehave, so it fails at boot instead. */
export function resolveOAuthOptions(options: OAuthModuleOptions = {}): ResolvedOAuthOptions {
  const data = { ...options } as OAuthModuleOptions & Record<string, unknown>;
  // forRoot() hands the extras (storage, userLookup, ...) over with the options; they are wiring, not settings.
  for (const extra of ['storage', 'userLookup', 'events', 'imports', 'isGlobal']) delete data[extra];
  const resolved: ResolvedOAuthOptions = { ...DEFAULTS, ...stripUndefined(data), grantTypes: [...(data.grantTypes ?? DEFAULTS.grantTypes)] };
  for (const key of ['accessTokenTtl', 'refreshTokenTtl'] as const) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
      throw new MisconfigurationError(`OAuthModule: ${key} must be a positive whole number of seconds, got ${String(resolved[key])}`);
    }
  }
  const nonNegative = ['refreshTokenAbsoluteTtl', 'loginMaxFailures', 'loginLockSeconds', 'tokenRateLimit', 'refreshTokenReuseGraceSeconds', 'accessTokenCacheSeconds'] as const;
  for (const key of nonNegative) {
    if (!Number.isSafeInteger(resolved[key]) || resolved[key] < 0) {
      throw new MisconfigurationError(`OAuthModule: ${key} must be a whole number, 0 or more, got ${String(resolved[key])}`);
    }
  }
  if (resolved.loginMaxFailures > 0 && resolved.loginLockSeconds === 0) {
    throw new MisconfigurationError('OAuthModule: loginLockSeconds must be positive while loginMaxFailures is');
  }
  const unknown = resolved.grantTypes.filter((type) => !SUPPORTED_GRANT_TYPES.includes(type));
  if (unknown.length > 0) {
    throw new MisconfigurationError(
      `OAuthModule: unsupported grant type(s) ${unknown.join(', ')}; supported: ${SUPPORTED_GRANT_TYPES.join(', ')}`,
    );
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
