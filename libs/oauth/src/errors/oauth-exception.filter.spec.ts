import { type ArgumentsHost, HttpException, PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { HttpAdapterHost } from '@nestjs/core';
import { errorCodes } from 'fastify';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { BodyParserError, OAuthExceptionFilter } from './oauth-exception.filter';

/** What Nest's RoutesResolver hands the exception filters for a FastifyError (`mapExternalException`). */
const asNestSeesIt = (error: Error & { statusCode?: number }) => new HttpException(error.message, error.statusCode!);

/** body-parser's errors are `http-errors` objects. */
const httpError = (status: number, message: string, extra: Record<string, unknown>) =>
  Object.assign(new Error(message), { status, statusCode: status, ...extra });

describe('BodyParserError: the body refusals of both HTTP platforms', () => {
  it.each([
    ['body-parser: entity too large', httpError(413, 'request entity too large', { type: 'entity.too.large', expose: true })],
    ['body-parser: unsupported charset', httpError(415, 'unsupported charset "KLINGON"', { type: 'charset.unsupported', expose: true })],
    ['body-parser: an undecodable body (no type)', httpError(400, 'incorrect header check', { expose: true })],
    ['Fastify, as Nest maps it: FST_ERR_CTP_BODY_TOO_LARGE', asNestSeesIt(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE())],
    ['Fastify, as Nest maps it: FST_ERR_CTP_INVALID_MEDIA_TYPE', asNestSeesIt(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE())],
    ['Fastify, as Nest maps it: FST_ERR_CTP_INVALID_CONTENT_LENGTH', asNestSeesIt(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH())],
    ['Fastify, as Nest maps it: FST_ERR_CTP_EMPTY_JSON_BODY', asNestSeesIt(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY())],
    ['Fastify, as Nest maps it: FST_ERR_CTP_INVALID_JSON_BODY', asNestSeesIt(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY())],
    ['Fastify, unmapped: FST_ERR_CTP_BODY_TOO_LARGE', new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()],
  ])('matches %s', (_name, error) => {
    expect(error instanceof BodyParserError).toBe(true);
  });

  it.each([
    ["a host's PayloadTooLargeException", new PayloadTooLargeException()],
    ["a host's UnsupportedMediaTypeException", new UnsupportedMediaTypeException()],
    ["a host's HttpException with Fastify's message but its own body", new HttpException({ message: 'Request body is too large' }, 413)],
    ["a host's HttpException with Fastify's message but another status", new HttpException('Request body is too large', 400)],
    ['a server-side FastifyError', new errorCodes.FST_ERR_CTP_INVALID_TYPE()],
    ['a FastifyError that is not about a body', new errorCodes.FST_ERR_NOT_FOUND()],
    ['a plain error', new Error('Request body is too large')],
  ])('leaves alone %s', (_name, error) => {
    expect(error instanceof BodyParserError).toBe(false);
  });
});

describe('OAuthExceptionFilter on the body refusals of Fastify', () => {
  const replies: Array<{ body: unknown; status: number; headers: Record<string, string> }> = [];
  const adapter = {
    getRequestUrl: (request: { url: string }) => request.url,
    setHeader: (response: { headers: Record<string, string> }, name: string, value: string) => void (response.headers[name] = value),
    reply: (response: { headers: Record<string, string> }, body: unknown, status: number) =>
      void replies.push({ body, status, headers: response.headers }),
  };
  const filter = new OAuthExceptionFilter({ httpAdapter: adapter } as unknown as HttpAdapterHost, { realm: 'test' } as ResolvedOAuthOptions);
  const catchAt = (url: string, exception: unknown) => {
    const host = { switchToHttp: () => ({ getRequest: () => ({ url }), getResponse: () => ({ headers: {} }) }) } as unknown as ArgumentsHost;
    filter.catch(exception as BodyParserError, host);
    return replies.at(-1)!;
  };

  beforeEach(() => (replies.length = 0));

  it('answers a body over the limit with 413 invalid_request on an OAuth endpoint', () => {
    const reply = catchAt('/oauth/token', asNestSeesIt(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()));
    expect(reply).toEqual({
      status: 413,
      body: { error: 'invalid_request', error_description: 'The request body is too large' },
      headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' },
    });
  });

  it("answers Fastify's own 415 as FormBodyGuard answers a body that is not a form, as the request gets on Express", () => {
    const reply = catchAt('/oauth/introspect?x=1', asNestSeesIt(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE()));
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ error: 'invalid_request', error_description: 'The request body must be application/x-www-form-urlencoded' });
  });

  it('answers elsewhere as Nest itself would', () => {
    expect(catchAt('/somewhere', asNestSeesIt(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()))).toEqual({
      status: 413,
      body: { statusCode: 413, message: 'Request body is too large' },
      headers: {},
    });
    expect(catchAt('/somewhere', new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE())).toEqual({
      status: 415,
      body: { statusCode: 415, message: 'Unsupported Media Type' },
      headers: {},
    });
  });
});
