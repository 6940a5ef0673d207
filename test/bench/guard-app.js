// @ts-check
'use strict';

/**
 * The reference app as built (BUILD_ROOT, the benchmark's copy of dist/apps/api), configured from the environment
 * as main.ts does, with two more routes that answer the same small JSON object: `GET /bench/open`, and
 * `GET /bench/guarded` behind `BearerGuard` with `@Scopes('read')`. Everything else (adapter, request logging,
 * storage, token format) is the app's, so the two routes differ only by the module's guard: their ratio is the
 * guard's own cost. Plain JavaScript with Nest's decorators applied as functions, like bare-app.js.
 */

require('reflect-metadata');
const { join } = require('node:path');
const { Controller, Get, Module, UseGuards } = require('@nestjs/common');

const root = /** @type {string} */ (process.env.BUILD_ROOT);
const { loadAppConfig } = require(join(root, 'apps/api/src/config/app-config.js'));
const { createApp } = require(join(root, 'apps/api/src/create-app.js'));
// The library as the app's build resolves it: one BearerGuard class for the app and these routes.
const { BearerGuard, Scopes } = require(join(root, 'libs/oauth/src/index.js'));

class BenchController {
  open() {
    return { hello: 'world' };
  }
  guarded() {
    return { hello: 'world' };
  }
}
Controller('bench')(BenchController);
/** @param {'open' | 'guarded'} name */
const method = (name) => /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(BenchController.prototype, name));
Get('open')(BenchController.prototype, 'open', method('open'));
Get('guarded')(BenchController.prototype, 'guarded', method('guarded'));
UseGuards(BearerGuard)(BenchController.prototype, 'guarded', method('guarded'));
Scopes('read')(BenchController.prototype, 'guarded', method('guarded'));

class BenchRoutesModule {}
Module({ controllers: [BenchController] })(BenchRoutesModule);

async function main() {
  const config = loadAppConfig(process.env);
  const app = await createApp(config, { imports: [BenchRoutesModule] });
  await app.listen(config.port, '127.0.0.1');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
