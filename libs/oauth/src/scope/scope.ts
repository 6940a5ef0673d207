import { OAuthError } from '../errors/oauth.error';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ), separated by single spaces. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** Whether `value` is one scope token as RFC 6749 §3.3 defines it. */
export function isScopeToken(value: string): boolean {
  return SCOPE_TOKEN.test(value);
}

/** Parses a `scope` parameter into distinct scope tokens; malformed input is `invalid_scope`. */
export function parseScope(value: string): string[] {
  const tokens = value.split(' ').filter((token) => token.length > 0);
  if (tokens.some((token) => !SCOPE_TOKEN.test(token))) {
    throw OAuthError.invalidScope('The scope parameter is malformed (RFC 6749 section 3.3)');
  }
  return [...new Set(tokens)];
}

export function formatScope(scope: readonly string[]): string {
  return scope.join(' ');
}

/**
 * The scope to grant: the requested one if it lies within `allowed`, `fallback` when none was requested
 * (RFC 6749 §3.3), and `invalid_scope` otherwise.
 */
export function resolveScope(requested: string | undefined, allowed: readonly string[], fallback: readonly string[]): string[] {
  if (requested === undefined) {
    if (fallback.length === 0) throw OAuthError.invalidScope('No scope was requested and the client has no default scope');
    return [...fallback];
  }
  const scope = parseScope(requested);
  if (scope.length === 0) throw OAuthError.invalidScope('The scope parameter is empty');
  const outside = scope.filter((token) => !allowed.includes(token));
  if (outside.length > 0) throw OAuthError.invalidScope(`Scope not available to this client: ${formatScope(outside)}`);
  return scope;
}

export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((scope) => granted.includes(scope));
}
