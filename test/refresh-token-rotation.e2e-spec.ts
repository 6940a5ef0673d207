import { OAuthEvents, type OAuthEvent } from '@nest-oauth/server';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { controlClock } from './support/clock';
import { basicAuth, createClient, DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

const me = (t: TestApp, accessToken: string) => request(t.http).get('/me').set('Authorization', `Bearer ${accessToken}`);

/** Refresh token rotation with reuse detection, RFC 9700 §4.14.2, and the rules of RFC 6749 §6 and §10.4. */
describe('refresh token rotation (RFC 9700 §4.14.2)', () => {
  let t: TestApp;
  let events: OAuthEvent[];

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => {
    events = [];
    jest.spyOn(t.app.get(OAuthEvents), 'emit').mockImplementation((event) => void events.push(event));
  });
  afterEach(() => jest.restoreAllMocks());

  it('revokes the whole family and emits a security event when a rotated token is presented again', async () => {
    const { body: first } = await passwordGrant(t.http);
    const { body: second } = await refreshGrant(t.http, first.refresh_token);
    const { body: third } = await refreshGrant(t.http, second.refresh_token);

    expectOAuthError(await refreshGrant(t.http, first.refresh_token), 400, 'invalid_grant');

    expect(events).toContainEqual(expect.objectContaining({ type: 'refresh_token.reuse_detected', clientId: DEMO.clientId }));
    // Every token descended from the same login is dead, including the newest.
    for (const token of [first.access_token, second.access_token, third.access_token]) {
      expectOAuthError(await me(t, token), 401, 'invalid_token');
    }
    expectOAuthError(await refreshGrant(t.http, third.refresh_token), 400, 'invalid_grant');
  });

  it('leaves other families of the same user alone', async () => {
    const { body: phone } = await passwordGrant(t.http);
    const { body: laptop } = await passwordGrant(t.http);
    await refreshGrant(t.http, phone.refresh_token);
    await refreshGrant(t.http, phone.refresh_token); // reuse: the phone's family dies

    expect((await me(t, laptop.access_token)).status).toBe(200);
    expect((await refreshGrant(t.http, laptop.refresh_token)).status).toBe(200);
  });

  it('gives exactly one success to 20 concurrent refreshes of one token', async () => {
    const { body } = await passwordGrant(t.http);
    const responses = await Promise.all(Array.from({ length: 20 }, () => refreshGrant(t.http, body.refresh_token)));

    const winners = responses.filter((response) => response.status === 200);
    expect(winners).toHaveLength(1);
    for (const loser of responses.filter((response) => response.status !== 200)) expectOAuthError(loser, 400, 'invalid_grant');
    // Exactly one successor was stored: the database saw one rotation, not twenty.
    const parent = createHash('sha256').update(body.refresh_token).digest('hex');
    const successors = await t.sql('SELECT digest FROM oauth_refresh_tokens WHERE parent_digest = ?', [parent]);
    expect(successors).toHaveLength(1);
  });

  it('only accepts a refresh token from the client it was issued to (RFC 6749 §10.4)', async () => {
    await createClient(t.dataSource, { id: 'thief_app', secret: 'thief-secret', grants: ['refresh_token'], scopes: ['read', 'write'] });
    const { body } = await passwordGrant(t.http);
    expectOAuthError(await refreshGrant(t.http, body.refresh_token, {}, basicAuth('thief_app', 'thief-secret')), 400, 'invalid_grant');
  });

  it('stays within the scope of its grant (RFC 6749 §6)', async () => {
    const { body } = await passwordGrant(t.http, { scope: 'read' });
    expectOAuthError(await refreshGrant(t.http, body.refresh_token, { scope: 'write' }), 400, 'invalid_scope');
  });
});

describe('refresh token reuse grace window (refreshTokenReuseGraceSeconds)', () => {
  const GRACE_SECONDS = 60;
  let t: TestApp;
  let clock: ReturnType<typeof controlClock>;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_REFRESH_TOKEN_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) });
    clock = controlClock();
  });
  afterAll(async () => {
    clock.restore();
    await t.close();
  });

  it('gives a client that lost the response the same new pair again', async () => {
    const { body: first } = await passwordGrant(t.http);
    const { body: lost } = await refreshGrant(t.http, first.refresh_token);

    const retry = await refreshGrant(t.http, first.refresh_token);
    expect(retry.status).toBe(200);
    expect(retry.body.access_token).toBe(lost.access_token);
    expect(retry.body.refresh_token).toBe(lost.refresh_token);
    expect(retry.body.expires_in).toBeLessThanOrEqual(lost.expires_in);
    // Nothing was revoked: the pair works, and the family goes on.
    expect((await me(t, retry.body.access_token)).status).toBe(200);
    expect((await refreshGrant(t.http, retry.body.refresh_token)).status).toBe(200);
  });

  it('treats the retry as reuse once the successor has been used', async () => {
    const { body: first } = await passwordGrant(t.http);
    const { body: second } = await refreshGrant(t.http, first.refresh_token);
    const { body: third } = await refreshGrant(t.http, second.refresh_token);

    expectOAuthError(await refreshGrant(t.http, first.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await me(t, third.access_token), 401, 'invalid_token');
  });

  it('treats the retry as reuse once the window has passed', async () => {
    const { body: first } = await passwordGrant(t.http);
    const { body: second } = await refreshGrant(t.http, first.refresh_token);
    clock.advance(GRACE_SECONDS + 1);

    expectOAuthError(await refreshGrant(t.http, first.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await me(t, second.access_token), 401, 'invalid_token');
  });
});

describe('strict rotation stores no sealed successor', () => {
  it('keeps nothing but digests when the grace window is off', async () => {
    const t = await startTestApp();
    try {
      const { body } = await passwordGrant(t.http);
      await refreshGrant(t.http, body.refresh_token);
      const rows = await t.sql<{ sealed_successor: string | null }>('SELECT sealed_successor FROM oauth_refresh_tokens');
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.sealed_successor === null)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
