import request from 'supertest';
import { basicAuth, createClient, DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

/** Every way a token request can fail, each with its RFC 6749 §5.2 status, code and headers. */
describe('POST /oauth/token errors', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await createClient(t.dataSource, { id: 'refresh_only', secret: 'refresh-only-secret', grants: ['refresh_token'], scopes: ['read'] });
    await createClient(t.dataSource, { id: 'my client', secret: 'se:cr+et %', grants: ['password'], scopes: ['read'] });
  });
  afterAll(() => t.close());

  const token = () => request(t.http).post('/oauth/token');

  describe('invalid_request (§5.2)', () => {
    it('when grant_type is missing', async () => {
      const response = await token().set('Authorization', DEMO.basic).type('form').send('username=a&password=b');
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when a parameter is sent more than once (§3.2)', async () => {
      const response = await token().set('Authorization', DEMO.basic).type('form').send('grant_type=password&username=a&username=b&password=c');
      expectOAuthError(response, 400, 'invalid_request');
      expect(response.body.error_description).toContain('more than once');
    });

    it('when a parameter is sent without a value, as if it were omitted (§3.2)', async () => {
      const response = await token()
        .set('Authorization', DEMO.basic)
        .type('form')
        .send(`grant_type=password&username=${encodeURIComponent(DEMO.username)}&password=`);
      expectOAuthError(response, 400, 'invalid_request');
      expect(response.body.error_description).toContain('password');
    });

    it('ignores parameters it does not know (§3.2)', async () => {
      const response = await passwordGrant(t.http, { foo: 'bar', 'a[b]': 'c' });
      expect(response.status).toBe(200);
    });

    it('when the body is JSON instead of a form (§3.2)', async () => {
      const response = await token()
        .set('Authorization', DEMO.basic)
        .set('Content-Type', 'application/json')
        .send(JSON.stringify({ grant_type: 'password', username: DEMO.username, password: DEMO.password }));
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when the body is malformed JSON', async () => {
      const response = await token().set('Authorization', DEMO.basic).set('Content-Type', 'application/json').send('{"grant_type":');
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when there is no body at all', async () => {
      const response = await token().set('Authorization', DEMO.basic);
      expectOAuthError(response, 400, 'invalid_request');
    });

    it('when the password grant lacks username or password (§4.3.2)', async () => {
      expectOAuthError(await token().set('Authorization', DEMO.basic).type('form').send('grant_type=password&password=x'), 400, 'invalid_request');
      expectOAuthError(await token().set('Authorization', DEMO.basic).type('form').send('grant_type=password&username=x'), 400, 'invalid_request');
    });

    it('when the refresh grant lacks refresh_token (§6)', async () => {
      expectOAuthError(await token().set('Authorization', DEMO.basic).type('form').send('grant_type=refresh_token'), 400, 'invalid_request');
    });

    it('with 413 when the body is larger than 16 KiB', async () => {
      const response = await token()
        .set('Authorization', DEMO.basic)
        .type('form')
        .send(`grant_type=password&username=${'a'.repeat(17 * 1024)}`);
      expectOAuthError(response, 413, 'invalid_request');
    });

    it('with 415 when the body declares a charset the parser cannot read', async () => {
      const response = await token()
        .set('Authorization', DEMO.basic)
        .set('Content-Type', 'application/x-www-form-urlencoded; charset=klingon')
        .send('grant_type=password');
      expectOAuthError(response, 415, 'invalid_request');
    });
  });

  describe('invalid_client (§5.2): 401 with a Basic challenge', () => {
    const expectInvalidClient = (response: request.Response) => {
      expectOAuthError(response, 401, 'invalid_client');
      expect(response.headers['www-authenticate']).toMatch(/^Basic realm="breakout"/);
    };

    it('when no client credentials are sent at all', async () => {
      expectInvalidClient(await token().type('form').send('grant_type=password&username=a&password=b'));
    });

    it('when the secret is wrong', async () => {
      expectInvalidClient(await passwordGrant(t.http, {}, basicAuth(DEMO.clientId, 'wrong')));
    });

    it('when the client is unknown', async () => {
      expectInvalidClient(await passwordGrant(t.http, {}, basicAuth('nobody', DEMO.clientSecret)));
    });

    it.each([
      ['no credentials after the scheme', 'Basic'],
      ['credentials without a colon', `Basic ${Buffer.from('breakout_app').toString('base64')}`],
      ['garbage instead of base64', 'Basic !!!***'],
      ['another scheme', 'Bearer abc'],
      ['a broken percent-encoding', `Basic ${Buffer.from('breakout%ZZapp:123456789').toString('base64')}`],
    ])('when the Authorization header has %s', async (_case, header) => {
      expectInvalidClient(await passwordGrant(t.http, {}, header));
    });

    it('decodes id and secret as form-urlencoded before base64 (§2.3.1)', async () => {
      const response = await passwordGrant(t.http, { scope: 'read' }, basicAuth('my client', 'se:cr+et %'));
      expect(response.status).toBe(200);
      // The same characters sent without the form-encoding are a different secret.
      const raw = await passwordGrant(t.http, { scope: 'read' }, `Basic ${Buffer.from('my client:se:cr+et %').toString('base64')}`);
      expectInvalidClient(raw);
    });
  });

  describe('invalid_grant (§5.2)', () => {
    it('gives the same answer for a wrong password and an unknown user', async () => {
      const wrongPassword = await passwordGrant(t.http, { password: 'not-the-password' });
      const unknownUser = await passwordGrant(t.http, { username: 'nobody@break-out.org' });
      expectOAuthError(wrongPassword, 400, 'invalid_grant');
      expect(unknownUser.status).toBe(wrongPassword.status);
      expect(unknownUser.body).toEqual(wrongPassword.body);
    });

    it('for an unknown refresh token', async () => {
      expectOAuthError(await refreshGrant(t.http, 'not-a-token'), 400, 'invalid_grant');
    });
  });

  it('unauthorized_client when the client may not use the grant (§5.2)', async () => {
    const response = await passwordGrant(t.http, {}, basicAuth('refresh_only', 'refresh-only-secret'));
    expectOAuthError(response, 400, 'unauthorized_client');
  });

  it.each(['urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code', 'nonsense'])(
    'unsupported_grant_type for grant_type=%s (§5.2)',
    async (grantType) => {
      const response = await token().set('Authorization', DEMO.basic).type('form').send({ grant_type: grantType });
      expectOAuthError(response, 400, 'unsupported_grant_type');
    },
  );

  describe('scope (§3.3)', () => {
    it('grants the client defaults when none is asked for', async () => {
      const response = await passwordGrant(t.http);
      expect(response.body.scope).toBe('read write');
    });

    it('grants a subset of the allowed scopes', async () => {
      const response = await passwordGrant(t.http, { scope: 'read' });
      expect(response.status).toBe(200);
      expect(response.body.scope).toBe('read');
    });

    it('is invalid_scope beyond the allowed scopes, or when malformed', async () => {
      expectOAuthError(await passwordGrant(t.http, { scope: 'read admin' }), 400, 'invalid_scope');
      expectOAuthError(await passwordGrant(t.http, { scope: 'read "write"' }), 400, 'invalid_scope');
    });

    it('lets a refresh narrow the scope but never widen it (§6)', async () => {
      const { body: narrow } = await passwordGrant(t.http, { scope: 'read' });
      expectOAuthError(await refreshGrant(t.http, narrow.refresh_token, { scope: 'read write' }), 400, 'invalid_scope');

      const { body: wide } = await passwordGrant(t.http);
      const narrowed = await refreshGrant(t.http, wide.refresh_token, { scope: 'read' });
      expect(narrowed.status).toBe(200);
      expect(narrowed.body.scope).toBe('read');
      // The new refresh token keeps the original scope, so a later refresh may ask for it all again.
      const widenedBack = await refreshGrant(t.http, narrowed.body.refresh_token, { scope: 'read write' });
      expect(widenedBack.status).toBe(200);
      expect(widenedBack.body.scope).toBe('read write');
    });
  });

  it('binds a refresh token to the client it was issued to (§10.4)', async () => {
    await createClient(t.dataSource, { id: 'other_app', secret: 'other-secret', grants: ['password', 'refresh_token'], scopes: ['read', 'write'] });
    const { body } = await passwordGrant(t.http);
    expectOAuthError(await refreshGrant(t.http, body.refresh_token, {}, basicAuth('other_app', 'other-secret')), 400, 'invalid_grant');
    // The failed attempt by the other client did not burn the token for its owner.
    expect((await refreshGrant(t.http, body.refresh_token)).status).toBe(200);
  });
});
