import { StorageUnavailable } from './storage-unavailable';

/**
 * Error codes a client can receive: RFC 6749 §5.2 for the token endpoint, RFC 6750 §3.1 for protected
 * resources, plus `server_error` (RFC 6749 §4.1.2.1) for anything that is not the client's fault.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_token'
  | 'insufficient_scope'
  /** Registered in the OAuth error registry (RFC 6749 §4.1.2.1); used here for rate limiting and overload. */
  | 'temporarily_unavailable'
  | 'server_error';

/** Which `WWW-Authenticate` challenge a response carries, if any. */
export type OAuthChallenge =
  | { scheme: 'Basic' }
  /** `error: undefined` is the bare challenge RFC 6750 §3.1 asks for when no token was sent at all. */
  | { scheme: 'Bearer'; error?: 'invalid_request' | 'invalid_token' | 'insufficient_scope'; scope?: string };

/**
 * The one protocol error type of the module. Everything a client did wrong is an `OAuthError`;
 * `OAuthExceptionFilter` turns it into the RFC's JSON body and headers.
 */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';

  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string | undefined,
    readonly status: number,
    readonly challenge?: OAuthChallenge,
    options?: { cause?: unknown; retryAfterSeconds?: number; allow?: readonly string[] },
  ) {
    super(description ?? error, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.allow = options?.allow;
  }

  /** Seconds after which the client may try again; sent as `Retry-After` (RFC 9110 §10.2.3). */
  readonly retryAfterSeconds?: number;

  /** The methods the resource supports, sent as `Allow` with a 405 (RFC 9110 §10.2.1, §15.5.6). */
  readonly allow?: readonly string[];

  /** 400 unless another status says more: 413 for a body too large, 415 for one in a charset or encoding not read. */
  static invalidRequest(description: string, status = 400): OAuthError {
    return new OAuthError('invalid_request', description, status);
  }

  /**
   * RFC 6749 §5.2: when the client tried HTTP Basic (or sent no credentials at all) the answer is 401 with a
   * `WWW-Authenticate` challenge for the scheme it should use.
   */
  static invalidClient(description = 'Client authentication failed'): OAuthError {
    return new OAuthError('invalid_client', description, 401, { scheme: 'Basic' });
  }

  static invalidGrant(description: string): OAuthError {
    return new OAuthError('invalid_grant', description, 400);
  }

  static unauthorizedClient(description: string): OAuthError {
    return new OAuthError('unauthorized_client', description, 400);
  }

  static unsupportedGrantType(description: string): OAuthError {
    return new OAuthError('unsupported_grant_type', description, 400);
  }

  static invalidScope(description: string): OAuthError {
    return new OAuthError('invalid_scope', description, 400);
  }

  /** RFC 6750 §3.1: the request carried no token at all, so the challenge names no error. */
  static missingToken(): OAuthError {
    return new OAuthError('invalid_request', 'No access token was provided', 401, { scheme: 'Bearer' });
  }

  static invalidToken(description = 'The access token is invalid, expired or revoked'): OAuthError {
    return new OAuthError('invalid_token', description, 401, { scheme: 'Bearer', error: 'invalid_token' });
  }

  static insufficientScope(requiredScopes: readonly string[]): OAuthError {
    const scope = requiredScopes.join(' ');
    return new OAuthError('insufficient_scope', `This resource requires the scope: ${scope}`, 403, {
      scheme: 'Bearer',
      error: 'insufficient_scope',
      scope,
    });
  }

  /** Too many failed logins for one username (RFC 6749 §10.10): refused, right password or not, until `until`. */
  static accountLocked(until: Date, now: Date): OAuthError {
    return new OAuthError('invalid_grant', 'Too many failed logins; try again later', 429, undefined, {
      retryAfterSeconds: secondsUntil(until, now),
    });
  }

  /**
   * Too many failed authentications for one client id: refused, right secret or not, until `until`. Still 401
   * `invalid_client` with the challenge, as RFC 6749 §5.2 requires for a client that authenticated with the
   * Authorization header, plus `Retry-After` (RFC 9110 §10.2.3) saying when to try again.
   */
  static clientLocked(until: Date, now: Date): OAuthError {
    return new OAuthError(
      'invalid_client',
      'Too many failed client authentications; try again later',
      401,
      { scheme: 'Basic' },
      {
        retryAfterSeconds: secondsUntil(until, now),
      },
    );
  }

  /** Too many requests from one client address. */
  static rateLimited(retryAfterSeconds: number): OAuthError {
    return new OAuthError('temporarily_unavailable', 'Too many requests; try again later', 429, undefined, {
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    });
  }

  /**
   * The server cannot take the request on now: "temporary overloading", as RFC 6749 §4.1.2.1 defines the code,
   * answered with the 503 that code stands for and a `Retry-After`.
   */
  static temporarilyUnavailable(description: string, retryAfterSeconds: number): OAuthError {
    return new OAuthError('temporarily_unavailable', description, 503, undefined, {
      retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)),
    });
  }

  /** A method the endpoint does not serve (RFC 9110 §15.5.6); `allow` names those it does. */
  static methodNotAllowed(allow: readonly string[]): OAuthError {
    return new OAuthError('invalid_request', `This endpoint accepts ${allow.join(' and ')} requests only`, 405, undefined, { allow });
  }

  static serverError(cause: unknown): OAuthError {
    return new OAuthError('server_error', 'The server could not complete the request', 500, undefined, { cause });
  }

  /**
   * The database cannot be reached or cannot take the request now (see `StorageUnavailable`): 503
   * `temporarily_unavailable` with `Retry-After`, since the same request may succeed once it is back.
   */
  static storageUnavailable(cause: unknown): OAuthError {
    return new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable; try again shortly', 503, undefined, {
      cause,
      retryAfterSeconds: STORAGE_RETRY_AFTER_SECONDS,
    });
  }

  /** Whatever else went wrong: `storageUnavailable` when the database is out of reach, `serverError` otherwise. */
  static unexpected(cause: unknown): OAuthError {
    return cause instanceof StorageUnavailable ? OAuthError.storageUnavailable(cause) : OAuthError.serverError(cause);
  }
}

/** A restarting database or a failed-over connection is usually back within a few seconds. */
const STORAGE_RETRY_AFTER_SECONDS = 2;

function secondsUntil(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
