import request from 'supertest';
import { User } from '../apps/api/src/users/user.entity';
import { controlClock } from './support/clock';
import { DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

/**
 * BearerGuard on the app's own `GET /me`, failing exactly as RFC 6750 §3 and §3.1 say, with opaque access tokens
 * and with JWT access tokens (RFC 9068) alike.
 */
describe.each(['opaque', 'jwt'] as const)('Bearer-protected routes (RFC 6750), %s access tokens', (format) => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_ACCESS_TOKEN_FORMAT: format });
  });
  afterAll(() => t.close());

  const me = (authorization?: string) => {
    const call = request(t.http).get('/me');
    return authorization === undefined ? call : call.set('Authorization', authorization);
  };

  it('answers a request without a token with 401 and a bare challenge (§3.1)', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="breakout"');
  });

  it('answers an unknown token with 401 invalid_token (§3.1)', async () => {
    const response = await me('Bearer this-token-was-never-issued');
    expectOAuthError(response, 401, 'invalid_token');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="breakout", error="invalid_token"/);
  });

  it('answers a malformed Authorization header with 400 invalid_request (§3.1)', async () => {
    const response = await me('Bearer two tokens');
    expectOAuthError(response, 400, 'invalid_request');
    expect(response.headers['www-authenticate']).toMatch(/error="invalid_request"/);
  });

  it('refuses tokens in the query string (RFC 9700 §4.3.2)', async () => {
    const { body } = await passwordGrant(t.http);
    const response = await request(t.http).get(`/me?access_token=${body.access_token}`);
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('answers a token without the route scope with 403 insufficient_scope (§3.1)', async () => {
    const { body } = await passwordGrant(t.http, { scope: 'write' });
    const response = await me(`Bearer ${body.access_token}`);
    expectOAuthError(response, 403, 'insufficient_scope');
    expect(response.headers['www-authenticate']).toMatch(/error="insufficient_scope"/);
    expect(response.headers['www-authenticate']).toMatch(/scope="read"/);
  });

  // A JWT is checked locally, without a database read, so a revoked one stays valid until it expires: the
  // documented trade-off of the JWT format. Its refresh token still dies with the family.
  (format === 'opaque' ? it : it.skip)('rejects every token of a family once a rotated refresh token is replayed (RFC 9700 §4.14.2)', async () => {
    const { body: first } = await passwordGrant(t.http);
    const { body: second } = await refreshGrant(t.http, first.refresh_token);
    expect((await me(`Bearer ${second.access_token}`)).status).toBe(200);

    expect((await refreshGrant(t.http, first.refresh_token)).body.error).toBe('invalid_grant');

    expectOAuthError(await me(`Bearer ${second.access_token}`), 401, 'invalid_token');
    expect((await refreshGrant(t.http, second.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('stops serving a disabled user, and refuses to log them in', async () => {
    const { body } = await passwordGrant(t.http);
    const users = t.dataSource.getRepository(User);
    await users.update({ email: DEMO.username }, { disabled: true });
    try {
      expectOAuthError(await me(`Bearer ${body.access_token}`), 401, 'invalid_token');
      expectOAuthError(await refreshGrant(t.http, body.refresh_token), 400, 'invalid_grant');
      expectOAuthError(await passwordGrant(t.http), 400, 'invalid_grant');
    } finally {
      await users.update({ email: DEMO.username }, { disabled: false });
    }
  });

  it('never shows the password hash', async () => {
    const { body } = await passwordGrant(t.http);
    const response = await me(`Bearer ${body.access_token}`);
    expect(JSON.stringify(response.body)).not.toMatch(/password|hash|scrypt/i);
  });
});

describe.each(['opaque', 'jwt'] as const)('expired %s access tokens (RFC 6750 §3.1)', (format) => {
  const LIFETIME_SECONDS = 3600;
  let t: TestApp;
  let clock: ReturnType<typeof controlClock>;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_ACCESS_TOKEN_TTL: String(LIFETIME_SECONDS), OAUTH_ACCESS_TOKEN_FORMAT: format });
  });
  beforeEach(() => {
    clock = controlClock();
  });
  afterEach(() => clock.restore());
  afterAll(() => t.close());

  it('answers 401 invalid_token once the lifetime has passed, and not a minute before', async () => {
    const { body } = await passwordGrant(t.http);
    expect(body.expires_in).toBe(LIFETIME_SECONDS);
    const me = () => request(t.http).get('/me').set('Authorization', `Bearer ${body.access_token}`);
    expect((await me()).status).toBe(200);

    clock.advance(LIFETIME_SECONDS - 60);
    expect((await me()).status).toBe(200);

    clock.advance(61);
    expectOAuthError(await me(), 401, 'invalid_token');
  });
});
