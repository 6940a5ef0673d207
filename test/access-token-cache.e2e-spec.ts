import request from 'supertest';
import { controlClock } from './support/clock';
import { startAppProcess, type AppProcess } from './support/app-process';
import { DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

/**
 * OAUTH_ACCESS_TOKEN_CACHE_SECONDS: an instance remembers the access tokens it validated. Every revocation made
 * through the instance still takes effect at once; one made elsewhere takes effect within the cache's lifetime.
 */
describe('validated access-token cache (OAUTH_ACCESS_TOKEN_CACHE_SECONDS)', () => {
  const LIFETIME_SECONDS = 300;
  const CACHE = { OAUTH_ACCESS_TOKEN_CACHE_SECONDS: String(LIFETIME_SECONDS) };
  let t: TestApp;
  /** Another instance on the same database, as another server behind the same load balancer would be. */
  let other: AppProcess;
  let http: TestApp['http'];

  beforeAll(async () => {
    t = await startTestApp(CACHE);
    http = t.http;
    other = await startAppProcess({ ...t.database.env, ...CACHE });
  }, 60_000);
  afterAll(async () => {
    await other?.stop();
    await t?.close();
  });

  type Target = TestApp['http'] | string;
  const me = (target: Target, accessToken: string) => request(target).get('/me').set('Authorization', `Bearer ${accessToken}`);
  const revoke = (target: Target, token: string) =>
    request(target).post('/oauth/revoke').set('Authorization', DEMO.basic).type('form').send({ token });

  /** Tokens whose validation this instance has just remembered. */
  async function cachedLogin() {
    const { body } = await passwordGrant(http);
    expect((await me(http, body.access_token)).status).toBe(200);
    return body as { access_token: string; refresh_token: string };
  }

  it('refuses an access token revoked through this instance at once (RFC 7009)', async () => {
    const tokens = await cachedLogin();
    expect((await revoke(http, tokens.access_token)).status).toBe(200);
    expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
  });

  it('refuses the access tokens of a grant whose refresh token was revoked through this instance at once', async () => {
    const tokens = await cachedLogin();
    expect((await revoke(http, tokens.refresh_token)).status).toBe(200);
    expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
  });

  it('refuses the whole family at once when this instance detects refresh-token reuse', async () => {
    const first = await cachedLogin();
    const { body: second } = await refreshGrant(http, first.refresh_token);
    expect((await me(http, second.access_token)).status).toBe(200);
    expectOAuthError(await refreshGrant(http, first.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await me(http, second.access_token), 401, 'invalid_token');
  });

  it('refuses a token revoked through another instance within the cache lifetime, not later', async () => {
    const tokens = await cachedLogin();
    expect((await revoke(other.baseUrl, tokens.access_token)).status).toBe(200);
    // The other instance refuses it at once; this one still holds its validation, for at most the lifetime.
    expectOAuthError(await me(other.baseUrl, tokens.access_token), 401, 'invalid_token');
    expect((await me(http, tokens.access_token)).status).toBe(200);
    // This instance's clock only (the other keeps real time): past the lifetime, its validation is forgotten.
    const clock = controlClock();
    try {
      clock.advance(LIFETIME_SECONDS + 1);
      expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
    } finally {
      clock.restore();
    }
  });
});
