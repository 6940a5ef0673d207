import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';

/** Body size limit: token requests are a few hundred bytes, and nothing bigger should reach a handler. */
const BODY_LIMIT = '16kb';

/** Builds the app exactly as it runs in production; main.ts and the end-to-end tests both use it. */
export async function createApp(
  config: AppConfig,
  options: { logger?: LoggerService | LogLevel[] | false } = {},
): Promise<NestExpressApplication> {
  // Only form bodies are parsed: no route of this API takes JSON, and the token endpoint must refuse it
  // (RFC 6749 §3.2). extended: false keeps "a[b]=c" a plain parameter name instead of a nested object.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), { bodyParser: false, ...options });
  app.useBodyParser('urlencoded', { extended: false, limit: BODY_LIMIT });
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  return app;
}
