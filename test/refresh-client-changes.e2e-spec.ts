import { createHash } from 'node:crypto';
import request from 'supertest';
import { basicAuth, createClient, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

const digest = (token: string) => createHash('sha256').update(token).digest('hex');
const DAY_MS = 86_400_000;

/**
 * A refresh answers for the client as it is registered now, not as it was at the login (RFC 6749 §6, RFC 9700
 * §4.14.2): scopes and grant types removed from a client leave its live token families too.
 */
describe('refresh after the client changed (RFC 6749 §6)', () => {
  let t: TestApp;
  const auth = basicAuth('changing_app', 'changing-secret');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  beforeEach(async () => {
    await t.sql('DELETE FROM oauth_clients WHERE id = ?', ['changing_app']);
    await createClient(t.dataSource, {
      id: 'changing_app',
      secret: 'changing-secret',
      grants: ['password', 'refresh_token'],
      scopes: ['read', 'write'],
    });
  });

  const login = async () => {
    const response = await passwordGrant(t.http, { scope: 'read write' }, auth);
    expect(response.status).toBe(200);
    return response.body as { access_token: string; refresh_token: string; scope: string };
  };
  const setClient = (column: 'scopes' | 'grants', value: string) =>
    t.sql(`UPDATE oauth_clients SET ${column} = ? WHERE id = ?`, [value, 'changing_app']);
  const introspect = (token: string) => request(t.http).post('/oauth/introspect').set('Authorization', auth).type('form').send({ token });

  it('narrows the new access token to the scopes the client still has', async () => {
    const tokens = await login();
    await setClient('scopes', 'read');

    const refreshed = await refreshGrant(t.http, tokens.refresh_token, {}, auth);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('read');
    expect((await introspect(refreshed.body.access_token)).body).toMatchObject({ active: true, scope: 'read' });
  });

  it('refuses with invalid_scope a refresh that asks for a scope the client lost, and the refresh token stays usable', async () => {
    const tokens = await login();
    await setClient('scopes', 'read');

    expectOAuthError(await refreshGrant(t.http, tokens.refresh_token, { scope: 'write' }, auth), 400, 'invalid_scope');
    expectOAuthError(await refreshGrant(t.http, tokens.refresh_token, { scope: 'read write' }, auth), 400, 'invalid_scope');
    const narrower = await refreshGrant(t.http, tokens.refresh_token, { scope: 'read' }, auth);
    expect({ status: narrower.status, scope: narrower.body.scope }).toEqual({ status: 200, scope: 'read' });
  });

  it('refuses with invalid_scope a refresh when the client has none of the refresh token scopes left', async () => {
    const tokens = await login();
    await setClient('scopes', 'other');

    expectOAuthError(await refreshGrant(t.http, tokens.refresh_token, {}, auth), 400, 'invalid_scope');
  });

  it('keeps the refresh token scope itself (RFC 6749 §6), so a scope given back to the client is refreshed again', async () => {
    const tokens = await login();
    await setClient('scopes', 'read');
    const narrowed = await refreshGrant(t.http, tokens.refresh_token, {}, auth);
    const [stored] = await t.sql<{ scope: string }>('SELECT scope FROM oauth_refresh_tokens WHERE digest = ?', [digest(narrowed.body.refresh_token)]);
    expect(stored.scope).toBe('read write');

    await setClient('scopes', 'read write');
    expect((await refreshGrant(t.http, narrowed.body.refresh_token, {}, auth)).body.scope).toBe('read write');
  });

  it('answers unauthorized_client once the client may no longer use the password grant that started the family', async () => {
    const tokens = await login();
    await setClient('grants', 'refresh_token');

    expectOAuthError(await refreshGrant(t.http, tokens.refresh_token, {}, auth), 400, 'unauthorized_client');
  });

  it('answers unauthorized_client once the client may no longer refresh', async () => {
    const tokens = await login();
    await setClient('grants', 'password');

    expectOAuthError(await refreshGrant(t.http, tokens.refresh_token, {}, auth), 400, 'unauthorized_client');
  });
});

/**
 * `OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL`: a login ends that long after it began, however often it was refreshed. The
 * lifetime is a day; the test moves the login's start back in the database instead of waiting.
 */
describe('absolute lifetime of a login (OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL)', () => {
  let t: TestApp;

  afterEach(() => t.close());

  /** Moves the start of the login that issued `refreshToken` to `msAgo` before now; returns the new start. */
  async function startLoginAgo(refreshToken: string, msAgo: number): Promise<number> {
    const [{ grant_id: grantId }] = await t.sql<{ grant_id: string }>('SELECT grant_id FROM oauth_refresh_tokens WHERE digest = ?', [
      digest(refreshToken),
    ]);
    const createdAt = Date.now() - msAgo;
    await t.sql('UPDATE oauth_grants SET created_at = ? WHERE id = ?', [createdAt, grantId]);
    return createdAt;
  }

  const expiresAt = async (refreshToken: string) =>
    Number(
      (await t.sql<{ expires_at: string | number }>('SELECT expires_at FROM oauth_refresh_tokens WHERE digest = ?', [digest(refreshToken)]))[0]
        .expires_at,
    );

  it('keeps rotating within the lifetime, and cuts the new refresh token to the end of the login', async () => {
    t = await startTestApp({ OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL: '86400' });
    const { body: first } = await passwordGrant(t.http);
    // The refresh token lifetime (30 days by default) is cut to the login's day from the start.
    const [{ created_at: loggedInAt }] = await t.sql<{ created_at: string | number }>(
      'SELECT g.created_at FROM oauth_grants g INNER JOIN oauth_refresh_tokens t ON t.grant_id = g.id WHERE t.digest = ?',
      [digest(first.refresh_token)],
    );
    expect(await expiresAt(first.refresh_token)).toBe(Number(loggedInAt) + DAY_MS);

    const startedAt = await startLoginAgo(first.refresh_token, DAY_MS - 3_600_000);
    const second = await refreshGrant(t.http, first.refresh_token);
    expect(second.status).toBe(200);
    expect(await expiresAt(second.body.refresh_token)).toBe(startedAt + DAY_MS);
  });

  it('stops rotation once the lifetime has passed since the login, with invalid_grant', async () => {
    t = await startTestApp({ OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL: '86400' });
    const { body: first } = await passwordGrant(t.http);
    const { body: second } = await refreshGrant(t.http, first.refresh_token);

    await startLoginAgo(second.refresh_token, DAY_MS + 60_000);
    expectOAuthError(await refreshGrant(t.http, second.refresh_token), 400, 'invalid_grant');
    // Refused, not used: no successor was stored.
    expect(await t.sql('SELECT digest FROM oauth_refresh_tokens WHERE parent_digest = ?', [digest(second.refresh_token)])).toEqual([]);
    // A new login starts a new lifetime.
    expect((await refreshGrant(t.http, (await passwordGrant(t.http)).body.refresh_token)).status).toBe(200);
  });

  it('sets no limit by default', async () => {
    t = await startTestApp();
    const { body: first } = await passwordGrant(t.http);
    await startLoginAgo(first.refresh_token, 365 * DAY_MS);

    expect((await refreshGrant(t.http, first.refresh_token)).status).toBe(200);
  });
});
