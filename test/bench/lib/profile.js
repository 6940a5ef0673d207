// @ts-check
'use strict';

/**
 * `npm run bench -- --profile`: where the app's main thread spends its time under the /me and the refresh
 * loads. Each load gets its own app process, started with `node --cpu-prof` on a fresh sqlite file; the profile
 * is written to a temporary directory (kept, and printed) when the app exits, and summarised for the load window
 * only (start-up, logins and shutdown excluded). The summary goes to test/bench/results/profile-latest.json.
 *
 *   BENCH_PROFILE_SECONDS [20]  BENCH_CONNECTIONS [10]  BENCH_PASSWORD_HASH_COST [15]
 */

const { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const os = require('node:os');
const { join, relative } = require('node:path');
const { formatSummary, summarizeProfile } = require('../cpuprofile-summary');
const { DEMO, REPO, loadVerifySecret, prepareBuild, startApi } = require('./app');
const { createSqliteDatabase } = require('./database');
const { basicAuth, passwordGrant, runAutocannon, runRefreshLoop } = require('./load');
const { readProc } = require('./processes');

/** Microseconds on CLOCK_MONOTONIC, the clock of V8's profile timestamps. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** @param {{ log: (line: string) => void; cleanups: (() => unknown)[] }} context */
async function runProfile({ log, cleanups }) {
  const seconds = Number(process.env.BENCH_PROFILE_SECONDS || 20);
  const connections = Number(process.env.BENCH_CONNECTIONS || 10);
  const passwordHashCost = Number(process.env.BENCH_PASSWORD_HASH_COST || 15);
  const built = await prepareBuild({ snapshot: process.env.BENCH_SNAPSHOT !== '0', log });
  cleanups.push(() => built.remove());
  loadVerifySecret(built); // the build is complete enough to run
  const profileDir = mkdtempSync(join(os.tmpdir(), 'oauth-bench-profile-'));
  const workDir = mkdtempSync(join(os.tmpdir(), 'oauth-bench-profile-work-'));
  cleanups.push(() => rmSync(workDir, { recursive: true, force: true }));
  const basic = basicAuth(DEMO.clientId, DEMO.clientSecret);

  /** @type {Record<string, any>} */
  const summaries = {};
  for (const load of /** @type {const} */ (['me', 'refresh'])) {
    const db = createSqliteDatabase(`profile-${load}`);
    cleanups.push(() => db.drop());
    const server = await startApi({
      label: `profile:${load}`,
      built,
      databaseEnv: db.env,
      passwordHashCost,
      cwd: workDir,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${load}.cpuprofile`, '-r', join(__dirname, '../exit-on-signal.js')],
    });
    const tokenUrl = `${server.baseUrl}/oauth/token`;
    const login = () => passwordGrant({ tokenUrl, basic, username: DEMO.username, password: DEMO.password });
    const bearer = (await login()).access_token;
    const chains = await Promise.all(Array.from({ length: connections }, async () => ({ refreshToken: (await login()).refresh_token })));
    const run = (/** @type {number} */ duration) =>
      load === 'me'
        ? runAutocannon({ url: `${server.baseUrl}/me`, connections, seconds: duration, headers: { authorization: `Bearer ${bearer}` } })
        : runRefreshLoop({ tokenUrl, basic, chains, seconds: duration, login: async () => (await login()).refresh_token });

    log(`profiling ${load}: 2 s warm-up, then ${seconds} s of load`);
    await run(2);
    const cpuBefore = readProc(server.pid)?.cpuMs ?? NaN;
    const fromUs = nowUs();
    const result = await run(seconds);
    const toUs = nowUs();
    const cpuMs = (readProc(server.pid)?.cpuMs ?? NaN) - cpuBefore;
    await server.stop();
    const file = join(profileDir, `${load}.cpuprofile`);
    const profile = JSON.parse(readFileSync(file, 'utf8'));
    // If the clocks did not line up, fall back to the whole profile rather than an empty window.
    const inWindow = profile.startTime <= toUs && profile.endTime >= fromUs;
    const summary = summarizeProfile(profile, inWindow ? { fromUs, toUs } : {});
    summaries[load] = {
      profile: file,
      window: inWindow ? 'load phase only' : 'whole process (clock mismatch)',
      load: { rps: Math.round(result.rps), p50: result.p50, p99: result.p99, failed: result.failed },
      appCpuMsPerRequest: Math.round((1000 * cpuMs) / result.ok) / 1000,
      ...summary,
    };
    const title = `${load === 'me' ? 'GET /me' : 'refresh grant'} under load: ${Math.round(result.rps)} req/s, app CPU ${summaries[load].appCpuMsPerRequest} ms/request (all threads); ${file}`;
    process.stdout.write(`${formatSummary(summary, title)}\n`);
  }
  const output = join(__dirname, '../results/profile-latest.json');
  mkdirSync(join(__dirname, '../results'), { recursive: true });
  writeFileSync(output, `${JSON.stringify({ profiledAt: new Date().toISOString(), seconds, connections, passwordHashCost, summaries }, null, 2)}\n`);
  log(`profiles kept in ${profileDir}; summary in ${relative(REPO, output)}`);
}

module.exports = { runProfile };
