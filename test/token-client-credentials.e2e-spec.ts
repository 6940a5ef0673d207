import request from 'supertest';
import { basicAuth, createClient, DEMO, expectOAuthError, startTestApp, type TestApp } from './support/test-app';

/** The client_credentials grant, RFC 6749 §4.4. */
describe('client_credentials grant (RFC 6749 §4.4)', () => {
  let t: TestApp;
  const service = basicAuth('reporting_service', 'reporting-secret');

  beforeAll(async () => {
    t = await startTestApp();
    await createClient(t.dataSource, {
      id: 'reporting_service',
      secret: 'reporting-secret',
      grants: ['client_credentials', 'refresh_token'],
      scopes: ['read', 'reports'],
      defaultScopes: ['reports'],
    });
  });
  afterAll(() => t.close());

  const clientCredentials = (authorization: string, fields: Record<string, string> = {}) =>
    request(t.http)
      .post('/oauth/token')
      .set('Authorization', authorization)
      .type('form')
      .send({ grant_type: 'client_credentials', ...fields });

  it('issues an access token and no refresh token (§4.4.3)', async () => {
    const response = await clientCredentials(service);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['access_token', 'token_type', 'expires_in', 'scope']);
    expect(response.body).toMatchObject({ token_type: 'bearer', scope: 'reports' });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('grants a requested subset of the client scopes, and refuses others (§3.3)', async () => {
    expect((await clientCredentials(service, { scope: 'read' })).body.scope).toBe('read');
    expectOAuthError(await clientCredentials(service, { scope: 'write' }), 400, 'invalid_scope');
  });

  it('is unauthorized_client for a client not allowed the grant', async () => {
    expectOAuthError(await clientCredentials(DEMO.basic), 400, 'unauthorized_client');
  });

  it('gives a token that a route acting for a user refuses with 403 insufficient_scope', async () => {
    const { body } = await clientCredentials(service, { scope: 'read' });
    const response = await request(t.http).get('/me').set('Authorization', `Bearer ${body.access_token}`);
    expectOAuthError(response, 403, 'insufficient_scope');
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="breakout", error="insufficient_scope"/);
  });
});
