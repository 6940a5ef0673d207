// @ts-check
'use strict';

/**
 * The reference app as the benchmark runs it: the output of `nest build api` (copied aside first, see
 * `prepareBuild`), started as a child process on a database of its own, with the token rate limit and the
 * login lockout off, as a load test from one address needs, and a hash queue long enough for every connection
 * of the password grant's load to wait in it (the default, 16, answers the rest 503 at once).
 */

const { execFileSync } = require('node:child_process');
const { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { delimiter, join, relative } = require('node:path');
const { runNode, sleep, startServer } = require('./processes');

const REPO = join(__dirname, '../../..');
const DIST = join(REPO, 'dist/apps/api');

/** Paths inside the build output (dist/apps/api). */
const MAIN = 'apps/api/src/main.js';
const CLI = 'apps/api/src/cli/main.js';
const SECRET_HASH = 'libs/oauth/src/crypto/secret-hash.js';
const LIBRARY_INDEX = 'libs/oauth/src/index.js';

/** The demo client and user that the app seeds into an empty database outside production. */
const DEMO = { clientId: 'breakout_app', clientSecret: '123456789', username: 'admin@break-out.org', password: 'password' };

/**
 * @typedef {object} Build
 * @property {string} root the build output the benchmark runs
 * @property {string} main
 * @property {string} cli
 * @property {Record<string, string>} env what every app process needs on top of the environment (NODE_PATH)
 * @property {() => void} remove
 */

/** @param {string} dir @returns {string[]} */
function listJs(dir) {
  /** @type {string[]} */
  const files = [];
  const walk = (/** @type {string} */ current) => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.js')) files.push(relative(dir, path));
    }
  };
  walk(dir);
  return files.sort();
}

/**
 * The build to run. `nest build api` empties dist/ before it writes (deleteOutDir), and other people's builds
 * (every e2e run starts with one) may do so while the benchmark runs; so by default the benchmark runs a copy of
 * dist/apps/api taken once at start, in a temporary directory, with the repository's node_modules on NODE_PATH.
 * BENCH_SNAPSHOT=0 runs dist/ in place.
 * @param {{ snapshot: boolean; log: (line: string) => void }} options
 * @returns {Promise<Build>}
 */
async function prepareBuild({ snapshot, log }) {
  const complete = () => [MAIN, CLI].every((file) => existsSync(join(DIST, file)));
  // A build in progress elsewhere: give it two minutes to finish.
  for (let waited = 0; !complete(); waited++) {
    if (waited === 0) log(`waiting for ${relative(REPO, DIST)} (run "npm run build" if nothing is building it)`);
    if (waited >= 120) throw new Error(`${relative(REPO, DIST)} is incomplete: run "npm run build" first (npm run bench does)`);
    await sleep(1000);
  }
  if (!snapshot) return build(DIST, {}, () => undefined);
  for (let attempt = 1; ; attempt++) {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-bench-build-'));
    const root = join(dir, 'api');
    try {
      const before = listJs(DIST);
      cpSync(DIST, root, { recursive: true, filter: (source) => !source.endsWith('.map') });
      // The same files before and after the copy, and the copy complete: no build ran in between.
      const same = JSON.stringify(listJs(root)) === JSON.stringify(before) && JSON.stringify(listJs(DIST)) === JSON.stringify(before);
      if (same && [MAIN, CLI].every((file) => existsSync(join(root, file)))) {
        const nodePath = [join(REPO, 'node_modules'), process.env.NODE_PATH].filter(Boolean).join(delimiter);
        return build(root, { NODE_PATH: nodePath }, () => rmSync(dir, { recursive: true, force: true }));
      }
    } catch (error) {
      if (attempt >= 5) throw error;
    }
    rmSync(dir, { recursive: true, force: true });
    if (attempt >= 5) throw new Error('dist/ kept changing while it was copied: is a build running in a loop?');
    await sleep(3000);
  }
}

/** @param {string} root @param {Record<string, string>} env @param {() => void} remove @returns {Build} */
function build(root, env, remove) {
  return { root, main: join(root, MAIN), cli: join(root, CLI), env, remove };
}

/**
 * The library's own `verifySecret`, from the build output: its module (which needs nothing but node:crypto), or
 * else the library's entry point.
 * @param {Build} built
 * @returns {(secret: string, stored: string) => Promise<boolean>}
 */
function loadVerifySecret(built) {
  const found = listJs(built.root).find((file) => file.startsWith('libs/') && file.endsWith('/secret-hash.js'));
  const candidates = [SECRET_HASH, ...(found ? [found] : []), LIBRARY_INDEX].map((file) => join(built.root, file)).filter((path) => existsSync(path));
  for (const path of candidates) {
    const { verifySecret } = require(path);
    if (typeof verifySecret === 'function') return verifySecret;
  }
  throw new Error(`no verifySecret in the build output (looked in: ${candidates.join(', ') || 'nothing found'})`);
}

/**
 * The environment of every process the benchmark starts: this one's, without what would change what is measured.
 * @param {Build} built
 */
function baseEnv(built) {
  /** @type {Record<string, string | undefined>} */
  const env = { ...process.env, ...built.env };
  // NODE_ENV=production would skip the demo seed; the rest is set per process; NODE_OPTIONS could add an inspector.
  // HTTP_ADAPTER and the token format are the app's defaults unless a target sets them.
  for (const name of [
    'NODE_ENV',
    'PORT',
    'DATABASE_URL',
    'DATABASE_SCHEMA',
    'DB_MIGRATE',
    'NODE_OPTIONS',
    'HTTP_ADAPTER',
    'OAUTH_ACCESS_TOKEN_FORMAT',
  ])
    delete env[name];
  return env;
}

/**
 * @param {Build} built @param {Record<string, string>} databaseEnv @param {{ passwordHashCost: number }} config
 */
function apiEnv(built, databaseEnv, { passwordHashCost }) {
  return {
    ...baseEnv(built),
    ...databaseEnv,
    PASSWORD_HASH_COST: String(passwordHashCost),
    OAUTH_TOKEN_RATE_LIMIT: '0',
    OAUTH_LOGIN_MAX_FAILURES: '0',
    OAUTH_HASH_QUEUE_MAX: '256',
    OAUTH_HASH_QUEUE_TIMEOUT_MS: '120000',
  };
}

/** The HTTP adapter the built app runs when HTTP_ADAPTER is not set. @param {Build} built @returns {'express' | 'fastify'} */
function defaultAdapter(built) {
  // In a child process: the build resolves its packages through NODE_PATH (see prepareBuild).
  const script = `console.log(require(${JSON.stringify(join(built.root, 'apps/api/src/config/app-config.js'))}).loadAppConfig({}).httpAdapter)`;
  const adapter = execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, ...built.env }, encoding: 'utf8' }).trim();
  if (adapter !== 'express' && adapter !== 'fastify') throw new Error(`the app's default HTTP adapter is "${adapter}"`);
  return adapter;
}

/**
 * Starts the built app on `databaseEnv`'s database and waits for GET /health. Its output goes to LABEL.log in `cwd`.
 * `script` replaces main.js (guard-app.js runs the same app with two more routes); `env` adds settings.
 * @param {{ label: string; built: Build; databaseEnv: Record<string, string>; passwordHashCost: number; cwd: string; nodeArgs?: string[]; script?: string; env?: Record<string, string> }} options
 */
function startApi({ label, built, databaseEnv, passwordHashCost, cwd, nodeArgs = [], script = built.main, env = {} }) {
  const logFile = join(cwd, `${label.replace(/[^A-Za-z0-9_-]/g, '_')}.log`);
  return startServer({
    label,
    script,
    nodeArgs,
    env: { ...apiEnv(built, databaseEnv, { passwordHashCost }), BUILD_ROOT: built.root, ...env },
    cwd,
    readyPath: '/health',
    logFile,
  });
}

/**
 * Registers a client_credentials client with the admin CLI, as an operator would, and returns its secret.
 * @param {{ built: Build; databaseEnv: Record<string, string>; passwordHashCost: number; cwd: string; id: string }} options
 */
async function createServiceClient({ built, databaseEnv, passwordHashCost, cwd, id }) {
  const stdout = await runNode({
    script: built.cli,
    args: ['client:create', '--id', id, '--scopes', 'read write', '--grants', 'client_credentials'],
    env: apiEnv(built, databaseEnv, { passwordHashCost }),
    cwd,
  });
  const secret = /^Client secret: (\S+)$/m.exec(stdout)?.[1];
  if (!secret) throw new Error(`client:create printed no secret:\n${stdout}`);
  return secret;
}

module.exports = { REPO, DEMO, prepareBuild, loadVerifySecret, baseEnv, apiEnv, defaultAdapter, startApi, createServiceClient };
