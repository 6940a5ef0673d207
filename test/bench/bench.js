#!/usr/bin/env node
// @ts-check
'use strict';

/**
 * `npm run bench`: throughput and latency of the reference app (apps/api) against the limits it runs into.
 *
 * The built app runs as a child process, in its default configuration, on a fresh temporary sqlite file (and,
 * with BENCH_POSTGRES_URL, once more on a fresh PostgreSQL schema), beside a bare Nest app on the same HTTP
 * adapter (bare-app.js), the peer (peer-app.js: @node-oauth/oauth2-server, the library Node teams pick, on
 * Express with its documented in-memory model), and four copies of the app with two extra routes, one behind
 * BearerGuard and one without (guard-app.js), on Express and Fastify with opaque and JWT access tokens. This
 * process loads them over 127.0.0.1:
 *
 *   bare                 GET /bare on the bare app, autocannon            (the framework's limit)
 *   me                   GET /me with a Bearer token, autocannon
 *   peer_me              GET /me on the peer, behind its authenticate(), autocannon
 *   bare_fetch           GET /bare, the fetch loop the refresh grant uses (refresh's like-for-like limit)
 *   refresh              refresh_token grant, N workers each chaining its own newest refresh token
 *   peer_refresh         the same loop on the peer (which also issues a new refresh token on every use)
 *   client_credentials   client_credentials grant, autocannon
 *   peer_client_credentials  the same on the peer
 *   guard_A_F_open       GET /bench/open on the guard app of adapter A and token format F, autocannon
 *   guard_A_F_guarded    GET /bench/guarded there, with a Bearer token (the guard's own cost, side by side)
 *   hash_verify          verifySecret() on the demo user's stored scrypt hash, N at a time, in this process
 *   password             password grant, autocannon                      (bounded by hash_verify)
 *   me_1k / me_1M        GET /me on apps whose database holds 1,000 / 1,000,000 seeded live grants,
 *   refresh_1k / _1M     and the refresh loop there (each grant: one live access and one live refresh token)
 *
 * Every round runs each target once, in an order rotated from round to round so that the machine's noise falls
 * on all of them alike; pairs that are compared run next to each other. Reported: the median over rounds of
 * requests/s, p50 and p99 latency and the app's CPU time per request; each ratio as the median of its per-round
 * ratios; the resident memory of each app process. Results go to test/bench/results/latest.json.
 *
 * Environment (defaults in brackets):
 *   BENCH_DURATION_SECONDS [10]   per target and round      BENCH_ROUNDS [3]
 *   BENCH_CONNECTIONS [10]        autocannon connections, fetch-loop workers and concurrent hash verifies
 *   BENCH_WARMUP_SECONDS [2]      each target once before round 1, not recorded
 *   BENCH_SKIP_GROWTH [0]         1: no 1k / 1M databases    BENCH_GROWTH_SMALL [1000]  BENCH_GROWTH_LARGE [1000000]
 *   BENCH_PASSWORD_HASH_COST [15] the app's PASSWORD_HASH_COST (log2 of scrypt's N; 15 is its default)
 *   BENCH_POSTGRES_URL            also run everything on PostgreSQL (a fresh schema per database, dropped after)
 *   BENCH_QUICK=1                 quick mode: 3 s per target, 1 s warm-up, no growth (each still overridable)
 *   BENCH_OUTPUT [test/bench/results/latest.json]            BENCH_SNAPSHOT [1] 0: run dist/ in place
 *
 * `npm run bench -- --profile` instead profiles the app with `node --cpu-prof` under the /me and refresh loads
 * (lib/profile.js).
 */

const { execFileSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { dirname, join, relative } = require('node:path');
const { DEMO, REPO, apiEnv, baseEnv, createServiceClient, defaultAdapter, loadVerifySecret, prepareBuild, startApi } = require('./lib/app');
const { countRows, createPostgresDatabase, createSqliteDatabase, storedPasswordHash } = require('./lib/database');
const { basicAuth, passwordGrant, runAutocannon, runFetchGetLoop, runHashVerifyLoop, runRefreshLoop } = require('./lib/load');
const { MemorySampler, readMachineBusyMs, readProc, startServer, stopAllChildren, waitUntilIdle } = require('./lib/processes');
const { median, round } = require('./lib/stats');

/** @typedef {import('./lib/database').BenchDatabase} BenchDatabase */
/** @typedef {import('./lib/processes').Server} Server */
/** @typedef {import('./lib/load').Measurement} Measurement */
/** @typedef {import('./lib/app').Build} Build */

// ------------------------------------------------------------------------------------------------ configuration

/** @param {string} name @param {number} fallback @param {number} min */
function integerEnv(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || value < min) throw new Error(`${name} must be a whole number >= ${min}, got "${raw}"`);
  return value;
}

/** @param {string} name @param {boolean} fallback */
function booleanEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes)$/i.test(raw)) return true;
  if (/^(0|false|no)$/i.test(raw)) return false;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

function loadConfig() {
  const quick = booleanEnv('BENCH_QUICK', false);
  return {
    quick,
    seconds: integerEnv('BENCH_DURATION_SECONDS', quick ? 3 : 10, 1),
    warmupSeconds: integerEnv('BENCH_WARMUP_SECONDS', quick ? 1 : 2, 0),
    rounds: integerEnv('BENCH_ROUNDS', 3, 1),
    connections: integerEnv('BENCH_CONNECTIONS', 10, 1),
    skipGrowth: booleanEnv('BENCH_SKIP_GROWTH', quick),
    growthSmall: integerEnv('BENCH_GROWTH_SMALL', 1000, 1),
    growthLarge: integerEnv('BENCH_GROWTH_LARGE', 1_000_000, 1),
    passwordHashCost: integerEnv('BENCH_PASSWORD_HASH_COST', 15, 10),
    postgresUrl: process.env.BENCH_POSTGRES_URL || undefined,
    snapshot: booleanEnv('BENCH_SNAPSHOT', true),
    output: process.env.BENCH_OUTPUT || join(__dirname, 'results/latest.json'),
  };
}

/** @typedef {ReturnType<typeof loadConfig>} Config */
/** @typedef {'rps' | 'p50' | 'cpu'} Field */

const started = Date.now();
/** @param {string} line */
function log(line) {
  const elapsed = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  process.stderr.write(`[bench ${elapsed}s] ${line}\n`);
}

// --------------------------------------------------------------------------------------------------- cleanup

/** @type {(() => Promise<unknown> | unknown)[]} */
const cleanups = [];
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await stopAllChildren();
  for (const step of cleanups.reverse()) {
    try {
      await step();
    } catch (error) {
      log(`cleanup: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
  process.once(signal, () => {
    log(`${signal}: stopping every child process and removing the temporary databases`);
    cleanup().finally(() => process.exit(130));
  });
}

// ------------------------------------------------------------------------------------------------------ suite

/**
 * @typedef {object} Target
 * @property {string} name
 * @property {string} what
 * @property {Server[]} servers the processes whose CPU time the target's requests cost
 * @property {(seconds: number) => Promise<Measurement>} run
 * @property {boolean} [fixedAmount] measured as a fixed number of requests (see runAutocannon), not a duration
 */

/**
 * One full run on one kind of database.
 * @param {'sqlite' | 'postgres'} kind @param {Config} config @param {Build} built @param {MemorySampler} sampler
 */
async function runSuite(kind, config, built, sampler) {
  const workDir = mkdtempSync(join(os.tmpdir(), `oauth-bench-${kind}-`));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
  const { connections, passwordHashCost } = config;
  /** @type {BenchDatabase[]} */
  const databases = [];
  /** @param {string} label */
  const newDatabase = async (label) => {
    const db = kind === 'sqlite' ? createSqliteDatabase(label) : await createPostgresDatabase(/** @type {string} */ (config.postgresUrl), label);
    databases.push(db);
    cleanups.push(() => db.drop());
    return db;
  };
  /** @param {string} label @param {BenchDatabase} db @param {{ script?: string; env?: Record<string, string> }} [variant] */
  const api = async (label, db, variant = {}) => {
    const server = await startApi({ label: `${kind}:${label}`, built, databaseEnv: db.env, passwordHashCost, cwd: workDir, ...variant });
    sampler.watch(server.label, server.pid);
    return server;
  };

  const adapter = defaultAdapter(built);
  log(`[${kind}] starting the bare Nest app (${adapter}) and the reference app (PASSWORD_HASH_COST=${passwordHashCost})`);
  const bare = await startServer({
    label: `${kind}:bare`,
    script: join(__dirname, 'bare-app.js'),
    env: { ...baseEnv(built), HTTP_ADAPTER: adapter },
    cwd: workDir,
    readyPath: '/bare',
    logFile: join(workDir, 'bare.log'),
  });
  sampler.watch(bare.label, bare.pid);
  const mainDb = await newDatabase('main');
  const main = await api('main', mainDb);
  const serviceSecret = await createServiceClient({ built, databaseEnv: mainDb.env, passwordHashCost, cwd: workDir, id: 'bench_service' });

  log(`[${kind}] starting the peer (@node-oauth/oauth2-server, in-memory model) and the guard apps`);
  const peer = await startServer({
    label: `${kind}:peer`,
    script: join(__dirname, 'peer-app.js'),
    env: { ...baseEnv(built), PEER_SERVICE_SECRET: serviceSecret },
    cwd: workDir,
    readyPath: '/health',
    logFile: join(workDir, 'peer.log'),
  });
  sampler.watch(peer.label, peer.pid);
  /** @type {{ label: string; server: Server }[]} */
  const guardApps = [];
  for (const guardAdapter of /** @type {const} */ (['express', 'fastify'])) {
    for (const format of /** @type {const} */ (['opaque', 'jwt'])) {
      const label = `guard_${guardAdapter}_${format}`;
      const jwt = format === 'jwt' ? { OAUTH_ACCESS_TOKEN_FORMAT: 'jwt', OAUTH_JWT_KEY_FILE: join(workDir, `${label}-keys.json`) } : {};
      const server = await api(label, await newDatabase(label), {
        script: join(__dirname, 'guard-app.js'),
        env: { HTTP_ADAPTER: guardAdapter, ...jwt },
      });
      guardApps.push({ label, server });
    }
  }

  /** @type {{ label: string; grants: number; db: BenchDatabase; server: Server; seedSeconds: number }[]} */
  const growth = [];
  if (!config.skipGrowth) {
    for (const grants of [config.growthSmall, config.growthLarge]) {
      const label = countLabel(grants);
      const db = await newDatabase(label);
      // The app creates the schema (migrations) and the demo client and user; then, stopped, it gets the rows.
      const first = await api(label, db);
      await first.stop();
      log(`[${kind}] seeding ${grants.toLocaleString('en')} grants with a live access and refresh token each (${label})`);
      const seedStart = Date.now();
      await db.seedLiveTokens(grants, { clientId: DEMO.clientId, accessTtlSeconds: 43200, refreshTtlSeconds: 2592000 });
      const seedSeconds = (Date.now() - seedStart) / 1000;
      log(`[${kind}] seeded ${label} in ${seedSeconds.toFixed(1)} s`);
      growth.push({ label, grants, db, server: await api(label, db), seedSeconds });
    }
  }

  // Tokens: one access token per app for /me, and one refresh chain per worker.
  const basic = basicAuth(DEMO.clientId, DEMO.clientSecret);
  /** @param {Server} server */
  const login = (server) => passwordGrant({ tokenUrl: `${server.baseUrl}/oauth/token`, basic, username: DEMO.username, password: DEMO.password });
  /** @param {Server} server */
  const tokensFor = async (server) => {
    const bearer = (await login(server)).access_token;
    const chains = await Promise.all(Array.from({ length: connections }, async () => ({ refreshToken: (await login(server)).refresh_token })));
    return { bearer, chains };
  };
  log(`[${kind}] logging in: ${connections + 1} password grants per app`);
  const mainTokens = await tokensFor(main);
  const peerTokens = await tokensFor(peer);
  const growthTokens = await Promise.all(growth.map((entry) => tokensFor(entry.server)));
  const guardBearers = await Promise.all(guardApps.map(async (entry) => (await login(entry.server)).access_token));

  const verifySecret = loadVerifySecret(built);
  const storedHash = await storedPasswordHash(mainDb, DEMO.username);
  if (!(await verifySecret(DEMO.password, storedHash))) throw new Error('verifySecret refused the demo password against its stored hash');

  /** @param {Server} server @param {string} bearer */
  const me = (server, bearer) => (/** @type {number} */ seconds) =>
    runAutocannon({ url: `${server.baseUrl}/me`, connections, seconds, headers: { authorization: `Bearer ${bearer}` } });
  /** @param {Server} server @param {{ refreshToken: string }[]} chains */
  const refresh = (server, chains) => (/** @type {number} */ seconds) =>
    runRefreshLoop({ tokenUrl: `${server.baseUrl}/oauth/token`, basic, chains, seconds, login: async () => (await login(server)).refresh_token });
  const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  // Requests per round for the two scrypt-bound targets, the same on both sides; calibrated below.
  let slowAmount = connections;

  /** @type {Target[]} */
  const targets = [
    {
      name: 'bare',
      what: 'GET /bare, bare Nest app (autocannon)',
      servers: [bare],
      run: (seconds) => runAutocannon({ url: `${bare.baseUrl}/bare`, connections, seconds }),
    },
    { name: 'me', what: 'GET /me, Bearer token (autocannon)', servers: [main], run: me(main, mainTokens.bearer) },
    { name: 'peer_me', what: 'GET /me on the peer, Bearer token (autocannon)', servers: [peer], run: me(peer, peerTokens.bearer) },
    {
      name: 'bare_fetch',
      what: 'GET /bare, bare Nest app (fetch loop)',
      servers: [bare],
      run: (seconds) => runFetchGetLoop({ url: `${bare.baseUrl}/bare`, workers: connections, seconds }),
    },
    { name: 'refresh', what: 'refresh_token grant, chained (fetch loop)', servers: [main], run: refresh(main, mainTokens.chains) },
    { name: 'peer_refresh', what: 'refresh_token grant on the peer, chained (fetch loop)', servers: [peer], run: refresh(peer, peerTokens.chains) },
    {
      name: 'client_credentials',
      what: 'client_credentials grant (autocannon)',
      servers: [main],
      run: (seconds) =>
        runAutocannon({
          url: `${main.baseUrl}/oauth/token`,
          connections,
          seconds,
          method: 'POST',
          headers: { ...form, authorization: basicAuth('bench_service', serviceSecret) },
          body: 'grant_type=client_credentials&scope=read',
        }),
    },
    {
      name: 'peer_client_credentials',
      what: 'client_credentials grant on the peer (autocannon)',
      servers: [peer],
      run: (seconds) =>
        runAutocannon({
          url: `${peer.baseUrl}/oauth/token`,
          connections,
          seconds,
          method: 'POST',
          headers: { ...form, authorization: basicAuth('bench_service', serviceSecret) },
          body: 'grant_type=client_credentials&scope=read',
        }),
    },
    {
      name: 'hash_verify',
      what: `verifySecret(), stored scrypt hash (in-process, ${connections} concurrent)`,
      servers: [],
      fixedAmount: true,
      run: (seconds) =>
        runHashVerifyLoop({ verifySecret, secret: DEMO.password, stored: storedHash, workers: connections, seconds, amount: slowAmount }),
    },
    {
      name: 'password',
      what: 'password grant (autocannon)',
      servers: [main],
      fixedAmount: true,
      run: (seconds) =>
        runAutocannon({
          url: `${main.baseUrl}/oauth/token`,
          connections,
          seconds,
          amount: slowAmount,
          method: 'POST',
          headers: { ...form, authorization: basic },
          body: new URLSearchParams({ grant_type: 'password', username: DEMO.username, password: DEMO.password, scope: 'read write' }).toString(),
        }),
    },
  ];
  guardApps.forEach((entry, index) => {
    // The same header on both routes, so that the requests (and their log lines) differ only by the guard.
    const headers = { authorization: `Bearer ${guardBearers[index]}` };
    for (const route of ['open', 'guarded'])
      targets.push({
        name: `${entry.label}_${route}`,
        what: `GET /bench/${route}, ${entry.label.replace(/^guard_/, '').replace('_', ', ')} (autocannon)`,
        servers: [entry.server],
        run: (seconds) => runAutocannon({ url: `${entry.server.baseUrl}/bench/${route}`, connections, seconds, headers }),
      });
  });
  growth.forEach((entry, index) =>
    targets.push({
      name: `me_${entry.label}`,
      what: `GET /me, ${entry.grants.toLocaleString('en')} seeded grants (autocannon)`,
      servers: [entry.server],
      run: me(entry.server, growthTokens[index].bearer),
    }),
  );
  growth.forEach((entry, index) =>
    targets.push({
      name: `refresh_${entry.label}`,
      what: `refresh grant, ${entry.grants.toLocaleString('en')} seeded grants (fetch loop)`,
      servers: [entry.server],
      run: refresh(entry.server, growthTokens[index].chains),
    }),
  );

  const allServers = () => [bare, main, peer, ...guardApps.map((entry) => entry.server), ...growth.map((entry) => entry.server)];

  /** @param {Target} target @param {number} seconds */
  const measure = async (target, seconds) => {
    await waitUntilIdle(allServers().map((server) => server.pid));
    const serverCpuBefore = target.servers.map((server) => readProc(server.pid)?.cpuMs ?? NaN);
    const ownPids = [process.pid, ...allServers().map((server) => server.pid)];
    const ownCpuBefore = ownPids.map((pid) => readProc(pid)?.cpuMs ?? 0);
    const machineBefore = readMachineBusyMs();
    const clientBefore = process.cpuUsage();
    const wallStart = Date.now();
    const result = await target.run(seconds);
    const wallMs = Date.now() - wallStart;
    const client = process.cpuUsage(clientBefore);
    const serverCpuMs = target.servers.reduce((sum, server, index) => sum + ((readProc(server.pid)?.cpuMs ?? NaN) - serverCpuBefore[index]), 0);
    const ownCpuMs = ownPids.reduce((sum, pid, index) => sum + ((readProc(pid)?.cpuMs ?? 0) - ownCpuBefore[index]), 0);
    const otherCores = (readMachineBusyMs() - machineBefore - ownCpuMs) / wallMs;
    const clientCpuMs = (client.user + client.system) / 1000;
    // CPU time per request, all threads: of the app serving it, or of this process for the in-process hash loop.
    const cpuMs = target.servers.length > 0 ? serverCpuMs : clientCpuMs;
    return {
      ...result,
      cpuMsPerRequest: result.ok > 0 ? cpuMs / result.ok : NaN,
      serverCores: target.servers.length > 0 ? serverCpuMs / wallMs : NaN,
      clientCores: clientCpuMs / wallMs,
      otherCores: Math.max(0, otherCores),
    };
  };

  if (config.warmupSeconds > 0) {
    log(`[${kind}] warm-up: ${config.warmupSeconds} s per target`);
    // The password grant was warmed up by the logins above.
    for (const target of targets.filter((target) => !target.fixedAmount)) await measure(target, config.warmupSeconds);
  }
  // The scrypt-bound pair does a fixed number of requests per round (see runAutocannon): about
  // BENCH_DURATION_SECONDS' worth at the raw hash rate, and at least one per connection.
  const calibration = await measure(/** @type {Target} */ (targets.find((target) => target.name === 'hash_verify')), 0);
  slowAmount = Math.max(connections, Math.round(calibration.rps * config.seconds));
  log(`[${kind}] raw hash verify: ${calibration.rps.toFixed(2)}/s; password grant and hash verify do ${slowAmount} each per round`);

  // Resident memory is reported for the measured rounds (the logins' scrypt peaks, 128 × 2^cost × 8 bytes per hash, before them).
  sampler.resetMaximum();
  /** @type {any[]} */
  const measurements = [];
  const shift = Math.ceil(targets.length / config.rounds);
  for (let roundIndex = 0; roundIndex < config.rounds; roundIndex++) {
    const offset = (roundIndex * shift) % targets.length;
    const order = [...targets.slice(offset), ...targets.slice(0, offset)];
    log(`[${kind}] round ${roundIndex + 1}/${config.rounds}: ${order.map((target) => target.name).join(', ')}`);
    for (const target of order) {
      const result = await measure(target, config.seconds);
      measurements.push({ round: roundIndex + 1, target: target.name, ...result });
      const warn = result.failed > 0 ? `  (${result.failed} FAILED)` : '';
      log(
        `  ${target.name.padEnd(19)} ${result.rps.toFixed(1).padStart(9)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms${warn}`,
      );
    }
  }

  // Memory: a last sample (and the kernel's high-water mark) of each app before it stops.
  for (const server of allServers()) sampler.unwatch(server.label);
  const memoryReport = sampler.report();
  const memory = Object.fromEntries(allServers().map((server) => [server.label, memoryReport[server.label]]));
  const [smallApp, largeApp] = growth.map((entry) => memoryReport[entry.server.label]);
  /** @type {Record<string, Record<string, number>>} */
  const rows = {};
  for (const db of databases) rows[db.label] = await countRows(db);
  await Promise.all(allServers().map((server) => server.stop()));

  return {
    database: kind,
    targets: Object.fromEntries(targets.map((target) => [target.name, target.what])),
    growth: growth.map((entry) => ({ label: entry.label, seededGrants: entry.grants, seedSeconds: round(entry.seedSeconds, 1) })),
    scryptBoundRequestsPerRound: slowAmount,
    rowsAtEnd: rows,
    measurements: measurements.map(roundMeasurement),
    summary: summarize(
      targets.map((target) => target.name),
      measurements,
    ),
    adapter,
    ratios: ratios(
      measurements,
      config.rounds,
      growth.map((entry) => entry.label),
      guardApps.map((entry) => entry.label),
    ),
    memory,
    ...(smallApp && largeApp
      ? {
          memoryGrowth: {
            maxRssDuringRounds: round(largeApp.maxRssMiB / smallApp.maxRssMiB, 3),
            rssAtStart: round(largeApp.startRssMiB / smallApp.startRssMiB, 3),
          },
        }
      : {}),
  };
}

/** 1000 -> "1k", 1000000 -> "1M", 20000 -> "20k". @param {number} count */
function countLabel(count) {
  if (count >= 1e6 && count % 1e6 === 0) return `${count / 1e6}M`;
  if (count >= 1e3 && count % 1e3 === 0) return `${count / 1e3}k`;
  return String(count);
}

/** @param {Record<string, any>} measurement */
function roundMeasurement(measurement) {
  return Object.fromEntries(Object.entries(measurement).map(([key, value]) => [key, typeof value === 'number' ? round(value, 3) : value]));
}

/** @param {string[]} names @param {any[]} measurements */
function summarize(names, measurements) {
  /** @type {Record<string, any>} */
  const summary = {};
  for (const name of names) {
    const runs = measurements.filter((measurement) => measurement.target === name);
    const rps = runs.map((run) => run.rps);
    summary[name] = {
      rps: round(median(rps), 1),
      rpsMin: round(Math.min(...rps), 1),
      rpsMax: round(Math.max(...rps), 1),
      p50: round(median(runs.map((run) => run.p50)), 2),
      p99: round(median(runs.map((run) => run.p99)), 2),
      cpuMsPerRequest: round(median(runs.map((run) => run.cpuMsPerRequest)), 3),
      serverCores: round(median(runs.map((run) => run.serverCores)), 2),
      clientCores: round(median(runs.map((run) => run.clientCores)), 2),
      otherCores: round(median(runs.map((run) => run.otherCores)), 2),
      requests: runs.reduce((sum, run) => sum + run.ok, 0),
      failed: runs.reduce((sum, run) => sum + run.failed, 0),
    };
  }
  return summary;
}

/**
 * The compared pairs: [label, numerator target, denominator target, compared field]. `cpu` compares the CPU
 * time per request the other way round (denominator's ÷ numerator's): the throughput ratio the two would show
 * with the same CPU to spend, which other tenants of a shared machine disturb far less than requests/s.
 * @param {string[]} growth the growth labels, smaller first
 * @param {string[]} guards the guard apps' labels
 * @returns {[string, string, string, Field][]}
 */
function comparedPairs(growth, guards) {
  /** @type {[string, string, string, Field][]} */
  const pairs = [
    ['/me ÷ peer /me', 'me', 'peer_me', 'rps'],
    ['refresh ÷ peer refresh (same fetch loop)', 'refresh', 'peer_refresh', 'rps'],
    ['client_credentials ÷ peer client_credentials', 'client_credentials', 'peer_client_credentials', 'rps'],
    ['/me ÷ peer /me, by CPU per request', 'me', 'peer_me', 'cpu'],
    ['refresh ÷ peer refresh, by CPU per request', 'refresh', 'peer_refresh', 'cpu'],
    ['client_credentials ÷ peer, by CPU per request', 'client_credentials', 'peer_client_credentials', 'cpu'],
    ...guards.flatMap((label) => {
      const name = label.replace(/^guard_/, '').replace('_', ' ');
      return /** @type {[string, string, string, Field][]} */ ([
        [`guard overhead, ${name}: guarded ÷ open`, `${label}_guarded`, `${label}_open`, 'rps'],
        [`guard overhead, ${name}: guarded ÷ open, by CPU per request`, `${label}_guarded`, `${label}_open`, 'cpu'],
      ]);
    }),
    ['/me ÷ bare', 'me', 'bare', 'rps'],
    ['refresh ÷ bare (same fetch loop)', 'refresh', 'bare_fetch', 'rps'],
    ['refresh ÷ bare (autocannon)', 'refresh', 'bare', 'rps'],
    ['client_credentials ÷ bare', 'client_credentials', 'bare', 'rps'],
    ['password ÷ raw hash verify', 'password', 'hash_verify', 'rps'],
    ['/me ÷ bare, by CPU per request', 'me', 'bare', 'cpu'],
    ['refresh ÷ bare, by CPU per request', 'refresh', 'bare', 'cpu'],
    ['client_credentials ÷ bare, by CPU per request', 'client_credentials', 'bare', 'cpu'],
    ['password ÷ raw hash verify, by CPU per request', 'password', 'hash_verify', 'cpu'],
  ];
  if (growth.length === 2) {
    const [small, large] = growth;
    pairs.push(
      [`growth: /me ${large} ÷ ${small}, req/s`, `me_${large}`, `me_${small}`, 'rps'],
      [`growth: /me ${large} ÷ ${small}, p50 latency`, `me_${large}`, `me_${small}`, 'p50'],
      [`growth: refresh ${large} ÷ ${small}, req/s`, `refresh_${large}`, `refresh_${small}`, 'rps'],
      [`growth: refresh ${large} ÷ ${small}, p50 latency`, `refresh_${large}`, `refresh_${small}`, 'p50'],
      [`growth: /me ${large} ÷ ${small}, by CPU per request`, `me_${large}`, `me_${small}`, 'cpu'],
      [`growth: refresh ${large} ÷ ${small}, by CPU per request`, `refresh_${large}`, `refresh_${small}`, 'cpu'],
    );
  }
  return pairs;
}

/**
 * Each ratio per round (both sides measured in the same round), then the median over rounds.
 * @param {any[]} measurements @param {number} rounds @param {string[]} growth @param {string[]} guards
 */
function ratios(measurements, rounds, growth, guards) {
  /** @type {Record<string, { median: number; min: number; max: number }>} */
  const out = {};
  for (const [label, numerator, denominator, field] of comparedPairs(growth, guards)) {
    /** @type {number[]} */
    const perRound = [];
    for (let roundIndex = 1; roundIndex <= rounds; roundIndex++) {
      const top = measurements.find((measurement) => measurement.round === roundIndex && measurement.target === numerator);
      const bottom = measurements.find((measurement) => measurement.round === roundIndex && measurement.target === denominator);
      if (!top || !bottom) continue;
      const ratio = field === 'cpu' ? bottom.cpuMsPerRequest / top.cpuMsPerRequest : top[field] / bottom[field];
      if (Number.isFinite(ratio) && ratio > 0) perRound.push(ratio);
    }
    if (perRound.length > 0)
      out[label] = { median: round(median(perRound), 4), min: round(Math.min(...perRound), 4), max: round(Math.max(...perRound), 4) };
  }
  return out;
}

// ----------------------------------------------------------------------------------------------------- report

/** @param {any} suite */
function printSuite(suite) {
  const lines = [];
  lines.push(`\n### ${suite.database} (reference app and bare app on ${suite.adapter})\n`);
  lines.push('| target | what | req/s (median) | min – max | p50 ms | p99 ms | CPU ms/req | server cores | other load (cores) | failed |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, s] of Object.entries(suite.summary)) {
    const cores = Number.isFinite(s.serverCores) ? s.serverCores : '–';
    lines.push(
      `| ${name} | ${suite.targets[name]} | ${s.rps} | ${s.rpsMin} – ${s.rpsMax} | ${s.p50} | ${s.p99} | ${s.cpuMsPerRequest} | ${cores} | ${s.otherCores} | ${s.failed} |`,
    );
  }
  lines.push('\nCPU ms/req: CPU time (all threads) of the app per request; for hash_verify, of this process per verify.');
  lines.push(
    "Other load: cores busy with processes other than the benchmark's during the measurement (2 = all of a 2-core machine;" +
      " on PostgreSQL it includes the database server's own work).",
  );
  lines.push('\n| ratio | median | min – max over rounds |');
  lines.push('| --- | ---: | ---: |');
  for (const [label, r] of Object.entries(suite.ratios))
    lines.push(`| ${label} | ${r.median.toFixed(3)} | ${r.min.toFixed(3)} – ${r.max.toFixed(3)} |`);
  lines.push('\n| process | RSS at start (MiB) | max RSS during the rounds (MiB) | peak RSS over its life, VmHWM (MiB) |');
  lines.push('| --- | ---: | ---: | ---: |');
  for (const [label, m] of Object.entries(suite.memory)) lines.push(`| ${label} | ${m.startRssMiB} | ${m.maxRssMiB} | ${m.peakRssMiB} |`);
  lines.push('\nThe password grant hashes with scrypt (32 MiB a hash at cost 15), at most PASSWORD_HASH_CONCURRENCY (the number of cores) at once.');
  if (suite.memoryGrowth) {
    const [small, large] = suite.growth.map((/** @type {{ label: string }} */ entry) => entry.label);
    lines.push(
      `Growth, RSS ${large} ÷ ${small}: ${suite.memoryGrowth.maxRssDuringRounds} (max during the rounds), ${suite.memoryGrowth.rssAtStart} (at start)`,
    );
  }
  const rows = Object.entries(suite.rowsAtEnd).map(([db, counts]) => `${db}: ${Object.values(counts).join(' / ')}`);
  lines.push(`\nRows at the end (grants / access tokens / refresh tokens): ${rows.join('; ')}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** The commit measured, and whether the working tree differed from it (read-only git commands). */
function gitState() {
  const git = (/** @type {string[]} */ ...args) =>
    execFileSync('git', ['--no-optional-locks', ...args], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    const commit = git('rev-parse', 'HEAD');
    let dirty = false;
    try {
      git('diff', '--quiet', 'HEAD');
    } catch {
      dirty = true;
    }
    return { commit, uncommittedChanges: dirty };
  } catch {
    return { commit: null, uncommittedChanges: null };
  }
}

// ------------------------------------------------------------------------------------------------------- main

async function main() {
  if (process.argv.includes('--profile')) {
    await require('./lib/profile').runProfile({ log, cleanups });
    return;
  }
  const config = loadConfig();
  if (config.rounds < 3) log(`BENCH_ROUNDS=${config.rounds}: fewer than 3 rounds, medians mean little`);
  log(
    `${config.rounds} rounds x ${config.seconds} s per target, ${config.connections} connections` +
      (config.skipGrowth
        ? ', no growth runs'
        : `, growth ${config.growthSmall.toLocaleString('en')} vs ${config.growthLarge.toLocaleString('en')} grants`) +
      (config.postgresUrl ? ', sqlite then PostgreSQL' : ', sqlite only (set BENCH_POSTGRES_URL for PostgreSQL)'),
  );
  const built = await prepareBuild({ snapshot: config.snapshot, log });
  cleanups.push(() => built.remove());
  const sampler = new MemorySampler(200);
  cleanups.push(() => sampler.stop());

  const startedAt = new Date();
  const loadBefore = os.loadavg();
  const suites = [];
  for (const kind of /** @type {const} */ (['sqlite', 'postgres'])) {
    if (kind === 'postgres' && !config.postgresUrl) continue;
    suites.push(await runSuite(kind, config, built, sampler));
  }
  const cpus = os.cpus();
  const result = {
    benchmark: 'npm run bench',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    wallSeconds: round((Date.now() - started) / 1000, 1),
    machine: {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model,
      memoryGiB: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${os.platform()} ${os.release()}`,
      loadAverageBefore: loadBefore.map((value) => round(value, 2)),
      loadAverageAfter: os.loadavg().map((value) => round(value, 2)),
      uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE || 4),
    },
    config: {
      ...config,
      postgresUrl: config.postgresUrl ? config.postgresUrl.replace(/\/\/[^@/]*@/, '//…@') : undefined,
      output: relative(REPO, config.output),
    },
    // What the app processes were started with, besides the database and the port.
    appEnvironment: Object.fromEntries(
      Object.entries(apiEnv(built, {}, config)).filter(([name]) => /^(PASSWORD_HASH_|HTTP_ADAPTER|LOG_LEVEL|OAUTH_|UV_THREADPOOL_SIZE)/.test(name)),
    ),
    source: gitState(),
    suites,
  };
  for (const suite of suites) printSuite(suite);
  mkdirSync(dirname(config.output), { recursive: true });
  writeFileSync(config.output, `${JSON.stringify(result, null, 2)}\n`);
  log(`results written to ${relative(process.cwd(), config.output)}; total ${result.wallSeconds} s`);
}

main()
  .catch((error) => {
    process.exitCode = 1;
    log(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  })
  .finally(() => cleanup());
