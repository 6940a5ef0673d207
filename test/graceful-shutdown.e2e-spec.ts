import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { startAppProcess, type AppProcess } from './support/app-process';
import { DEMO } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Graceful shutdown: SIGTERM in the middle of a steady load of GET /me and refresh grants. Every request the server
 * accepted is answered 200, the process exits 0 soon after (without waiting out keep-alive timeouts), and every
 * refresh token answered 200 still refreshes after a restart on the same database.
 *
 * Which requests the server accepted: each carries `Expect: 100-continue`, which Node's HTTP server answers with
 * `100 Continue` as soon as it has read the request's head and handed it to the app. A request that got its 100
 * was accepted and must get its answer; one that did not may fail, as a request sent to a closing server can.
 */

jest.setTimeout(180_000);

const ME_LOOPS = 3;
const REFRESH_LOOPS = 3;
const LOAD_MS = 1_500;
/** Far below Node's 5 s keep-alive timeout, which a shutdown that waits for idle connections would sit out. */
const EXIT_WITHIN_MS = 4_000;

/** How long the test waits for the exit at all, so that a shutdown that never ends fails the test instead of hanging it. */
const GIVE_UP_MS = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Exit = { code: number | null; signal: NodeJS.Signals | null } | 'still running';

/** How the app exited, or 'still running' (then killed) if it had not within GIVE_UP_MS. */
async function exitOf(app: AppProcess): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    new Promise<Exit>((resolve) => app.child.once('exit', (code, signal) => resolve({ code, signal }))),
    new Promise<Exit>((resolve) => (timer = setTimeout(() => resolve('still running'), GIVE_UP_MS))),
  ]);
  clearTimeout(timer);
  if (exit === 'still running') await app.stop('SIGKILL');
  return exit;
}

interface Outcome {
  what: string;
  /** When the 100 Continue arrived: the server had the request. */
  acceptedAt?: number;
  answeredAt?: number;
  status?: number;
  body?: string;
  error?: string;
}

describe('graceful shutdown on SIGTERM', () => {
  let database: TestDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL');
    await database.drop();
  });

  const start = async (env: Record<string, string> = {}) => {
    const app = await startAppProcess({ ...database.env, ...env });
    apps.push(app);
    return app;
  };

  /** Requests sent and not yet settled. */
  const live = new Set<Outcome>();

  /** One request with `Expect: 100-continue`, over `agent`'s keep-alive connections. */
  function send(
    agent: Agent,
    baseUrl: string,
    what: string,
    options: { method: string; path: string; headers: Record<string, string>; body?: string },
  ): Promise<Outcome> {
    const outcome: Outcome = { what };
    live.add(outcome);
    return new Promise<Outcome>((settle) => {
      const resolve = (settled: Outcome) => {
        live.delete(outcome);
        settle(settled);
      };
      const request = httpRequest(`${baseUrl}${options.path}`, {
        agent,
        method: options.method,
        headers: {
          ...options.headers,
          Expect: '100-continue',
          ...(options.body ? { 'Content-Length': String(Buffer.byteLength(options.body)) } : {}),
        },
      });
      request.on('continue', () => {
        outcome.acceptedAt = Date.now();
        request.end(options.body);
      });
      request.on('response', (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          outcome.answeredAt = Date.now();
          outcome.status = response.statusCode;
          outcome.body = body;
          resolve(outcome);
        });
        response.on('error', (error) => resolve(Object.assign(outcome, { error: error.message })));
      });
      request.on('error', (error) => resolve(Object.assign(outcome, { error: (error as NodeJS.ErrnoException).code ?? error.message })));
      request.flushHeaders();
    });
  }

  const tokenRequest = (fields: Record<string, string>) => ({
    method: 'POST',
    path: '/oauth/token',
    headers: { Authorization: DEMO.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const passwordFields = { grant_type: 'password', username: DEMO.username, password: DEMO.password };

  it('answers every accepted request, exits 0 at once, and keeps every refresh token answered 200', async () => {
    const app = await start();
    const agent = new Agent({ keepAlive: true, maxSockets: ME_LOOPS + REFRESH_LOOPS });
    const outcomes: Outcome[] = [];
    const latestRefresh: string[] = [];
    const accessTokens: string[] = [];
    let signalled = false;

    const first = await send(agent, app.baseUrl, 'password grant', tokenRequest(passwordFields));
    expect(first.status).toBe(200);
    const meToken = JSON.parse(first.body!).access_token as string;

    // Each loop runs until its request fails after the signal: the server is gone for it.
    const meLoop = async () => {
      for (;;) {
        const outcome = await send(agent, app.baseUrl, 'GET /me', { method: 'GET', path: '/me', headers: { Authorization: `Bearer ${meToken}` } });
        outcomes.push(outcome);
        if (outcome.status === undefined && signalled) return;
      }
    };
    const refreshLoop = async (chain: number) => {
      const grant = await send(agent, app.baseUrl, 'password grant', tokenRequest(passwordFields));
      outcomes.push(grant);
      latestRefresh[chain] = JSON.parse(grant.body!).refresh_token;
      for (;;) {
        const outcome = await send(
          agent,
          app.baseUrl,
          'refresh grant',
          tokenRequest({ grant_type: 'refresh_token', refresh_token: latestRefresh[chain] }),
        );
        outcomes.push(outcome);
        if (outcome.status === 200) {
          const body = JSON.parse(outcome.body!);
          latestRefresh[chain] = body.refresh_token;
          accessTokens.push(body.access_token);
        }
        if (outcome.status === undefined && signalled) return;
      }
    };
    const loops = [...Array.from({ length: ME_LOOPS }, meLoop), ...Array.from({ length: REFRESH_LOOPS }, (_, chain) => refreshLoop(chain))];

    await sleep(LOAD_MS);
    // The signal goes out while the server holds requests it accepted and has not answered yet.
    let acceptedAtSignal: Outcome[] = [];
    while (!signalled) {
      acceptedAtSignal = [...live].filter((outcome) => outcome.acceptedAt !== undefined);
      if (acceptedAtSignal.length > 0) {
        signalled = true;
        app.child.kill('SIGTERM');
      } else await new Promise((resolve) => setImmediate(resolve));
    }
    const signalAt = Date.now();
    const exit = await exitOf(app);
    const exitedAfter = Date.now() - signalAt;
    await Promise.all(loops);
    agent.destroy();

    const failedAccepted = outcomes.filter((outcome) => outcome.acceptedAt !== undefined && outcome.status !== 200);
    expect(failedAccepted.map((outcome) => `${outcome.what}: ${outcome.status ?? outcome.error} ${outcome.body ?? ''}`)).toEqual([]);
    // Not vacuous: requests were in the server's hands at the signal, and they are among those answered 200.
    expect(acceptedAtSignal.length).toBeGreaterThan(0);
    expect(acceptedAtSignal.every((outcome) => outcome.status === 200)).toBe(true);
    expect({ exit, output: exit !== 'still running' && exit.code === 0 ? '' : app.output().slice(-3000) }).toEqual({
      exit: { code: 0, signal: null },
      output: '',
    });
    expect(exitedAfter).toBeLessThan(EXIT_WITHIN_MS);

    // Restart on the same database: every refresh token answered 200 last still refreshes.
    const second = await start();
    const again = new Agent({ keepAlive: false });
    for (const [chain, refreshToken] of latestRefresh.entries()) {
      const outcome = await send(
        again,
        second.baseUrl,
        'refresh after restart',
        tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      );
      expect({ chain, status: outcome.status, body: outcome.status === 200 ? '' : outcome.body }).toEqual({ chain, status: 200, body: '' });
    }
    for (const accessToken of accessTokens) {
      const outcome = await send(again, second.baseUrl, 'GET /me after restart', {
        method: 'GET',
        path: '/me',
        headers: { Authorization: `Bearer ${accessToken}` },
      });
      expect(outcome.status).toBe(200);
    }
    expect(accessTokens.length).toBeGreaterThan(REFRESH_LOOPS);
    await second.stop();
  });

  it('cuts a request that never completes once SHUTDOWN_GRACE_SECONDS have passed, and still exits 0', async () => {
    const app = await start({ SHUTDOWN_GRACE_SECONDS: '1' });
    const { port } = new URL(app.baseUrl);
    // A token request whose body never comes: the server has accepted it and waits for the rest.
    const socket = connect(Number(port), '127.0.0.1');
    const accepted = new Promise<void>((resolve) => socket.on('data', (chunk) => chunk.toString().startsWith('HTTP/1.1 100') && resolve()));
    socket.on('error', () => undefined);
    socket.write(
      `POST /oauth/token HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${DEMO.basic}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\nExpect: 100-continue\r\n\r\n`,
    );
    await accepted;
    const signalAt = Date.now();
    app.child.kill('SIGTERM');
    const exit = await exitOf(app);
    socket.destroy();
    expect(exit).toEqual({ code: 0, signal: null });
    const exitedAfter = Date.now() - signalAt;
    expect(exitedAfter).toBeGreaterThanOrEqual(1_000);
    expect(exitedAfter).toBeLessThan(1_000 + EXIT_WITHIN_MS);
  });
});
