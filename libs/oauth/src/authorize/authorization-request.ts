import { matchesRegisteredRedirectUri, MAX_REDIRECT_URI_LENGTH } from '../clients/redirect-uri';
import { isS256ChallengeSyntax } from '../crypto/pkce';
import { OAuthError } from '../errors/oauth.error';
import { clientSettings, type OAuthClient } from '../repositories/client.repository';
import { resolveScope } from '../scope/scope';

/** The parameters of an authorization request this server reads (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1). */
export const AUTHORIZATION_PARAMETERS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
  'nonce',
  'prompt',
  'max_age',
] as const;

export type AuthorizationParameters = Partial<Record<(typeof AUTHORIZATION_PARAMETERS)[number], string>>;

/** OIDC Core §3.1.2.1 `prompt` values this server acts on; `select_account` has no meaning with one account per browser. */
export type OAuthPrompt = 'none' | 'login' | 'consent';

/** A checked authorization request: every value below was validated against the client's registration. */
export interface AuthorizationRequest {
  client: OAuthClient;
  redirectUri: string;
  scope: string[];
  state: string | null;
  codeChallenge: string;
  nonce: string | null;
  prompt: OAuthPrompt[];
  /** OIDC Core §3.1.2.1, in seconds; `null` when not given. */
  maxAge: number | null;
  /** The parameters as received, to carry through the login and consent forms and check again there. */
  parameters: AuthorizationParameters;
}

/**
 * A refused authorization request. RFC 6749 §4.1.2.1: when the client or the redirect URI cannot be trusted the
 * user is told so and never redirected (`redirectUri` null); any other error goes back to the client.
 */
export class AuthorizationRequestError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly redirectUri: string | null,
    readonly state: string | null,
  ) {
    super(description);
  }
}

/** Bounds on what a stranger's request may make the server store and echo (state and nonce return verbatim). */
const MAX_STATE = 2000;
const MAX_NONCE = 512;
const MAX_SCOPE = 2000;
const MAX_CLIENT_ID = 128;
/** RFC 6749 Appendix A.5: state is VSCHAR; OIDC's nonce likewise, by practice. */
const VSCHARS = /^[\x20-\x7e]+$/;

/**
 * Reads the raw parameters (a query or a form body: any value may be a string, an array for a repeated
 * parameter, or something stranger) into `AuthorizationParameters`. A repeated parameter is refused (§3.1): it
 * is recorded as `repeated` so that the checks below know which.
 */
export function readAuthorizationParameters(raw: unknown): { parameters: AuthorizationParameters; repeated: string[] } {
  const source = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const parameters: AuthorizationParameters = {};
  const repeated: string[] = [];
  for (const name of AUTHORIZATION_PARAMETERS) {
    const value = source[name];
    if (value === undefined || value === '') continue;
    if (typeof value !== 'string') repeated.push(name);
    else parameters[name] = value;
  }
  return { parameters, repeated };
}

/**
 * Checks an authorization request in the order RFC 6749 §4.1.2.1 needs: first the client and the redirect URI,
 * whose errors are shown to the user; then, with a redirect URI known to be the client's, everything else, whose
 * errors are redirected.
 */
export async function checkAuthorizationRequest(
  raw: unknown,
  findClient: (id: string) => Promise<OAuthClient | null>,
): Promise<AuthorizationRequest> {
  const { parameters, repeated } = readAuthorizationParameters(raw);
  const page = (description: string) => new AuthorizationRequestError('invalid_request', description, null, null);
  if (repeated.includes('client_id')) throw page('The client_id parameter is repeated');
  if (repeated.includes('redirect_uri')) throw page('The redirect_uri parameter is repeated');
  const clientId = parameters.client_id;
  if (clientId === undefined) throw page('The client_id parameter is missing');
  // eslint-disable-next-line no-control-regex -- NUL cannot be stored, nor be in an id
  const client = clientId.length > MAX_CLIENT_ID || /\u0000/.test(clientId) ? null : await findClient(clientId);
  if (!client) throw new AuthorizationRequestError('invalid_client', 'The client is unknown', null, null);
  const redirectUri = parameters.redirect_uri;
  // Required, though §4.1.1 makes it optional for a client with one: OAuth 2.1 and RFC 9700 §2.1 favour the exact match.
  if (redirectUri === undefined) throw page('The redirect_uri parameter is missing');
  if (redirectUri.length > MAX_REDIRECT_URI_LENGTH || !matchesRegisteredRedirectUri(redirectUri, clientSettings(client).redirectUris)) {
    throw page('The redirect_uri is not registered for this client');
  }

  const state = parameters.state !== undefined && parameters.state.length <= MAX_STATE && VSCHARS.test(parameters.state) ? parameters.state : null;
  const fail = (error: string, description: string) => new AuthorizationRequestError(error, description, redirectUri, state);
  if (repeated.length > 0) throw fail('invalid_request', `The ${repeated[0]} parameter is repeated`);
  if (parameters.state !== undefined && state === null) {
    throw fail('invalid_request', `The state parameter must be at most ${MAX_STATE} printable ASCII characters`);
  }
  if (parameters.response_type === undefined) throw fail('invalid_request', 'The response_type parameter is missing');
  if (parameters.response_type !== 'code') throw fail('unsupported_response_type', 'Only response_type=code is supported');
  if (!client.grants.includes('authorization_code')) {
    throw fail('unauthorized_client', 'This client may not use the authorization code grant');
  }
  // RFC 9700 §2.1.1: PKCE for every client; S256 only, since plain protects nothing once the request leaks.
  if (parameters.code_challenge === undefined) throw fail('invalid_request', 'The code_challenge parameter is missing (PKCE, RFC 7636)');
  if (parameters.code_challenge_method !== 'S256') {
    throw fail('invalid_request', 'The code_challenge_method must be S256; plain is not supported');
  }
  if (!isS256ChallengeSyntax(parameters.code_challenge)) {
    throw fail('invalid_request', 'The code_challenge must be 43 base64url characters (RFC 7636 section 4.2)');
  }
  if (parameters.nonce !== undefined && (parameters.nonce.length > MAX_NONCE || !VSCHARS.test(parameters.nonce))) {
    throw fail('invalid_request', `The nonce parameter must be at most ${MAX_NONCE} printable ASCII characters`);
  }
  const prompt = checkPrompt(parameters.prompt, fail);
  const maxAge = checkMaxAge(parameters.max_age, fail);
  if (parameters.scope !== undefined && parameters.scope.length > MAX_SCOPE) throw fail('invalid_scope', 'The scope parameter is too long');
  let scope: string[];
  try {
    scope = resolveScope(parameters.scope, client.scopes, client.defaultScopes);
  } catch (error) {
    if (error instanceof OAuthError) throw fail(error.error, error.description ?? 'The scope is invalid');
    throw error;
  }
  return {
    client,
    redirectUri,
    scope,
    state,
    codeChallenge: parameters.code_challenge,
    nonce: parameters.nonce ?? null,
    prompt,
    maxAge,
    parameters,
  };
}

function checkPrompt(value: string | undefined, fail: (error: string, description: string) => AuthorizationRequestError): OAuthPrompt[] {
  if (value === undefined) return [];
  const prompts = [...new Set(value.split(' ').filter((entry) => entry.length > 0))];
  for (const prompt of prompts) {
    if (prompt !== 'none' && prompt !== 'login' && prompt !== 'consent' && prompt !== 'select_account') {
      throw fail('invalid_request', 'The prompt parameter takes none, login, consent or select_account');
    }
  }
  // OIDC Core §3.1.2.1: none with any other value is an error.
  if (prompts.includes('none') && prompts.length > 1) throw fail('invalid_request', 'prompt=none cannot be combined with other values');
  return prompts.filter((prompt): prompt is OAuthPrompt => prompt !== 'select_account');
}

function checkMaxAge(value: string | undefined, fail: (error: string, description: string) => AuthorizationRequestError): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,9}$/.test(value)) throw fail('invalid_request', 'The max_age parameter must be a number of seconds');
  return Number(value);
}

/** The redirect back to the client (RFC 6749 §4.1.2 and §4.1.2.1), with `iss` (RFC 9207 §2). */
export function redirectBack(redirectUri: string, parameters: Record<string, string | null>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== null) query.append(name, value);
  return `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${query.toString()}`;
}
