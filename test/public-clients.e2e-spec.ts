import { OAuthClientAdminService } from '@nest-oauth/server';
import request from 'supertest';
import { basicAuth, expectOAuthError, startTestApp, type TestApp } from './support/test-app';

/** RFC 6749 §2.1 and §3.2.1: a public client names itself with client_id and has no secret to authenticate with. */
describe('public clients (token_endpoint_auth_method none) at the token endpoint', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let confidentialSecret: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = t.app.get(OAuthClientAdminService);
    await admin.create({
      id: 'spa',
      tokenEndpointAuthMethod: 'none',
      grants: ['refresh_token'],
      scopes: ['read'],
      redirectUris: ['http://127.0.0.1/cb'],
    });
    confidentialSecret = (await admin.create({ id: 'backend', grants: ['refresh_token', 'client_credentials'], scopes: ['read'] })).generatedSecret!;
  });

  afterAll(() => t?.close());

  const token = (fields: Record<string, string>, authorization?: string) => {
    const call = request(t.http).post('/oauth/token').type('form');
    return (authorization ? call.set('Authorization', authorization) : call).send(fields);
  };

  it('§3.2.1: a public client is identified by client_id alone (the request goes on to the grant)', async () => {
    expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: 'spa' }), 400, 'invalid_grant');
  });

  it('§2.3: a confidential client is not let in by its id alone', async () => {
    const response = await token({ grant_type: 'refresh_token', refresh_token: 'unknown', client_id: 'backend' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic/);
    expectOAuthError(await token({ grant_type: 'client_credentials', client_id: 'backend' }), 401, 'invalid_client');
    // With its secret it is.
    expect((await token({ grant_type: 'client_credentials' }, basicAuth('backend', confidentialSecret))).status).toBe(200);
  });

  it('a public client has no secret: any secret it is sent with fails, by Basic or in the body', async () => {
    expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: 'x' }, basicAuth('spa', '')), 401, 'invalid_client');
    expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: 'x' }, basicAuth('spa', 'guess')), 401, 'invalid_client');
    expectOAuthError(
      await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'spa', client_secret: 'guess' }),
      401,
      'invalid_client',
    );
  });

  it('an unknown client_id, or one sent twice, is invalid_client or invalid_request, never a server error', async () => {
    expectOAuthError(await token({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' }), 401, 'invalid_client');
    const twice = await request(t.http)
      .post('/oauth/token')
      .type('form')
      .send('grant_type=refresh_token&refresh_token=x&client_id=spa&client_id=spa');
    expect(twice.status).toBeGreaterThanOrEqual(400);
    expect(twice.status).toBeLessThan(500);
  });

  it('the revocation endpoint takes a public client by its id too (RFC 7009 §2.1); introspection does not', async () => {
    expect((await request(t.http).post('/oauth/revoke').type('form').send({ token: 'unknown', client_id: 'spa' })).status).toBe(200);
    expectOAuthError(
      await request(t.http).post('/oauth/introspect').type('form').send({ token: 'unknown', client_id: 'spa' }),
      401,
      'invalid_client',
    );
  });
});
