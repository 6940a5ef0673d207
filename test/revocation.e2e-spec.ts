import request from 'supertest';
import { basicAuth, createClient, DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

/** Token revocation, RFC 7009. */
describe('POST /oauth/revoke (RFC 7009)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await createClient(t.dataSource, { id: 'other_app', secret: 'other-secret', grants: ['password', 'refresh_token'], scopes: ['read'] });
  });
  afterAll(() => t.close());

  const revoke = (fields: Record<string, string>, authorization = DEMO.basic) =>
    request(t.http).post('/oauth/revoke').set('Authorization', authorization).type('form').send(fields);
  const me = (accessToken: string) => request(t.http).get('/me').set('Authorization', `Bearer ${accessToken}`);

  it('revokes an access token: 200, and the token stops working (§2.1, §2.2)', async () => {
    const { body } = await passwordGrant(t.http);
    const response = await revoke({ token: body.access_token, token_type_hint: 'access_token' });
    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.headers['cache-control']).toBe('no-store');
    expectOAuthError(await me(body.access_token), 401, 'invalid_token');
    // Revoking an access token alone leaves the refresh token usable.
    expect((await refreshGrant(t.http, body.refresh_token)).status).toBe(200);
  });

  it('revokes a refresh token and every access token of the same grant (§2.1)', async () => {
    const { body: first } = await passwordGrant(t.http);
    const { body: second } = await refreshGrant(t.http, first.refresh_token);
    expect((await revoke({ token: second.refresh_token })).status).toBe(200);
    expectOAuthError(await me(first.access_token), 401, 'invalid_token');
    expectOAuthError(await me(second.access_token), 401, 'invalid_token');
    expectOAuthError(await refreshGrant(t.http, second.refresh_token), 400, 'invalid_grant');
  });

  it('finds the token whatever the hint says (§2.1)', async () => {
    const { body } = await passwordGrant(t.http);
    expect((await revoke({ token: body.refresh_token, token_type_hint: 'access_token' })).status).toBe(200);
    expectOAuthError(await refreshGrant(t.http, body.refresh_token), 400, 'invalid_grant');
    const { body: other } = await passwordGrant(t.http);
    expect((await revoke({ token: other.access_token, token_type_hint: 'something_else' })).status).toBe(200);
    expectOAuthError(await me(other.access_token), 401, 'invalid_token');
  });

  it('answers 200 for an unknown or already revoked token (§2.2)', async () => {
    expect((await revoke({ token: 'never-issued' })).status).toBe(200);
    const { body } = await passwordGrant(t.http);
    expect((await revoke({ token: body.refresh_token })).status).toBe(200);
    expect((await revoke({ token: body.refresh_token })).status).toBe(200);
  });

  it("refuses to revoke another client's token, which keeps working (§2.1)", async () => {
    const { body } = await passwordGrant(t.http);
    const response = await revoke({ token: body.access_token }, basicAuth('other_app', 'other-secret'));
    expectOAuthError(response, 400, 'unauthorized_client');
    expect((await me(body.access_token)).status).toBe(200);
  });

  it('requires client authentication', async () => {
    const response = await request(t.http).post('/oauth/revoke').type('form').send({ token: 'x' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic/);
  });

  it('requires the token parameter (invalid_request)', async () => {
    expectOAuthError(await revoke({}), 400, 'invalid_request');
    expectOAuthError(await revoke({ token: '' }), 400, 'invalid_request');
  });

  it('accepts client_secret_post', async () => {
    const { body } = await passwordGrant(t.http);
    const response = await request(t.http)
      .post('/oauth/revoke')
      .type('form')
      .send({ token: body.access_token, client_id: DEMO.clientId, client_secret: DEMO.clientSecret });
    expect(response.status).toBe(200);
    expectOAuthError(await me(body.access_token), 401, 'invalid_token');
  });
});
