import type { INestApplication, LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { useFastifyFormBodies } from './fastify-form-body';
import { REQUEST_ID_HEADER, requestId } from './logging/logging';
import { AppMetrics } from './metrics/app-metrics';
import { setupOpenApi } from './openapi/openapi';

/** Body size limit: token requests are a few hundred bytes, and nothing bigger should reach a handler. */
const BODY_LIMIT = '16kb';
/** The same limit in bytes, for Fastify (body-parser's "16kb" is 16 × 1024 bytes). */
const BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Builds the app exactly as it runs in production; main.ts and the end-to-end tests both use it. Signals are
 * main.ts's to handle (see `enableGracefulShutdown`): a test closes its app itself. `HTTP_ADAPTER`
 * picks the platform (see `AppConfig.httpAdapter`); on Fastify, call `getHttpAdapter().getInstance().ready()` after
 * `init()` before handing `getHttpServer()` to anything but `listen()`.
 */
export async function createApp(
  config: AppConfig,
  {
    imports,
    ...options
  }: { logger?: LoggerService | LogLevel[] | false; imports?: NonNullable<Parameters<typeof AppModule.forRoot>[1]>['imports'] } = {},
): Promise<INestApplication> {
  // Only form bodies are parsed: no route of this API takes JSON, and the token endpoint must refuse it
  // (RFC 6749 §3.2). extended: false keeps "a[b]=c" a plain parameter name instead of a nested object.
  // No logger given: JSON logs through pino (Nest's start-up lines wait for it). `logger: false` turns pino off
  // too; a logger of the caller's gets Nest's logs while pino still writes the request lines.
  const module = AppModule.forRoot(config, { logging: options.logger !== false, imports });
  // A failure to start (the database out of reach, say) is thrown to the caller, which main.ts words for the
  // operator, instead of Nest logging its stack and exiting; what was buffered until then is not flushed.
  const nestOptions = { bodyParser: false, bufferLogs: options.logger === undefined, abortOnError: false, autoFlushLogs: false, ...options };
  let app: INestApplication;
  if (config.httpAdapter === 'fastify') {
    // Routing as Express's: case-insensitive, a trailing slash ignored. trustProxy as Express's "trust proxy"
    // below: off unless TRUST_PROXY names the proxies, so that request.ip is the client's address either way.
    const logging = options.logger !== false;
    const adapter = new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      trustProxy: config.trustProxy,
      routerOptions: { caseSensitive: false, ignoreTrailingSlash: true },
      // pino-http names a request with requestId() only when it has no id yet, and @fastify/middie hands it the one
      // Fastify gave the request: so Fastify's ids follow the same rule (the header is echoed below, as requestId()
      // does on Express).
      ...(logging ? { genReqId: (request: IncomingMessage) => requestId(request, { setHeader: () => undefined } as unknown as ServerResponse) } : {}),
    });
    const fastifyApp = await NestFactory.create<NestFastifyApplication>(module, adapter, nestOptions);
    if (logging)
      fastifyApp
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', async (request, reply) => void reply.header(REQUEST_ID_HEADER, request.id));
    // The same parsing as body-parser's below (see useFastifyFormBodies); Fastify sends no X-Powered-By.
    await useFastifyFormBodies(fastifyApp, BODY_LIMIT_BYTES);
    app = fastifyApp;
  } else {
    const expressApp = await NestFactory.create<NestExpressApplication>(module, nestOptions);
    expressApp.useBodyParser('urlencoded', { extended: false, limit: BODY_LIMIT });
    expressApp.disable('x-powered-by');
    if (config.trustProxy !== false) expressApp.set('trust proxy', config.trustProxy);
    app = expressApp;
  }
  if (config.metrics.enabled) observeRequests(app, app.get(AppMetrics));
  if (options.logger === undefined) {
    app.useLogger(app.get(PinoLogger));
    // Nest would hold what it buffered until listen(); an app that is only init()ed must log too.
    app.flushLogs();
  }
  setupOpenApi(app);
  return app;
}

/**
 * Feeds every answered request to the metrics, with the route pattern that matched (never the raw path, which
 * any client could vary) and, for the token endpoint, the grant type: from Fastify's `onResponse` hook, or
 * Express's `finish` event on the response.
 */
function observeRequests(app: INestApplication, metrics: AppMetrics): void {
  if (app.getHttpAdapter().getType() === 'fastify') {
    (app as NestFastifyApplication)
      .getHttpAdapter()
      .getInstance()
      .addHook('onResponse', async (request, reply) => {
        metrics.observeRequest({
          method: request.method,
          route: request.routeOptions.url,
          statusCode: reply.statusCode,
          seconds: reply.elapsedTime / 1000,
          grantType: (request.body as { grant_type?: unknown } | undefined)?.grant_type,
        });
      });
    return;
  }
  (app as NestExpressApplication).use((request: Request, response: Response, next: () => void) => {
    const started = process.hrtime.bigint();
    response.once('finish', () =>
      metrics.observeRequest({
        method: request.method,
        route: request.route?.path,
        statusCode: response.statusCode,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
        grantType: request.body?.grant_type,
      }),
    );
    next();
  });
}
