import request from 'supertest';
import { controlClock } from './support/clock';
import { DEMO, expectOAuthError, passwordGrant, startTestApp, type TestApp } from './support/test-app';

/** Brute-force protection of the password grant: RFC 6749 §10.10, RFC 9700 §2.4. */
describe('login lockout', () => {
  const LOCK_SECONDS = 900;
  let t: TestApp;
  let clock: ReturnType<typeof controlClock>;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_LOGIN_MAX_FAILURES: '3', OAUTH_LOGIN_LOCK_SECONDS: String(LOCK_SECONDS) });
    clock = controlClock();
  });
  afterAll(async () => {
    clock.restore();
    await t.close();
  });

  it('locks a username after too many failures, right password or not, with 429 and Retry-After', async () => {
    for (let i = 0; i < 3; i++) expectOAuthError(await passwordGrant(t.http, { password: `wrong-${i}` }), 400, 'invalid_grant');

    const locked = await passwordGrant(t.http);
    expectOAuthError(locked, 429, 'invalid_grant');
    const retryAfter = Number(locked.headers['retry-after']);
    // The lock runs from the first failure: a slow machine may have spent some of it, never minutes.
    expect(retryAfter).toBeGreaterThan(LOCK_SECONDS - 120);
    expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);

    // Usernames compare case-insensitively: the same account under another spelling is locked too.
    expectOAuthError(await passwordGrant(t.http, { username: DEMO.username.toUpperCase() }), 429, 'invalid_grant');

    clock.advance(LOCK_SECONDS + 1);
    expect((await passwordGrant(t.http)).status).toBe(200);
  });

  it('counts unknown usernames the same way, so a lock reveals nothing about which accounts exist', async () => {
    for (let i = 0; i < 3; i++) await passwordGrant(t.http, { username: 'ghost@break-out.org' });
    expectOAuthError(await passwordGrant(t.http, { username: 'ghost@break-out.org' }), 429, 'invalid_grant');
  });

  it('forgets earlier failures after a successful login', async () => {
    await passwordGrant(t.http, { password: 'wrong-a' });
    await passwordGrant(t.http, { password: 'wrong-b' });
    expect((await passwordGrant(t.http)).status).toBe(200);
    await passwordGrant(t.http, { password: 'wrong-c' });
    await passwordGrant(t.http, { password: 'wrong-d' });
    expect((await passwordGrant(t.http)).status).toBe(200);
  });
});

describe('login lockout across instances', () => {
  const env = { OAUTH_LOGIN_MAX_FAILURES: '3' };
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    first = await startTestApp(env);
    second = await startTestApp(env, first);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
  });

  it('shares the counter through the database', async () => {
    await passwordGrant(first.http, { password: 'wrong-1' });
    await passwordGrant(second.http, { password: 'wrong-2' });
    await passwordGrant(first.http, { password: 'wrong-3' });
    expectOAuthError(await passwordGrant(second.http), 429, 'invalid_grant');
  });
});

describe('per-IP rate limit of the token endpoint', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_TOKEN_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After in OAuth JSON beyond the limit, on every OAuth endpoint', async () => {
    for (let i = 0; i < 3; i++) expect((await passwordGrant(t.http)).status).toBe(200);
    const limited = await passwordGrant(t.http);
    expectOAuthError(limited, 429, 'temporarily_unavailable');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expectOAuthError(await request(t.http).post('/oauth/revoke').type('form').send({ token: 'x' }), 429, 'temporarily_unavailable');
    // Protected routes are not the token endpoint and stay unlimited.
    expect((await request(t.http).get('/health')).status).toBe(200);
  });
});
