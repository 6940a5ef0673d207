import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/app-config';

/** The header a request id arrives in (from a proxy or the caller) and is echoed back in. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * What an incoming request id may look like to be kept: a UUID, a trace id, any short token of letters, digits
 * and `-_.:`. Anything else (too long, spaces, control characters, a repeated header) is replaced, so a caller
 * cannot forge log lines or bloat them through it.
 */
const WELL_FORMED_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** pino-http's `genReqId`: the caller's id when well-formed, else a random UUID; echoed in the response either way. */
export function requestId(request: IncomingMessage, response: ServerResponse): string {
  const incoming = request.headers[REQUEST_ID_HEADER];
  const id = typeof incoming === 'string' && WELL_FORMED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

/**
 * The request as logged: what an operator traces a request by, and nothing a caller can put a credential in. No
 * headers (where `Authorization` and cookies travel; only the user agent is kept), no query string (a token sent in
 * a URL would otherwise be written down), no body. Nothing secret reaches the line, so nothing needs redacting
 * (redaction, run on every line, was a measurable part of a request's cost).
 */
function serializeRequest(request: { id: unknown; method: string; url?: string; headers: Record<string, unknown>; remoteAddress?: string }) {
  const userAgent = request.headers['user-agent'];
  return {
    id: request.id,
    method: request.method,
    url: request.url?.split('?')[0],
    remoteAddress: request.remoteAddress,
    ...(typeof userAgent === 'string' ? { userAgent: userAgent.slice(0, 256) } : {}),
  };
}

/** The response as logged: its status (headers may carry `Set-Cookie`). */
function serializeResponse(response: { statusCode: number }) {
  return { statusCode: response.statusCode };
}

export function pinoHttpOptions(level: AppConfig['logLevel']): Options {
  return {
    level,
    genReqId: requestId,
    // Lines logged while a request is handled carry its id as `reqId`; the full request goes in the final line only.
    quietReqLogger: true,
    serializers: { req: serializeRequest, res: serializeResponse },
    customLogLevel: (_request, response, error) => (error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info'),
  };
}

/**
 * JSON logs through pino: one line per request (`request completed`, with its id, method, path, status and
 * time), and every Nest log, the OAuth module's events included, carrying the id of the request it happened in.
 * Written through `process.stdout` rather than pino's own file descriptor writer, so that whatever wraps the
 * stream (a test's capture, a process manager's hook) sees every line.
 */
export function appLoggerModule(config: AppConfig) {
  return LoggerModule.forRoot({ pinoHttp: [pinoHttpOptions(config.logLevel), process.stdout] });
}
