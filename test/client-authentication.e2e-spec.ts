import request from 'supertest';
import { basicAuth, createClient, DEMO, expectOAuthError, startTestApp, type TestApp } from './support/test-app';

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
    const response = await request(t.http)
      .post('/oauth/token')
      .type('form')
      .send({ ...grant, client_id: DEMO.clientId, client_secret: 'nope' });
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('refuses a client_id without a client_secret with invalid_client', async () => {
    const response = await request(t.http)
      .post('/oauth/token')
      .type('form')
      .send({ ...grant, client_id: DEMO.clientId });
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

/** HTTP Basic as RFC 7617 §2 defines it, with the encoding RFC 6749 §2.3.1 adds for client credentials. */
describe('client_secret_basic (RFC 7617 §2, RFC 6749 §2.3.1)', () => {
  let t: TestApp;
  /** Every kind of VSCHAR (RFC 6749 Appendix A.1) an id may hold: spaces, colons, quotes, "+", "%". */
  const oddClient = { id: 'partner app:v2 ("a+b" = 100%)', secret: 's3cr:et, with spaces + 100%' };

  beforeAll(async () => {
    t = await startTestApp();
    await createClient(t.dataSource, { ...oddClient, grants: ['client_credentials'], scopes: ['read'] });
  });
  afterAll(() => t.close());

  const raw = (credentials: string, scheme = 'Basic') => `${scheme} ${Buffer.from(credentials).toString('base64')}`;
  const tokenRequest = (authorization: string, fields: Record<string, string> = {}) =>
    request(t.http)
      .post('/oauth/token')
      .set('Authorization', authorization)
      .type('form')
      .send({ grant_type: 'password', username: DEMO.username, password: DEMO.password, ...fields });

  it('ends the user-id at the first colon: the rest, colons included, is the secret, so "id:secret:junk" is a wrong secret', async () => {
    const response = await tokenRequest(raw(`${DEMO.clientId}:${DEMO.clientSecret}:junk`));
    expectOAuthError(response, 401, 'invalid_client');
    expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it.each(['XBasicY', 'Basicx', 'xBasic', 'NotBasic', 'Basic-'])('does not take the scheme %s for Basic', async (scheme) => {
    expectOAuthError(await tokenRequest(raw(`${DEMO.clientId}:${DEMO.clientSecret}`, scheme)), 401, 'invalid_client');
  });

  it('takes the scheme name in any case (RFC 7235 §2.1)', async () => {
    expect((await tokenRequest(raw(`${DEMO.clientId}:${DEMO.clientSecret}`, 'bAsIc'))).status).toBe(200);
  });

  it('refuses Basic credentials with a body client_id naming another client (invalid_request), and accepts the same one', async () => {
    expectOAuthError(await tokenRequest(DEMO.basic, { client_id: oddClient.id }), 400, 'invalid_request');
    expectOAuthError(await tokenRequest(DEMO.basic, { client_id: 'nobody' }), 400, 'invalid_request');
    expect((await tokenRequest(DEMO.basic, { client_id: DEMO.clientId })).status).toBe(200);
  });

  it('authenticates a client whose id holds spaces and colons, form-urlencoded in Basic as §2.3.1 asks', async () => {
    const grant = { grant_type: 'client_credentials', scope: 'read' };
    const encoded = await request(t.http)
      .post('/oauth/token')
      .set('Authorization', basicAuth(oddClient.id, oddClient.secret))
      .type('form')
      .send(grant);
    expect(encoded.status).toBe(200);
    // A secret's colons need no encoding: only the first colon of the credentials separates the id.
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
    const rawColons = await request(t.http)
      .post('/oauth/token')
      .set('Authorization', raw(`${encode(oddClient.id)}:${oddClient.secret.replace(/[ +%]/g, encode)}`))
      .type('form')
      .send(grant);
    expect(rawColons.status).toBe(200);
    const post = await request(t.http)
      .post('/oauth/token')
      .type('form')
      .send({ ...grant, client_id: oddClient.id, client_secret: oddClient.secret });
    expect(post.status).toBe(200);
  });
});
