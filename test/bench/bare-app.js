// @ts-check
'use strict';

/**
 * The benchmark's reference limit: a minimal Nest application on the HTTP adapter the reference app runs
 * (`HTTP_ADAPTER`: `express` or `fastify`), with one route, `GET /bare`, answering a small JSON object. Plain
 * JavaScript, with Nest's decorators applied as functions, so it needs no build step of its own. `PORT` is the
 * port; it listens on 127.0.0.1 only.
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
  const options = { logger: /** @type {const} */ (['error', 'warn']) };
  const app =
    process.env.HTTP_ADAPTER === 'fastify'
      ? await NestFactory.create(BareModule, new (require('@nestjs/platform-fastify').FastifyAdapter)(), options)
      : await NestFactory.create(BareModule, options);
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3001), '127.0.0.1');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
