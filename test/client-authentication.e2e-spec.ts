import request from 'supertest';
import { DEMO, expectOAuthError, startTestApp, type TestApp } from './support/test-app';

/** Client authentication at the token endpoint, RFC 6749 §2.3. */
describe('client authentication (RFC 6749 §2.3)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const grant = { grant_type: 'password', username: DEMO.username, password: DEMO.password };

  it('accepts client_secret_post: client_id and client_secret in the body (§2.3.1)', async () => {
    const response = await request(t.http)
      .post('/oauth/token')
      .type('form')
      .send({ ...grant, client_id: DEMO.clientId, client_secret: DEMO.clientSecret });
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe('bearer');
  });

  it('refuses a wrong client_secret in the body with invalid_client', async () => {
    const response = await request(t.http).post('/oauth/token').type('form').send({ ...grant, client_id: DEMO.clientId, client_secret: 'nope' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('refuses a client_id without a client_secret with invalid_client', async () => {
    const response = await request(t.http).post('/oauth/token').type('form').send({ ...grant, client_id: DEMO.clientId });
    expectOAuthError(response, 401, 'invalid_client');
  });

  it('refuses more than one authentication method in one request with invalid_request (§2.3)', async () => {
    const response = await request(t.http)
      .post('/oauth/token')
      .set('Authorization', DEMO.basic)
      .type('form')
      .send({ ...grant, client_id: DEMO.clientId, client_secret: DEMO.clientSecret });
    expectOAuthError(response, 400, 'invalid_request');
  });

  it('refuses a repeated client_secret with invalid_request (§3.2)', async () => {
    const response = await request(t.http)
      .post('/oauth/token')
      .type('form')
      .send(`grant_type=password&username=a&password=b&client_id=${DEMO.clientId}&client_secret=x&client_secret=y`);
    expectOAuthError(response, 400, 'invalid_request');
  });
});
