import type { OAuthGrantType } from '@nest-oauth/server';

/** A mistake in what the operator typed: printed as one line, never with a stack trace. */
export class CliInputError extends Error {
  override readonly name = 'CliInputError';
}

/** The grant types a client may be given (what `OAuthModule` implements). */
export const GRANT_TYPES: readonly OAuthGrantType[] = ['password', 'refresh_token', 'client_credentials'];

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** RFC 6749 Appendix A.1/A.2: client ids and secrets are VSCHARs; a space in an id is only trouble on a command line. */
const CLIENT_ID = /^[\x21-\x7e]+$/;
const CLIENT_SECRET = /^[\x20-\x7e]+$/;
/** Roles are stored comma-separated (TypeORM simple-array), so a role is one plain word. */
const ROLE = /^[A-Za-z0-9_-]+$/;
/** Deliberately loose: one @, something on each side, no whitespace. The mail server is the real check. */
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** Column sizes of `oauth_clients` and `users`. */
const MAX_CLIENT_ID = 128;
const MAX_TEXT = 255;
const MAX_EMAIL = 320;

/**
 * The largest `--batch-size`: each batch is deleted with one `IN (...)` of that many parameters, and sqlite
 * refuses statements with more than 32766 of them.
 */
export const MAX_BATCH_SIZE = 10000;

/** A space-separated list of scope tokens (the `scope` parameter's own syntax), without duplicates. */
export function parseScopeList(value: string, { allowEmpty = false } = {}): string[] {
  const tokens = value.split(/[ \t]+/).filter((token) => token.length > 0);
  const invalid = tokens.filter((token) => !SCOPE_TOKEN.test(token));
  if (invalid.length > 0) {
    throw new CliInputError(
      `invalid scope ${invalid.map((token) => JSON.stringify(token)).join(', ')}; a scope is printable ASCII ` +
        'without spaces, double quotes or backslashes (RFC 6749 section 3.3), and scopes are separated by spaces',
    );
  }
  if (tokens.length === 0 && !allowEmpty) throw new CliInputError('at least one scope is required');
  return [...new Set(tokens)];
}

/** A comma- (or space-) separated list of grant types. */
export function parseGrantList(value: string): OAuthGrantType[] {
  const names = value.split(/[\s,]+/).filter((name) => name.length > 0);
  if (names.length === 0) throw new CliInputError(`at least one grant type is required (${GRANT_TYPES.join(', ')})`);
  const unknown = names.filter((name) => !(GRANT_TYPES as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new CliInputError(`unknown grant type ${unknown.map((name) => JSON.stringify(name)).join(', ')}; allowed: ${GRANT_TYPES.join(', ')}`);
  }
  return [...new Set(names)] as OAuthGrantType[];
}

export function parseClientId(value: string): string {
  if (!CLIENT_ID.test(value) || value.length > MAX_CLIENT_ID) {
    throw new CliInputError(`a client id is 1 to ${MAX_CLIENT_ID} printable ASCII characters without spaces`);
  }
  return value;
}

export function parseClientSecret(value: string): string {
  if (!CLIENT_SECRET.test(value)) throw new CliInputError('a client secret is one or more printable ASCII characters');
  return value;
}

export function parseName(value: string): string | null {
  const name = value.trim();
  if (name.length === 0) return null;
  if (name.length > MAX_TEXT) throw new CliInputError(`at most ${MAX_TEXT} characters`);
  return name;
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
  const roles = value.split(',').map((role) => role.trim()).filter((role) => role.length > 0);
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
