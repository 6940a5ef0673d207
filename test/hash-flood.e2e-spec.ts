import { startAppProcess, type AppProcess } from './support/app-process';
import { DEMO } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Floods of slow hashes, the built app in a process of its own driven over real parallel HTTP: wrong client
 * secrets (scrypt) and junk logins (a password hash each) far beyond the hash limiter's queue. Every hash goes
 * through one bounded limiter, so the excess is refused at once with 503 `temporarily_unavailable` and
 * `Retry-After`, database reads are not queued behind hashes (`/health` and `/me` keep answering quickly), and a
 * real login is not stuck behind the flood.
 *
 * Latencies are compared with a baseline measured in the same test, with wide margins: the machine is shared.
 */

jest.setTimeout(180_000);

/** Small numbers, so that the flood is many times what the limiter admits. */
const CONCURRENCY = 2;
const QUEUE_MAX = 4;
const WRONG_SECRETS = 150;
const JUNK_LOGINS = 60;

interface Answer {
  status: number;
  ms: number;
  retryAfter: string | null;
  body: Record<string, unknown> | null;
  /** When the answer arrived, in ms since the flood was sent. */
  at: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

describe('a flood of slow hashes (wrong client secrets, junk logins)', () => {
  let database: TestDatabase;
  let app: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAppProcess({
      ...database.env,
      // Hashes that take a while (scrypt N = 2^14, p = 3, 16 MiB), with every limit explicit; no deadline, so
      // every 503 in the flood comes from the full queue.
      PASSWORD_HASH_COST: '14',
      OAUTH_HASH_CONCURRENCY: String(CONCURRENCY),
      OAUTH_HASH_QUEUE_MAX: String(QUEUE_MAX),
      OAUTH_HASH_QUEUE_TIMEOUT_MS: '0',
      // The flood is about hash work: the per-username and per-client-id lockouts would refuse most of it first.
      OAUTH_LOGIN_MAX_FAILURES: '0',
      OAUTH_CLIENT_MAX_FAILURES: '0',
      LOG_LEVEL: 'silent',
    });
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

  async function send(path: string, init: RequestInit = {}, since = performance.now()): Promise<Answer> {
    const started = performance.now();
    const response = await fetch(`${app.baseUrl}${path}`, init);
    const text = await response.text();
    const ended = performance.now();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // not JSON; the assertions say so
    }
    return { status: response.status, ms: ended - started, retryAfter: response.headers.get('retry-after'), body, at: ended - since };
  }

  const token = (fields: Record<string, string>, authorization: string | undefined, since?: number) =>
    send(
      '/oauth/token',
      {
        method: 'POST',
        headers: { ...(authorization ? { Authorization: authorization } : {}), 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form(fields),
      },
      since,
    );
  const realLogin = (since?: number) => token({ grant_type: 'password', username: DEMO.username, password: DEMO.password }, DEMO.basic, since);
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  /** `/me` with a valid token and `/health`, one after the other, until `done` says stop. */
  async function probe(accessToken: string, done: () => boolean, minimum = 0): Promise<{ me: Answer[]; health: Answer[] }> {
    const me: Answer[] = [];
    const health: Answer[] = [];
    while (!done() || me.length < minimum) {
      me.push(await send('/me', { headers: { Authorization: `Bearer ${accessToken}` } }));
      health.push(await send('/health'));
    }
    return { me, health };
  }

  it('refuses the excess at once with 503 and Retry-After, keeps /me and /health quick, and lets a real login through', async () => {
    const first = await realLogin();
    expect(first.status).toBe(200);
    const accessToken = first.body!.access_token as string;
    const baseline = await probe(accessToken, () => true, 20);
    const baselineLogins: number[] = [];
    for (let i = 0; i < 3; i++) baselineLogins.push((await realLogin()).ms);

    const sent = performance.now();
    const flood = Promise.all([
      ...Array.from({ length: WRONG_SECRETS }, (_, i) =>
        // Two in three name the demo client, one in three a client that does not exist: both cost a scrypt check.
        token({ grant_type: 'client_credentials' }, basic(i % 3 === 2 ? `ghost-${i}` : DEMO.clientId, `wrong-${i}`), sent),
      ),
      ...Array.from({ length: JUNK_LOGINS }, (_, i) =>
        token({ grant_type: 'password', username: `junk-${i}@example.org`, password: 'wrong' }, DEMO.basic, sent),
      ),
    ]);
    // Sent behind the whole flood.
    const login = realLogin(sent);
    let floodDone = false;
    void flood.finally(() => (floodDone = true));
    const during = await probe(accessToken, () => floodDone, 5);
    const answers = await flood;
    let loginAnswer = await login;
    // Refused at once is fine (that is the point); then it tries again when told to, as a client would.
    const realLoginAnswers = [loginAnswer];
    while (loginAnswer.status === 503 && realLoginAnswers.length < 10) {
      await new Promise((resolve) => setTimeout(resolve, Number(loginAnswer.retryAfter) * 1000));
      loginAnswer = await realLogin(sent);
      realLoginAnswers.push(loginAnswer);
    }

    const refused = answers.filter((answer) => answer.status === 503);
    const hashed = answers.filter((answer) => answer.status !== 503);
    const loginTime = median(baselineLogins);
    const measured = {
      refused: refused.length,
      hashed: hashed.length,
      refusedJunkLogins: answers.slice(WRONG_SECRETS).filter((answer) => answer.status === 503).length,
      refusedMedianMs: refused.length ? median(refused.map((a) => a.ms)) : null,
      hashedMedianMs: hashed.length ? median(hashed.map((a) => a.ms)) : null,
      lastRefusalAtMs: refused.length ? Math.max(...refused.map((a) => a.at)) : 0,
      floodMs: Math.max(...answers.map((a) => a.at)),
      meMedianMs: { baseline: median(baseline.me.map((a) => a.ms)), during: median(during.me.map((a) => a.ms)) },
      healthMedianMs: { baseline: median(baseline.health.map((a) => a.ms)), during: median(during.health.map((a) => a.ms)) },
      baselineLoginMs: baselineLogins,
      realLogin: realLoginAnswers.map((a) => ({ status: a.status, ms: Math.round(a.ms), at: Math.round(a.at) })),
    };

    try {
      // Every answer is either the hash's own verdict or the overload refusal, never anything else.
      for (const answer of hashed) expect([400, 401]).toContain(answer.status);
      for (const answer of refused) {
        expect(answer.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
        expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      }
      // Many times what the limiter admits was sent, so most of it is refused, logins and client secrets alike:
      // they wait in one queue...
      expect(refused.length).toBeGreaterThan(answers.length / 2);
      expect(measured.refusedJunkLogins).toBeGreaterThan(JUNK_LOGINS / 2);
      // ...without waiting for a hash: a refusal comes back sooner than an answer that needed one.
      expect(measured.refusedMedianMs!).toBeLessThan(measured.hashedMedianMs!);

      // Database reads do not queue behind hashes: the health check never fails, /me stays quick.
      expect(during.health.filter((answer) => answer.status !== 200)).toEqual([]);
      expect(during.me.filter((answer) => answer.status !== 200)).toEqual([]);
      expect(measured.meMedianMs.during).toBeLessThan(Math.max(10 * measured.meMedianMs.baseline, 300));
      expect(measured.healthMedianMs.during).toBeLessThan(Math.max(10 * measured.healthMedianMs.baseline, 300));

      // The real login, sent behind the whole flood, waits for at most the queue ahead of it and its own hash
      // (three times over, for a noisy machine), not for the flood's hashes: it is answered no later than that
      // after the flood's last refusal, and gets in, at once or when told to try again.
      expect(realLoginAnswers[0].at).toBeLessThan(measured.lastRefusalAtMs + 3 * (QUEUE_MAX / CONCURRENCY + 1) * loginTime);
      expect(loginAnswer.status).toBe(200);
    } catch (error) {
      (error as Error).message += `\n\nmeasured: ${JSON.stringify(measured, null, 1)}`;
      throw error;
    }
  });
});
