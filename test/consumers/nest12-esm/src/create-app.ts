import type { NestApplicationOptions } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module.js';

/** The app as main.ts serves it, for the end-to-end tests too. */
export async function createApp(options: NestApplicationOptions = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { ...options, bodyParser: false });
  // The token endpoint takes form bodies (RFC 6749 §4.3.2), and none of this app's requests needs a large one.
  app.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
  return app;
}
