import { OAuthError } from '../errors/oauth.error';

/**
 * Every parameter of a token request, as the form body carried it, for grants that define parameters of their
 * own (an extension grant's `assertion` or `subject_token`, RFC 6749 §4.5). `TokenRequestDto` holds only the
 * parameters of the built-in grants, checked; a value read here is checked as it is read, by the same rules.
 */
export class TokenRequestParameters {
  constructor(
    private readonly body: unknown,
    /** The issuer identifier the request was served under: the configured one, or in development the request's origin. */
    readonly issuer?: string,
  ) {}

  /**
   * The parameter's value, or `undefined` when it is absent or empty (RFC 6749 §3.2 treats a parameter sent
   * without a value as omitted). `invalid_request` when it was sent more than once (§3.2), is not plain text, or
   * holds a NUL character.
   */
  get(name: string): string | undefined {
    const body = this.body;
    if (typeof body !== 'object' || body === null || !Object.prototype.hasOwnProperty.call(body, name)) return undefined;
    const value: unknown = (body as Record<string, unknown>)[name];
    if (value === undefined || value === '') return undefined;
    if (Array.isArray(value)) throw OAuthError.invalidRequest(`The ${name} parameter was sent more than once`);
    if (typeof value !== 'string' || value.includes('\u0000')) throw OAuthError.invalidRequest(`The ${name} parameter is malformed`);
    return value;
  }

  /** As `get`, and `invalid_request` when the parameter is missing. */
  require(name: string): string {
    const value = this.get(name);
    if (value === undefined) throw OAuthError.invalidRequest(`The ${name} parameter is missing`);
    return value;
  }
}
