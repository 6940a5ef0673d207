/** A mistake in what the operator typed: printed as one line, never with a stack trace. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}

/** Roles are stored comma-separated (TypeORM simple-array), so a role is one plain word. */
const ROLE = /^[A-Za-z0-9_-]+$/;
/** Deliberately loose: one @, something on each side, no whitespace. The mail server is the real check. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Column sizes of `users`. */
const MAX_TEXT = 255;
const MAX_EMAIL = 320;

/**
 * The largest `--batch-size`: each batch is deleted with one `IN (...)` of that many parameters, and sqlite
 * refuses statements with more than 32766 of them.
 */
export const MAX_BATCH_SIZE = 10000;

/*
 * Client ids, secrets, names, grant types and scopes are checked by OAuthClientAdminService, against RFC 6749 and
 * the grants the app registers; here the command line's lists are only split.
 */

/** A space-separated list of scopes, as the `scope` parameter writes them. */
export function parseScopeList(value: string, { allowEmpty = false } = {}): string[] {
  const scopes = value.split(' ').filter((scope) => scope.length > 0);
  if (scopes.length === 0 && !allowEmpty) throw new CliInputError('at least one scope is required');
  return scopes;
}

/** A comma- (or space-) separated list of grant types. */
export function parseGrantList(value: string): string[] {
  const grants = value.split(/[ ,]+/).filter((grant) => grant.length > 0);
  if (grants.length === 0) throw new CliInputError('at least one grant type is required');
  return grants;
}

/** A space-separated list of redirect URIs (a URI holds no space); the service checks each. */
export function parseRedirectUris(value: string): string[] {
  const uris = value.split(' ').filter((uri) => uri.length > 0);
  if (uris.length === 0) throw new CliInputError('at least one redirect URI is required');
  return uris;
}

export function parseEmail(value: string): string {
  const email = value.trim();
  if (!EMAIL.test(email) || email.length > MAX_EMAIL) throw new CliInputError('not an email address');
  return email;
}

export function parsePersonName(value: string): string {
  if (value.length > MAX_TEXT) throw new CliInputError(`at most ${MAX_TEXT} characters`);
  return value;
}

export function parseRoles(value: string): string[] {
  const roles = value
    .split(',')
    .map((role) => role.trim())
    .filter((role) => role.length > 0);
  if (roles.length === 0) throw new CliInputError('at least one role is required, for example USER,ADMIN');
  const invalid = roles.filter((role) => !ROLE.test(role));
  if (invalid.length > 0) {
    throw new CliInputError(`invalid role ${invalid.map((role) => JSON.stringify(role)).join(', ')}; a role is letters, digits, _ or -`);
  }
  return [...new Set(roles)];
}

export function parseBatchSize(value: string): number {
  const size = Number(value);
  if (!/^\d+$/.test(value.trim()) || size < 1 || size > MAX_BATCH_SIZE) {
    throw new CliInputError(`a whole number from 1 to ${MAX_BATCH_SIZE} is required`);
  }
  return size;
}
