import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { notAFormBody } from '../auth/form-body.guard';
import { OAUTH_ENDPOINT_PATHS } from '../oauth.constants';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { OAuthError } from './oauth.error';
import { StorageUnavailable } from './storage-unavailable';

/**
 * Fastify's own refusals of a request body (its `FST_ERR_CTP_*` errors), by message. Nest's RoutesResolver turns
 * every FastifyError into `new HttpException(error.message, error.statusCode)` before a filter sees it, so the
 * message, with its status, is what is left to recognise them by.
 */
const FASTIFY_BODY_ERRORS: ReadonlyMap<string, number> = new Map([
  ['Request body is too large', 413], // FST_ERR_CTP_BODY_TOO_LARGE
  ['Unsupported Media Type', 415], // FST_ERR_CTP_INVALID_MEDIA_TYPE: no parser for the type, or a malformed Content-Type
  ['Request body size did not match Content-Length', 400], // FST_ERR_CTP_INVALID_CONTENT_LENGTH
  ["Body cannot be empty when content-type is set to 'application/json'", 400], // FST_ERR_CTP_EMPTY_JSON_BODY
  ["Body is not valid JSON but content-type is set to 'application/json'", 400], // FST_ERR_CTP_INVALID_JSON_BODY
]);

const isClientStatus = (status: unknown): status is number => typeof status === 'number' && status >= 400 && status < 500;

/**
 * Matches the errors HTTP body parsers raise before any route runs (body too large, unsupported charset or
 * encoding, too many parameters, a body its Content-Encoding cannot decode), on either platform:
 * - Express's body-parser: `http-errors` objects with a 4xx `status`, marked `expose` (safe to show) and usually
 *   carrying a `type` such as `entity.too.large`;
 * - Fastify's content-type parsing: its `FST_ERR_CTP_*` FastifyErrors with a 4xx `statusCode`, which reach filters
 *   as the `HttpException` Nest makes of them (see `FASTIFY_BODY_ERRORS`).
 * Nest has no class for them; they are the client's mistake. Read the status with `bodyErrorStatus`.
 */
export class BodyParserError {
  declare readonly message: string;

  static [Symbol.hasInstance](value: unknown): boolean {
    if (!(value instanceof Error)) return false;
    if (value instanceof HttpException) {
      return typeof value.getResponse() === 'string' && FASTIFY_BODY_ERRORS.get(value.message) === value.getStatus();
    }
    const error = value as { status?: unknown; type?: unknown; expose?: unknown; code?: unknown; statusCode?: unknown };
    if (isClientStatus(error.status)) return typeof error.type === 'string' || error.expose === true;
    return (
      value.name === 'FastifyError' && typeof error.code === 'string' && error.code.startsWith('FST_ERR_CTP_') && isClientStatus(error.statusCode)
    );
  }
}

/** The HTTP status of a `BodyParserError`. */
function bodyErrorStatus(exception: BodyParserError): number {
  const error = exception as { status?: unknown; statusCode?: unknown };
  return isClientStatus(error.status) ? error.status : (error.statusCode as number);
}

/**
 * Writes every `OAuthError` as RFC 6749 §5.2 JSON, with the `WWW-Authenticate` challenge RFC 6749 §5.2 and
 * RFC 6750 §3 ask for, and `Cache-Control: no-store`. Registered globally so it also answers for `BearerGuard` on
 * the host's routes. Of the host's own errors it catches only a database out of reach (`StorageUnavailable`),
 * answered 503 `temporarily_unavailable` with `Retry-After` on every route rather than a 500 the client would not
 * retry; the host's own filters keep the rest.
 */
@Catch(OAuthError, BodyParserError, StorageUnavailable)
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
  ) {}

  catch(exception: OAuthError | BodyParserError | StorageUnavailable, host: ArgumentsHost): void {
    if (exception instanceof StorageUnavailable && !(exception instanceof OAuthError))
      return this.catch(OAuthError.storageUnavailable(exception), host);
    const adapter = this.adapterHost.httpAdapter;
    const http = host.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    if (!(exception instanceof OAuthError)) {
      const path = String(adapter.getRequestUrl(request) ?? '').split('?')[0];
      if (!OAUTH_ENDPOINT_PATHS.some((endpoint) => path.endsWith(endpoint))) {
        // Not one of ours: answer as Nest would answer an HttpException of that status.
        const status = bodyErrorStatus(exception);
        adapter.reply(response, { statusCode: status, message: exception.message }, status);
        return;
      }
    }
    const error = exception instanceof OAuthError ? exception : bodyError(exception);
    // An overload refusal (503) is expected under a flood and says nothing new each time; only failures are logged.
    if (error.error === 'server_error') {
      // The cause goes to the log only; the client learns nothing about the server's insides.
      const cause = error.cause instanceof Error ? error.cause : undefined;
      this.logger.error(`Unexpected error: ${cause ? `${cause.name}: ${cause.message}` : String(error.cause)}`, cause?.stack);
    } else if (error.cause instanceof StorageUnavailable) {
      // An outage is the operator's to see, but its stack says nothing: one line per refused request.
      this.logger.warn(`Database unavailable: ${(error.cause as Error).message}`);
    }
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, 'Pragma', 'no-cache');
    const challenge = this.challenge(error);
    if (challenge) adapter.setHeader(response, 'WWW-Authenticate', challenge);
    if (error.retryAfterSeconds !== undefined) adapter.setHeader(response, 'Retry-After', String(error.retryAfterSeconds));
    if (error.allow) adapter.setHeader(response, 'Allow', error.allow.join(', '));
    const body: Record<string, string> = { error: error.error };
    if (error.description) body.error_description = error.description;
    adapter.reply(response, body, error.status);
  }

  private challenge(error: OAuthError): string | undefined {
    const realm = `realm="${this.options.realm}"`;
    switch (error.challenge?.scheme) {
      case 'Basic':
        return `Basic ${realm}, charset="UTF-8"`;
      case 'Bearer': {
        const { error: code, scope } = error.challenge;
        // RFC 6750 §3: with no credentials at all the challenge carries no error information.
        if (!code) return `Bearer ${realm}`;
        const params = [realm, `error="${code}"`];
        if (error.description) params.push(`error_description="${error.description}"`);
        if (scope) params.push(`scope="${scope}"`);
        return `Bearer ${params.join(', ')}`;
      }
      default:
        return undefined;
    }
  }
}

/** Fixed texts: a parser's own message may quote the input, and RFC 6749 §5.2 limits the characters allowed. */
function bodyError(exception: BodyParserError): OAuthError {
  const status = bodyErrorStatus(exception);
  // Fastify refuses a body type it has no parser for (or a malformed Content-Type) before FormBodyGuard could: the
  // same request on Express gets the guard's answer, so this one does too.
  if (status === 415 && exception.message === 'Unsupported Media Type') return notAFormBody();
  const description =
    status === 413
      ? 'The request body is too large'
      : status === 415
        ? 'The request body has an unsupported charset or encoding'
        : 'The request body could not be read';
  return new OAuthError('invalid_request', description, status);
}

/**
 * The module's own endpoints must answer every failure with an OAuth error body, so there anything else a
 * handler throws becomes `server_error` (logged, never shown).
 */
@Catch()
export class OAuthEndpointExceptionFilter implements ExceptionFilter {
  constructor(private readonly oauthFilter: OAuthExceptionFilter) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const known = exception instanceof OAuthError || exception instanceof BodyParserError;
    this.oauthFilter.catch(known ? (exception as OAuthError) : OAuthError.unexpected(exception), host);
  }
}
