import request from 'supertest';
import { basicAuth, createClient, DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';
import { controlClock } from './support/clock';

/** Token introspection, RFC 7662. */
describe('POST /oauth/introspect (RFC 7662)', () => {
  let t: TestApp;
  const resourceServer = basicAuth('resource_server', 'rs-secret');

  beforeAll(async () => {
    t = await startTestApp();
    await createClient(t.dataSource, { id: 'resource_server', secret: 'rs-secret', grants: ['client_credentials'], scopes: ['introspect'] });
  });
  afterAll(() => t.close());

  const introspect = (fields: Record<string, string>, authorization = resourceServer) =>
    request(t.http).post('/oauth/introspect').set('Authorization', authorization).type('form').send(fields);

  it('describes an active access token (§2.2)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { body: tokens } = await passwordGrant(t.http, { scope: 'read' });
    const response = await introspect({ token: tokens.access_token });

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({
      active: true,
      scope: 'read',
      client_id: DEMO.clientId,
      username: DEMO.username,
      sub: expect.any(String),
      token_type: 'Bearer',
      exp: expect.any(Number),
      iat: expect.any(Number),
    });
    expect(response.body.iat).toBeGreaterThanOrEqual(before);
    expect(response.body.exp - response.body.iat).toBe(tokens.expires_in);
  });

  it('describes an active refresh token', async () => {
    const { body: tokens } = await passwordGrant(t.http);
    const response = await introspect({ token: tokens.refresh_token, token_type_hint: 'refresh_token' });
    expect(response.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: DEMO.clientId, scope: 'read write' });
  });

  it('describes a client_credentials token without a user', async () => {
    const { body: tokens } = await request(t.http)
      .post('/oauth/token')
      .set('Authorization', resourceServer)
      .type('form')
      .send({ grant_type: 'client_credentials' });
    const response = await introspect({ token: tokens.access_token });
    expect(response.body).toMatchObject({ active: true, client_id: 'resource_server', scope: 'introspect' });
    expect(response.body).not.toHaveProperty('sub');
    expect(response.body).not.toHaveProperty('username');
  });

  it('answers exactly {"active": false} for unknown, used, revoked and expired tokens (§2.2)', async () => {
    expect((await introspect({ token: 'never-issued' })).body).toEqual({ active: false });

    const { body: first } = await passwordGrant(t.http);
    await refreshGrant(t.http, first.refresh_token);
    expect((await introspect({ token: first.refresh_token })).body).toEqual({ active: false });

    const { body: revoked } = await passwordGrant(t.http);
    await request(t.http).post('/oauth/revoke').set('Authorization', DEMO.basic).type('form').send({ token: revoked.refresh_token });
    expect((await introspect({ token: revoked.access_token })).body).toEqual({ active: false });
  });

  it('requires client authentication (§2.1)', async () => {
    const response = await request(t.http).post('/oauth/introspect').type('form').send({ token: 'x' });
    expectOAuthError(response, 401, 'invalid_client');
  });

  it('requires the token parameter', async () => {
    expectOAuthError(await introspect({}), 400, 'invalid_request');
  });
});

describe('introspection of expired tokens (RFC 7662 §2.2)', () => {
  const LIFETIME_SECONDS = 3600;
  let t: TestApp;
  let clock: ReturnType<typeof controlClock>;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_ACCESS_TOKEN_TTL: String(LIFETIME_SECONDS) });
    clock = controlClock();
  });
  afterAll(async () => {
    clock.restore();
    await t.close();
  });

  it('answers {"active": false} once the token has expired', async () => {
    const { body: tokens } = await passwordGrant(t.http);
    const introspect = () =>
      request(t.http).post('/oauth/introspect').set('Authorization', DEMO.basic).type('form').send({ token: tokens.access_token });
    expect((await introspect()).body.active).toBe(true);
    clock.advance(LIFETIME_SECONDS + 1);
    expect((await introspect()).body).toEqual({ active: false });
  });
});
