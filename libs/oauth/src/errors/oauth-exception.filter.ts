import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { OAUTH_ENDPOINT_PATHS } from '../oauth.constants';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { OAuthError } from './oauth.error';

/**
 * Matches the errors HTTP body parsers raise before any route runs (body too large, unsupported charset or
 * encoding, too many parameters, a body its Content-Encoding cannot decode): `http-errors` objects with a 4xx
 * `status`, marked `expose` (safe to show) and usually carrying a `type` such as `entity.too.large`. Nest has no
 * class for them; they are the client's mistake.
 */
export class BodyParserError {
  declare readonly status: number;
  declare readonly message: string;

  static [Symbol.hasInstance](value: unknown): boolean {
    const error = value as { status?: unknown; type?: unknown; expose?: unknown } | null;
    return (
      value instanceof Error &&
      typeof error?.status === 'number' &&
      error.status >= 400 &&
      error.status < 500 &&
      (typeof error.type === 'string' || error.expose === true)
    );
  }
}

/**
 * Writes every `OAuthError` as RFC 6749 §5.2 JSON, with the `WWW-Authenticate` challenge RFC 6749 §5.2 and
 * RFC 6750 §3 ask for, and `Cache-Control: no-store`. Registered globally so it also answers for `BearerGuard` on
 * the host's routes; it catches nothing else of the host's, so the host's own filters keep working.
 */
@Catch(OAuthError, BodyParserError)
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
  ) {}

  catch(exception: OAuthError | BodyParserError, host: ArgumentsHost): void {
    const adapter = this.adapterHost.httpAdapter;
    const http = host.switchToHttp();
    const request = http.getRequest();
    const response = http.getResponse();
    if (!(exception instanceof OAuthError)) {
      const path = String(adapter.getRequestUrl(request) ?? '').split('?')[0];
      if (!OAUTH_ENDPOINT_PATHS.some((endpoint) => path.endsWith(endpoint))) {
        // Not one of ours: answer as Nest would answer an HttpException of that status.
        adapter.reply(response, { statusCode: exception.status, message: exception.message }, exception.status);
        return;
      }
    }
    const error = exception instanceof OAuthError ? exception : bodyError(exception.status);
    if (error.status >= 500) {
      // The cause goes to the log only; the client learns nothing about the server's insides.
      const cause = error.cause instanceof Error ? error.cause : undefined;
      this.logger.error(`Unexpected error: ${cause ? `${cause.name}: ${cause.message}` : String(error.cause)}`, cause?.stack);
    }
    adapter.setHeader(response, 'Cache-Control', 'no-store');
    adapter.setHeader(response, 'Pragma', 'no-cache');
    const challenge = this.challenge(error);
    if (challenge) adapter.setHeader(response, 'WWW-Authenticate', challenge);
    if (error.retryAfterSeconds !== undefined) adapter.setHeader(response, 'Retry-After', String(error.retryAfterSeconds));
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
function bodyError(status: number): OAuthError {
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
    this.oauthFilter.catch(known ? (exception as OAuthError) : OAuthError.serverError(exception), host);
  }
}
