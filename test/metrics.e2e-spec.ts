import { freePort, startAppProcess, type AppProcess } from './support/app-process';
import { DEMO } from './support/test-app';
import { createTestDatabase, TEST_ON_POSTGRES, type TestDatabase } from './support/test-database';

/**
 * Prometheus metrics: off by default; with METRICS_ENABLED=true, `GET /metrics` answers on METRICS_PORT only, in the
 * text format, and a flow through the token endpoint moves the counters it should: tokens issued by grant type and
 * outcome, failed logins, a lockout, a refresh-token reuse, hash-limiter refusals, rate-limited requests, and the
 * latency histogram of each route.
 */

jest.setTimeout(120_000);

/** The flow below sends fewer requests than this to the module's endpoints; the burst after it crosses it. */
const RATE_LIMIT = 40;

type Samples = Map<string, number>;

/** `name{labels} value` lines of the text format, keyed by `name{labels}` as printed. */
function parseMetrics(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const split = line.lastIndexOf(' ');
    samples.set(line.slice(0, split), Number(line.slice(split + 1)));
  }
  return samples;
}

describe('Prometheus metrics', () => {
  let database: TestDatabase;
  let app: AppProcess | undefined;
  let metricsPort: number;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });
  afterAll(() => database.drop());

  const token = (fields: Record<string, string>) =>
    fetch(`${app!.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: DEMO.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const scrape = async (): Promise<Samples> => {
    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    return parseMetrics(await response.text());
  };

  it('are off unless METRICS_ENABLED=true: no metrics port, and no /metrics on the public port', async () => {
    metricsPort = await freePort();
    app = await startAppProcess({ ...database.env, METRICS_PORT: String(metricsPort), LOG_LEVEL: 'warn' });
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(404);
    await expect(fetch(`http://127.0.0.1:${metricsPort}/metrics`)).rejects.toThrow();
  });

  it('serve the text format on METRICS_PORT only, and a token flow moves every counter it touches', async () => {
    metricsPort = await freePort();
    app = await startAppProcess({
      ...database.env,
      METRICS_ENABLED: 'true',
      METRICS_PORT: String(metricsPort),
      LOG_LEVEL: 'warn',
      OAUTH_TOKEN_RATE_LIMIT: String(RATE_LIMIT),
      OAUTH_LOGIN_MAX_FAILURES: '3',
      // One hash at a time, none waiting, each slow enough for a burst to overlap: a burst of password grants
      // gets refusals.
      PASSWORD_HASH_COST: '15',
      OAUTH_HASH_CONCURRENCY: '1',
      OAUTH_HASH_QUEUE_MAX: '0',
    });
    // Never on the public port.
    expect((await fetch(`${app.baseUrl}/metrics`)).status).toBe(404);

    const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    for (const name of [
      'oauth_tokens_issued_total',
      'oauth_token_requests_total',
      'oauth_login_failures_total',
      'oauth_lockouts_total',
      'oauth_refresh_token_reuse_total',
      'oauth_rate_limited_requests_total',
      'oauth_hash_rejections_total',
      'oauth_hash_queue_length',
      'oauth_hash_running',
      'http_request_duration_seconds',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    }
    // The pool gauge exists where there is a pool.
    expect(/^# TYPE db_pool_connections gauge$/m.test(text)).toBe(TEST_ON_POSTGRES);
    const before = parseMetrics(text);

    // A password grant, a refresh, and the old refresh token again (reuse: the grant is revoked).
    const first = (await (await token({ grant_type: 'password', username: DEMO.username, password: DEMO.password })).json()) as Record<
      string,
      string
    >;
    expect(first.refresh_token).toBeDefined();
    expect((await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(200);
    expect((await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token })).status).toBe(400);
    expect((await fetch(`${app.baseUrl}/me`, { headers: { Authorization: `Bearer ${first.access_token}` } })).status).toBe(401);
    // Three wrong passwords lock the account.
    for (let i = 0; i < 3; i++) {
      expect((await token({ grant_type: 'password', username: DEMO.username, password: `wrong-${i}` })).status).toBe(400);
    }
    // A burst of password grants for unknown users (each its own, so no lockout comes first), one hash at a time with no queue: some are refused 503.
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        token({ grant_type: 'password', username: `nobody-${i}@example.com`, password: 'whatever' }).then((r) => r.status),
      ),
    );
    expect(burst).toContain(503);
    // Past the per-address limit: 429.
    let limited = 0;
    for (let i = 0; i < RATE_LIMIT && limited === 0; i++) {
      if ((await token({ grant_type: 'client_credentials' })).status === 429) limited++;
    }
    expect(limited).toBe(1);

    const after = await scrape();
    const moved = (key: string) => (after.get(key) ?? 0) - (before.get(key) ?? 0);
    expect({
      passwordIssued: moved('oauth_tokens_issued_total{grant_type="password"}'),
      refreshIssued: moved('oauth_tokens_issued_total{grant_type="refresh_token"}'),
      passwordRequestsIssued: moved('oauth_token_requests_total{grant_type="password",outcome="issued"}'),
      refreshRequestsRefused: moved('oauth_token_requests_total{grant_type="refresh_token",outcome="refused"}'),
      passwordUnavailable: moved('oauth_token_requests_total{grant_type="password",outcome="unavailable"}') > 0,
      rateLimitedRequests: moved('oauth_token_requests_total{grant_type="client_credentials",outcome="rate_limited"}'),
      reuse: moved('oauth_refresh_token_reuse_total'),
      accountLockouts: moved('oauth_lockouts_total{kind="account"}'),
      rateLimited: moved('oauth_rate_limited_requests_total'),
      hashRejections: moved('oauth_hash_rejections_total{reason="queue_full"}') > 0,
      meTimed: moved('http_request_duration_seconds_count{method="GET",route="/me",status_code="401"}'),
      tokenTimed: moved('http_request_duration_seconds_count{method="POST",route="/oauth/token",status_code="200"}'),
    }).toEqual({
      passwordIssued: 1,
      refreshIssued: 1,
      passwordRequestsIssued: 1,
      refreshRequestsRefused: 1,
      passwordUnavailable: true,
      rateLimitedRequests: 1,
      reuse: 1,
      accountLockouts: 1,
      rateLimited: 1,
      hashRejections: true,
      meTimed: 1,
      tokenTimed: 2,
    });
    // The pool gauge reads the pool the requests above went through.
    if (TEST_ON_POSTGRES) expect(after.get('db_pool_connections{state="total"}')).toBeGreaterThanOrEqual(1);
    // Failed logins: the three wrong passwords, and every burst request that got to its hash (the user does not exist).
    const failures = moved('oauth_login_failures_total');
    expect(failures).toBe(3 + burst.filter((status) => status === 400).length);
  });
});
