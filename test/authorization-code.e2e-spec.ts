import { OAuthClientAdminService } from '@nest-oauth/server';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { authorizeUrl, exchangeCode, formAction, hiddenFields, pkcePair, redirectParameters, TestBrowser } from './support/authorization-flow';
import { controlClock } from './support/clock';
import { basicAuth, DEMO, expectOAuthError, refreshGrant, startTestApp, type TestApp } from './support/test-app';

const REDIRECT = 'https://app.example.com/callback';
const LOOPBACK = 'http://127.0.0.1/callback';

/** The authorization code grant with PKCE: RFC 6749 §4.1, RFC 7636, RFC 9207, RFC 9700 §2.1 and §4.1-4.2. */
describe('authorization code grant with PKCE', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let webSecret: string;
  const issuer = 'https://auth.example.test';

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_ISSUER: issuer });
    const admin = t.app.get(OAuthClientAdminService);
    webSecret = (
      await admin.create({
        id: 'web',
        firstParty: true,
        name: 'Web <app>',
        grants: ['authorization_code', 'refresh_token'],
        scopes: ['read', 'write'],
        redirectUris: [REDIRECT],
      })
    ).generatedSecret!;
    // Both first party, so that no consent page comes between the sign-in and the code (but for the public client,
    // see signIn): consent has its own spec.
    await admin.create({
      id: 'spa',
      firstParty: true,
      tokenEndpointAuthMethod: 'none',
      grants: ['authorization_code', 'refresh_token'],
      scopes: ['read'],
      redirectUris: [LOOPBACK, 'com.example.app:/oauth'],
    });
  });

  afterAll(() => t?.close());

  function authorizeParams(overrides: Record<string, string | undefined> = {}, challenge = pkcePair().challenge) {
    return {
      response_type: 'code',
      client_id: 'web',
      redirect_uri: REDIRECT,
      scope: 'read',
      state: 'xyz 1',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...overrides,
    };
  }

  /**
   * The login page, then the sign-in with the demo user: the redirect back with the code. A public client on a
   * loopback port or its own URI scheme is confirmed on every visit, first party or not (RFC 8252 §8.6): then the
   * consent page comes between, and is allowed.
   */
  async function signIn(browser: TestBrowser, params: Record<string, string | undefined>, password = DEMO.password) {
    const page = await browser.get(authorizeUrl(params));
    expect(page.status).toBe(200);
    const answer = await browser.post(formAction(page.text), { ...hiddenFields(page.text), username: DEMO.username, password });
    if (params.client_id !== 'spa') return answer;
    expect(answer.text).toContain('name="decision" value="allow"');
    return browser.post(formAction(answer.text), { ...hiddenFields(answer.text), decision: 'allow' });
  }

  async function codeFor(params: Record<string, string | undefined> = {}): Promise<{ code: string; verifier: string }> {
    const { verifier, challenge } = pkcePair();
    const redirected = await signIn(new TestBrowser(t.http), authorizeParams(params, challenge));
    expect(redirected.status).toBe(303);
    return { code: redirectParameters(redirected).params.code, verifier };
  }

  describe('§4.1.1-4.1.2: the authorization request and response', () => {
    it('shows a login form, and after the sign-in redirects to the redirect URI with the code, the state and iss (RFC 9207)', async () => {
      const browser = new TestBrowser(t.http);
      const page = await browser.get(authorizeUrl(authorizeParams()));
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.text).toContain('<label for="password">Password</label>');
      expect(page.text).toContain('Web &#60;app&#62;');
      const redirected = await browser.post(formAction(page.text), { ...hiddenFields(page.text), username: DEMO.username, password: DEMO.password });
      expect(redirected.status).toBe(303);
      const { base, params } = redirectParameters(redirected);
      expect(base).toBe(REDIRECT);
      expect(Object.keys(params).sort()).toEqual(['code', 'iss', 'state']);
      expect(params).toMatchObject({ state: 'xyz 1', iss: issuer });
      // 256 bits, base64url.
      expect(params.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('stores the code as its SHA-256 digest, never itself', async () => {
      const { code } = await codeFor();
      const digest = createHash('sha256').update(code).digest('hex');
      const rows = await t.sql<{ digest: string }>('SELECT digest FROM oauth_authorization_codes');
      expect(rows.map((row) => row.digest)).toContain(digest);
      expect(JSON.stringify(rows)).not.toContain(code);
    });

    it('§4.1.3: exchanges the code for tokens that work at /me, and a refresh token that rotates', async () => {
      const { code, verifier } = await codeFor();
      const tokens = await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, basicAuth('web', webSecret));
      expect(tokens.status).toBe(200);
      expect(tokens.headers['cache-control']).toBe('no-store');
      expect(tokens.body).toMatchObject({ token_type: 'bearer', scope: 'read', expires_in: expect.any(Number) });
      const me = await request(t.http).get('/me').set('Authorization', `Bearer ${tokens.body.access_token}`);
      expect({ status: me.status, email: me.body.email }).toEqual({ status: 200, email: DEMO.username });
      const refreshed = await refreshGrant(t.http, tokens.body.refresh_token, {}, basicAuth('web', webSecret));
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(tokens.body.refresh_token);
      expectOAuthError(await refreshGrant(t.http, tokens.body.refresh_token, {}, basicAuth('web', webSecret)), 400, 'invalid_grant');
    });

    it('a public client completes the flow with its client_id alone; a loopback redirect URI may vary its port (RFC 8252 §7.3)', async () => {
      const redirectUri = 'http://127.0.0.1:49152/callback';
      const { code, verifier } = await codeFor({ client_id: 'spa', redirect_uri: redirectUri });
      const tokens = await exchangeCode(t.http, { code, redirect_uri: redirectUri, code_verifier: verifier, client_id: 'spa' });
      expect(tokens.status).toBe(200);
      expect(tokens.body.refresh_token).toEqual(expect.any(String));
      expect(
        (
          await request(t.http)
            .post('/oauth/token')
            .type('form')
            .send({ grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token, client_id: 'spa' })
        ).status,
      ).toBe(200);
    });

    it('a native app gets its code at its private-use scheme', async () => {
      const redirected = await signIn(new TestBrowser(t.http), authorizeParams({ client_id: 'spa', redirect_uri: 'com.example.app:/oauth' }));
      expect(String(redirected.headers.location)).toMatch(/^com\.example\.app:\/oauth\?code=[A-Za-z0-9_-]{43}&state=xyz\+1&iss=/);
    });
  });

  describe('§4.1.2.1: errors', () => {
    it.each([
      ['an unknown client', { client_id: 'nobody' }],
      ['no client_id', { client_id: undefined }],
      ['an unregistered redirect URI', { redirect_uri: 'https://evil.example.com/callback' }],
      ['a redirect URI that only starts like the registered one', { redirect_uri: `${REDIRECT}/../x` }],
      ['no redirect URI', { redirect_uri: undefined }],
    ])('%s: an error page, never a redirect', async (_case, overrides) => {
      const response = await request(t.http).get(authorizeUrl(authorizeParams(overrides)));
      expect(response.status).toBe(400);
      expect(response.headers.location).toBeUndefined();
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('Cannot continue');
      expect(response.text).not.toContain('evil.example.com');
    });

    it('a repeated redirect_uri is an error page too', async () => {
      const response = await request(t.http).get(
        `${authorizeUrl(authorizeParams())}&redirect_uri=${encodeURIComponent('https://evil.example.com/cb')}`,
      );
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    });

    it.each([
      ['no response_type', 'invalid_request', { response_type: undefined }],
      ['response_type=token (implicit, RFC 9700 §2.1.2)', 'unsupported_response_type', { response_type: 'token' }],
      ['no code_challenge (RFC 9700 §2.1.1)', 'invalid_request', { code_challenge: undefined }],
      ['code_challenge_method=plain', 'invalid_request', { code_challenge_method: 'plain' }],
      ['no code_challenge_method (which would mean plain)', 'invalid_request', { code_challenge_method: undefined }],
      ['a malformed code_challenge', 'invalid_request', { code_challenge: 'short' }],
      ['a scope the client does not have', 'invalid_scope', { scope: 'admin' }],
      ['prompt=none with nobody signed in (OIDC Core §3.1.2.6)', 'login_required', { prompt: 'none' }],
      ['an unknown prompt', 'invalid_request', { prompt: 'maybe' }],
    ])('%s: redirected with error=%s, the state and iss', async (_case, error, overrides) => {
      const response = await request(t.http).get(authorizeUrl(authorizeParams(overrides as Record<string, string | undefined>)));
      expect(response.status).toBe(302);
      const { base, params } = redirectParameters(response);
      expect(base).toBe(REDIRECT);
      expect(params).toMatchObject({ error, state: 'xyz 1', iss: issuer });
      expect(params.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('a client without the authorization_code grant: unauthorized_client', async () => {
      await t.app.get(OAuthClientAdminService).create({ id: 'backend', grants: ['client_credentials'], scopes: ['read'], redirectUris: [REDIRECT] });
      const response = await request(t.http).get(authorizeUrl(authorizeParams({ client_id: 'backend' })));
      expect(redirectParameters(response).params.error).toBe('unauthorized_client');
    });
  });

  describe('§4.1.3 and RFC 7636 §4.6: the token request must match the code', () => {
    it('refuses a wrong code_verifier, a missing one, a different redirect_uri, and another client', async () => {
      const { code, verifier } = await codeFor();
      const auth = basicAuth('web', webSecret);
      expectOAuthError(await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: pkcePair().verifier }, auth), 400, 'invalid_grant');
      expectOAuthError(await exchangeCode(t.http, { code, redirect_uri: REDIRECT }, auth), 400, 'invalid_request');
      expectOAuthError(await exchangeCode(t.http, { code, redirect_uri: `${REDIRECT}?x`, code_verifier: verifier }, auth), 400, 'invalid_grant');
      expectOAuthError(await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: 'spa' }), 400, 'invalid_grant');
      // None of these spent the code.
      expect((await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, auth)).status).toBe(200);
    });

    it('refuses a made-up code, and a code of absurd length, as invalid_grant', async () => {
      const auth = basicAuth('web', webSecret);
      const verifier = pkcePair().verifier;
      expectOAuthError(await exchangeCode(t.http, { code: 'made-up', redirect_uri: REDIRECT, code_verifier: verifier }, auth), 400, 'invalid_grant');
      expectOAuthError(
        await exchangeCode(t.http, { code: 'x'.repeat(5000), redirect_uri: REDIRECT, code_verifier: verifier }, auth),
        400,
        'invalid_grant',
      );
    });

    it('a code expires after 60 seconds', async () => {
      const { code, verifier } = await codeFor();
      const clock = controlClock();
      try {
        clock.advance(61);
        expectOAuthError(
          await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, basicAuth('web', webSecret)),
          400,
          'invalid_grant',
        );
      } finally {
        clock.restore();
      }
    });
  });

  describe('§4.1.2: a code works once', () => {
    it('a second use is refused and revokes the tokens the first one got', async () => {
      const { code, verifier } = await codeFor();
      const auth = basicAuth('web', webSecret);
      const first = await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, auth);
      expect(first.status).toBe(200);
      expectOAuthError(await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, auth), 400, 'invalid_grant');
      expect((await request(t.http).get('/me').set('Authorization', `Bearer ${first.body.access_token}`)).status).toBe(401);
      expectOAuthError(await refreshGrant(t.http, first.body.refresh_token, {}, auth), 400, 'invalid_grant');
    });

    it('of 20 parallel redemptions exactly one gets tokens, and those are revoked as the code was used again', async () => {
      const { code, verifier } = await codeFor();
      const auth = basicAuth('web', webSecret);
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, auth)),
      );
      const winners = responses.filter((response) => response.status === 200);
      expect(winners).toHaveLength(1);
      for (const response of responses.filter((candidate) => candidate.status !== 200)) expectOAuthError(response, 400, 'invalid_grant');
      expect((await request(t.http).get('/me').set('Authorization', `Bearer ${winners[0].body.access_token}`)).status).toBe(401);
      // No grant of this code is left alive.
      const live = await t.sql<{ n: number }>(
        "SELECT COUNT(*) AS n FROM oauth_grants WHERE grant_type = 'authorization_code' AND revoked_at IS NULL AND id IN (SELECT grant_id FROM oauth_authorization_codes WHERE digest = ?)",
        [createHash('sha256').update(code).digest('hex')],
      );
      expect(Number(live[0].n)).toBe(0);
    });
  });

  describe('the login form', () => {
    it('answers a wrong password with the form again and an error, and no redirect', async () => {
      const response = await signIn(new TestBrowser(t.http), authorizeParams(), 'wrong');
      expect(response.status).toBe(401);
      expect(response.headers.location).toBeUndefined();
      expect(response.text).toContain('Invalid username or password.');
      expect(response.text).toContain(`value="${DEMO.username}"`);
      expect(response.text).not.toContain('wrong');
    });

    it('refuses a form without the CSRF cookie, or with another token (403, nothing checked)', async () => {
      const browser = new TestBrowser(t.http);
      const page = await browser.get(authorizeUrl(authorizeParams()));
      const fields = { ...hiddenFields(page.text), username: DEMO.username, password: DEMO.password };
      const noCookie = await request(t.http).post(formAction(page.text)).type('form').send(fields);
      expect({ status: noCookie.status, location: noCookie.headers.location }).toEqual({ status: 403, location: undefined });
      const forged = await browser.post(formAction(page.text), { ...fields, csrf_token: 'A'.repeat(43) });
      expect(forged.status).toBe(403);
    });

    it('checks the request again on the form: a changed redirect_uri gets an error page', async () => {
      const browser = new TestBrowser(t.http);
      const page = await browser.get(authorizeUrl(authorizeParams()));
      const response = await browser.post(formAction(page.text), {
        ...hiddenFields(page.text),
        redirect_uri: 'https://evil.example.com/cb',
        username: DEMO.username,
        password: DEMO.password,
      });
      expect({ status: response.status, location: response.headers.location }).toEqual({ status: 400, location: undefined });
    });

    it('sends no-store, no framing and a CSP without scripts; the CSRF cookie is HttpOnly and SameSite=Lax', async () => {
      const page = await request(t.http).get(authorizeUrl(authorizeParams()));
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['x-frame-options']).toBe('DENY');
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      const cookie = (page.headers['set-cookie'] as unknown as string[]).find((entry) => entry.startsWith('oauth_csrf='))!;
      expect(cookie).toMatch(/; HttpOnly/);
      expect(cookie).toMatch(/; SameSite=Lax/);
      expect(page.text).not.toContain('<script');
    });
  });

  describe('RFC 8414 metadata', () => {
    it('names the authorization endpoint, the code response type, S256 only, iss in responses, and public clients', async () => {
      const { body } = await request(t.http).get('/.well-known/oauth-authorization-server');
      expect(body).toMatchObject({
        authorization_endpoint: `${issuer}/oauth/authorize`,
        response_types_supported: ['code'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      });
      expect(body.grant_types_supported).toContain('authorization_code');
    });
  });
});
