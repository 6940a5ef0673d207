import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import { DEMO, TEST_HTTP_ADAPTER } from './support/test-app';

/**
 * Crash safety: the production build, as `node main.js` runs it, is killed with SIGKILL in the middle of a load
 * of password grants and refreshes, then started again on the same sqlite file. Every token the first process
 * answered 200 for must have been committed before that answer: each access token still opens GET /me, the last
 * refresh token of each chain still refreshes, and the database file is intact.
 */

jest.setTimeout(180_000);

const ROOT = resolve(__dirname, '..');
/** How long the load runs at least before the kill. */
const LOAD_MS = 2_000;
const CONCURRENT_LOOPS = 6;
/** Refreshes per chain before a loop starts a new chain with a password grant. */
const REFRESHES_PER_CHAIN = 4;

interface Chain {
  id: number;
  /** Every access token the server answered 200 for in this chain, oldest first. */
  accessTokens: string[];
  /** The refresh token of the last 200 answer. */
  latestRefresh?: string;
  /** A request of this chain was on the wire when the process died: its outcome is unknown. */
  interrupted: boolean;
}

interface Server {
  child: ChildProcess;
  port: number;
  base: string;
  output: string[];
}

/**
 * Compiles the app and the library into a private directory, with the same compiler and settings `nest build`
 * uses, so the test neither races other work on dist/ nor depends on it being fresh. Type errors elsewhere in the
 * tree do not stop the emit (`noCheck`); a broken program shows up as a process that does not start.
 */
function buildApp(outDir: string): { main: string; alias: string; log: string } {
  const tsconfig = join(outDir, 'tsconfig.build.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: join(ROOT, 'tsconfig.json'),
      compilerOptions: {
        outDir: join(outDir, 'out'),
        rootDir: ROOT,
        declaration: false,
        sourceMap: false,
        incremental: false,
        noCheck: true,
        typeRoots: [join(ROOT, 'node_modules/@types')],
        types: ['node'],
      },
      include: [join(ROOT, 'apps/api/src/**/*'), join(ROOT, 'libs/oauth/src/**/*')],
      exclude: [join(ROOT, '**/*.spec.ts'), join(ROOT, 'node_modules'), join(ROOT, 'dist')],
    }),
  );
  let log = '';
  try {
    log = execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { cwd: ROOT, encoding: 'utf8' });
  } catch (error) {
    log = String((error as { stdout?: string }).stdout ?? error);
  }
  // `nest build` rewrites the "@nest-oauth/server" path alias at compile time; plain tsc does not, so the child resolves
  // it at run time to the compiled library instead.
  const alias = join(outDir, 'out', 'alias.js');
  writeFileSync(
    alias,
    `const Module = require('module');
const path = require('path');
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === '@nest-oauth/server' || request.startsWith('@nest-oauth/server/')) request = path.join(__dirname, 'libs/oauth/src', request.slice('@nest-oauth/server'.length));
  return original.call(this, request, ...rest);
};
`,
  );
  return { main: join(outDir, 'out', 'apps/api/src/main.js'), alias, log };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Resolves when the child has exited, or after `ms` (false), leaving no timer behind. */
async function exitedWithin(child: ChildProcess, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => {
    timer = setTimeout(() => r(false), ms);
  });
  const done = await Promise.race([exited(child).then(() => true as const), timeout]);
  clearTimeout(timer);
  return done;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

describe('crash safety: SIGKILL under load loses no token that was answered 200', () => {
  let dir: string;
  let dbFile: string;
  let build: ReturnType<typeof buildApp>;
  const started: ChildProcess[] = [];

  async function startServer(): Promise<Server> {
    const port = await freePort();
    const output: string[] = [];
    const child = spawn(process.execPath, ['-r', build.alias, build.main], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        // The compiled output lives outside the repository; its bare imports resolve from the repository's modules.
        NODE_PATH: join(ROOT, 'node_modules'),
        PORT: String(port),
        DATABASE_URL: `sqlite:${dbFile}`,
        PASSWORD_HASH_COST: '10',
        // Every request comes from 127.0.0.1: the per-IP limit would turn the load into 429s.
        OAUTH_TOKEN_RATE_LIMIT: '0',
        HTTP_ADAPTER: TEST_HTTP_ADAPTER,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) break;
      try {
        const health = await fetch(`${base}/health`);
        if (health.status === 200) return { child, port, base, output };
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    child.kill('SIGKILL');
    throw new Error(
      `the app did not answer GET /health (exit ${child.exitCode ?? child.signalCode})\n${output.join('').slice(-3000)}\ntsc:\n${build.log.slice(-2000)}`,
    );
  }

  const tokenRequest = (base: string, body: Record<string, string>) =>
    fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: DEMO.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body).toString(),
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'oauth-crash-'));
    dbFile = join(dir, 'api.sqlite');
    build = buildApp(dir);
    if (!existsSync(build.main)) throw new Error(`the build produced no ${build.main}:\n${build.log.slice(-3000)}`);
  });

  afterAll(async () => {
    for (const child of started) {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGKILL');
        await exited(child);
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every token answered before the kill, and the database intact', async () => {
    // --- First life: load, then SIGKILL mid-load. ---
    const first = await startServer();
    const chains: Chain[] = [];
    /** Answers that are neither 200 nor a dropped connection: for the report, and a defect if 5xx. */
    const unexpected: string[] = [];
    let killed = false;

    const loop = async () => {
      while (!killed) {
        const chain: Chain = { id: chains.length, accessTokens: [], interrupted: false };
        chains.push(chain);
        for (let step = 0; step <= REFRESHES_PER_CHAIN && !killed; step++) {
          const body: Record<string, string> =
            step === 0 || !chain.latestRefresh
              ? { grant_type: 'password', username: DEMO.username, password: DEMO.password }
              : { grant_type: 'refresh_token', refresh_token: chain.latestRefresh };
          let response: Response;
          let json: Record<string, string>;
          try {
            response = await tokenRequest(first.base, body);
            json = (await response.json()) as Record<string, string>;
          } catch {
            // The process died with this request on the wire (or before it reached the server).
            chain.interrupted = true;
            return;
          }
          if (response.status === 200) {
            chain.accessTokens.push(json.access_token);
            chain.latestRefresh = json.refresh_token;
          } else {
            unexpected.push(`${body.grant_type} in chain ${chain.id}: ${response.status} ${JSON.stringify(json)}`);
            break;
          }
        }
      }
    };

    const loops = Array.from({ length: CONCURRENT_LOOPS }, () => loop());
    // The kill comes after LOAD_MS of load and, on a slow machine, only once the load has issued enough tokens to
    // make the check below meaningful (bounded by a minute): how fast the machine is never decides the outcome.
    const issuedSoFar = () => chains.reduce((count, chain) => count + chain.accessTokens.length, 0);
    const loadDeadline = Date.now() + 60_000;
    await sleep(LOAD_MS);
    while ((issuedSoFar() < 30 || !chains.some((chain) => chain.accessTokens.length > 1)) && unexpected.length === 0 && Date.now() < loadDeadline) {
      await sleep(50);
    }
    killed = true;
    first.child.kill('SIGKILL');
    await exited(first.child);
    await Promise.all(loops);
    expect(first.child.signalCode).toBe('SIGKILL');

    const issued = chains.flatMap((chain) => chain.accessTokens.map((accessToken, index) => ({ chain, index, accessToken })));
    // Not vacuous: the load did issue tokens, and refreshed some of them.
    expect(issued.length).toBeGreaterThanOrEqual(30);
    expect(chains.some((chain) => chain.accessTokens.length > 1)).toBe(true);

    // --- Second life: same database file, new process. ---
    const second = await startServer();

    // Every access token answered 200 before the kill still opens /me.
    const lostAccess: string[] = [];
    for (let i = 0; i < issued.length; i += 8) {
      await Promise.all(
        issued.slice(i, i + 8).map(async ({ chain, index, accessToken }) => {
          const me = await fetch(`${second.base}/me`, { headers: { Authorization: `Bearer ${accessToken}` } });
          if (me.status !== 200)
            lostAccess.push(
              `chain ${chain.id} token #${index}${chain.interrupted ? ' (chain interrupted by the kill)' : ''}: GET /me ${me.status} ${await me.text()}`,
            );
          else await me.arrayBuffer();
        }),
      );
    }

    // The latest refresh token of each chain still refreshes. A chain whose request was on the wire at the kill
    // is left out: if that request was a refresh the server may have committed, its latest known refresh token
    // is spent, and presenting it again would rightly revoke the family.
    const settled = chains.filter((chain) => !chain.interrupted && chain.latestRefresh);
    const lostRefresh: string[] = [];
    for (const chain of settled) {
      const refreshed = await tokenRequest(second.base, { grant_type: 'refresh_token', refresh_token: chain.latestRefresh! });
      const text = await refreshed.text();
      if (refreshed.status !== 200) lostRefresh.push(`chain ${chain.id} (${chain.accessTokens.length} answers): refresh ${refreshed.status} ${text}`);
    }
    expect(settled.length).toBeGreaterThan(0);

    // Stop the second process cleanly, then check the file.
    second.child.kill('SIGTERM');
    if (!(await exitedWithin(second.child, 15_000))) {
      second.child.kill('SIGKILL');
      await exited(second.child);
    }
    const integrity = await new Promise<string[]>((resolveRows, reject) => {
      const db = new sqlite3.Database(dbFile, (openError) => {
        if (openError) return reject(openError);
        db.all<{ integrity_check: string }>('PRAGMA integrity_check', (error, rows) => {
          db.close();
          if (error) reject(error);
          else resolveRows(rows.map((row) => row.integrity_check));
        });
      });
    });

    expect({ lostAccess, lostRefresh }).toEqual({ lostAccess: [], lostRefresh: [] });
    expect(integrity).toEqual(['ok']);
    // A 5xx under load is a defect of its own (a 4xx would be one of the test's making).
    expect(unexpected).toEqual([]);
  });
});
