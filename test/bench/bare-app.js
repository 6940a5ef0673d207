// @ts-check
'use strict';

/**
 * The benchmark's reference limit: a minimal Nest application on the same HTTP adapter as apps/api
 * (@nestjs/platform-express, Nest's default), with one route, `GET /bare`, answering a small JSON object.
 * Plain JavaScript, with Nest's decorators applied as functions, so it needs no build step of its own.
 * `PORT` is the port; it listens on 127.0.0.1 only.
 */

require('reflect-metadata');
const { Controller, Get, Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

class BareController {
  hello() {
    return { hello: 'world' };
  }
}
Controller('bare')(BareController);
Get()(BareController.prototype, 'hello', /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(BareController.prototype, 'hello')));

class BareModule {}
Module({ controllers: [BareController] })(BareModule);

async function main() {
  const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
