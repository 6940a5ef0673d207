import { randomBytes } from 'node:crypto';
import { startAppProcess, type AppProcess } from './support/app-process';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * With `REDIS_URL`, the token endpoint's per-address rate limit is one count in Redis for every instance; when
 * Redis is away, each instance counts alone, keeps serving, and says so in its log and in `/health`. Needs a Redis
 * server: `TEST_REDIS_URL` (CI sets it to redis://127.0.0.1:6379).
 */
const REDIS_URL = process.env.TEST_REDIS_URL;
if (!REDIS_URL) console.log('Redis rate-limit specs SKIPPED: set TEST_REDIS_URL=redis://HOST:6379 to run them.');
const describeWithRedis = REDIS_URL ? describe : describe.skip;

const LIMIT = 10;

/** A token request the rate limit counts (it runs before client authentication): the status it got. */
async function tokenRequest(app: AppProcess): Promise<{ status: number; retryAfter: string | null }> {
  const response = await fetch(`${app.baseUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials',
  });
  await response.arrayBuffer();
  return { status: response.status, retryAfter: response.headers.get('retry-after') };
}

async function statuses(app: AppProcess, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) seen.push((await tokenRequest(app)).status);
  return seen;
}

async function health(app: AppProcess): Promise<{ status: number; body: { info?: Record<string, Record<string, unknown>> } }> {
  const response = await fetch(`${app.baseUrl}/health`);
  return { status: response.status, body: (await response.json()) as { info?: Record<string, Record<string, unknown>> } };
}

describeWithRedis('the token rate limit shared through Redis (REDIS_URL)', () => {
  let database: TestDatabase;
  const started: AppProcess[] = [];
  const start = async (env: Record<string, string>) => {
    const app = await startAppProcess({ ...database.env, OAUTH_TOKEN_RATE_LIMIT: String(LIMIT), ...env });
    started.push(app);
    return app;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop()));
    await database?.drop();
  });

  it('is one limit for two instances: requests to either count against it', async () => {
    // A key prefix of this run's own, so that no other run's counts are shared.
    const redis = { REDIS_URL: REDIS_URL!, REDIS_KEY_PREFIX: `oauth-e2e-${randomBytes(6).toString('hex')}:` };
    // One after the other: the first creates the schema of the fresh database.
    const first = await start(redis);
    const second = await start(redis);
    expect((await health(first)).body.info?.rateLimits).toEqual({ status: 'up', storage: 'shared' });

    expect(await statuses(first, 6)).not.toContain(429);
    const fromSecond = await statuses(second, 6);
    // Alone, the second instance would have let all six through.
    expect(fromSecond.slice(0, 4)).not.toContain(429);
    expect(fromSecond.slice(4)).toEqual([429, 429]);
    const refused = await tokenRequest(first);
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  }, 120_000);

  it('with Redis away, keeps serving and counts per instance, and says so in its log and /health', async () => {
    // Nothing listens on port 1.
    const alone = await start({ REDIS_URL: 'redis://127.0.0.1:1', REDIS_KEY_PREFIX: 'unreachable:' });
    const seen = await statuses(alone, LIMIT + 1);
    expect(seen.slice(0, LIMIT)).not.toContain(429);
    expect(seen[LIMIT]).toBe(429);
    const report = await health(alone);
    expect(report.status).toBe(200);
    expect(report.body.info?.rateLimits).toEqual({ status: 'up', storage: 'local-fallback' });
    expect(alone.output()).toContain("counting in this instance's memory until it answers again");
  }, 120_000);
});
