import { OAuthClientAdminService } from '@nest-oauth/server';
import { createLocalJWKSet, jwtVerify, type JWTPayload } from 'jose';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { authorizeUrl, exchangeCode, formAction, hiddenFields, pkcePair, redirectParameters, TestBrowser } from './support/authorization-flow';
import { basicAuth, DEMO, expectOAuthError, passwordGrant, startTestApp, type TestApp } from './support/test-app';

const ISSUER = 'https://auth.example.test';
const REDIRECT = 'https://rp.example.com/callback';

/** OpenID Connect Core 1.0 §3.1 (code flow), §5.3-5.4 (UserInfo, claims by scope) and Discovery 1.0 §4. */
describe('OpenID Connect', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let secret: string;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_ISSUER: ISSUER });
    secret = (
      await t.app.get(OAuthClientAdminService).create({
        id: 'rp',
        firstParty: true,
        grants: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'email', 'read'],
        redirectUris: [REDIRECT],
      })
    ).generatedSecret!;
  });

  afterAll(() => t?.close());

  /** Signs the demo user in for `scope` and exchanges the code. */
  async function tokensFor(scope: string, extra: Record<string, string> = {}) {
    const { verifier, challenge } = pkcePair();
    const browser = new TestBrowser(t.http);
    const page = await browser.get(
      authorizeUrl({
        response_type: 'code',
        client_id: 'rp',
        redirect_uri: REDIRECT,
        scope,
        code_challenge: challenge,
        code_challenge_method: 'S256',
        ...extra,
      }),
    );
    const redirected = await browser.post(formAction(page.text), { ...hiddenFields(page.text), username: DEMO.username, password: DEMO.password });
    const { code } = redirectParameters(redirected).params;
    const tokens = await exchangeCode(t.http, { code, redirect_uri: REDIRECT, code_verifier: verifier }, basicAuth('rp', secret));
    expect(tokens.status).toBe(200);
    return tokens.body as { access_token: string; id_token?: string; scope: string };
  }

  async function verifyIdToken(idToken: string): Promise<JWTPayload> {
    const discovery = (await request(t.http).get('/.well-known/openid-configuration')).body;
    const jwks = (await request(t.http).get(new URL(discovery.jwks_uri).pathname)).body;
    const { payload, protectedHeader } = await jwtVerify(idToken, createLocalJWKSet(jwks), { issuer: ISSUER, audience: 'rp', algorithms: ['ES256'] });
    expect(protectedHeader.typ).toBe('JWT');
    return payload;
  }

  it('§3.1.3.3: the token response carries an ID token with iss, sub, aud, exp, iat, auth_time, nonce and at_hash', async () => {
    const before = Math.floor(Date.now() / 1000);
    const tokens = await tokensFor('openid profile', { nonce: 'n-0S6_WzA2Mj' });
    const claims = await verifyIdToken(tokens.id_token!);
    const [user] = await t.sql<{ id: number }>('SELECT id FROM users WHERE email = ?', [DEMO.username]);
    expect(claims).toMatchObject({ iss: ISSUER, sub: String(user.id), aud: 'rp', nonce: 'n-0S6_WzA2Mj' });
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 1);
    expect(claims.iat).toBeGreaterThanOrEqual(claims.auth_time as number);
    expect(claims.exp).toBeGreaterThan(claims.iat!);
    // §3.1.3.6: the left half of SHA-256 of the access token (ES256), base64url.
    const digest = createHash('sha256').update(tokens.access_token).digest();
    expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
  });

  it('no openid scope, no ID token (plain OAuth)', async () => {
    const tokens = await tokensFor('read');
    expect(tokens.id_token).toBeUndefined();
  });

  it('§5.3-5.4: userinfo by GET and POST answers sub and the claims of the granted scopes only', async () => {
    const all = await tokensFor('openid profile email');
    for (const method of ['get', 'post'] as const) {
      const response = await request(t.http)[method]('/oauth/userinfo').set('Authorization', `Bearer ${all.access_token}`);
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toEqual({
        sub: expect.any(String),
        name: 'Admin Breakout',
        given_name: 'Admin',
        family_name: 'Breakout',
        email: DEMO.username,
        email_verified: false,
      });
    }
    const emailOnly = await tokensFor('openid email');
    expect((await request(t.http).get('/oauth/userinfo').set('Authorization', `Bearer ${emailOnly.access_token}`)).body).toEqual({
      sub: expect.any(String),
      email: DEMO.username,
      email_verified: false,
    });
    const bare = await tokensFor('openid');
    expect(Object.keys((await request(t.http).get('/oauth/userinfo').set('Authorization', `Bearer ${bare.access_token}`)).body)).toEqual(['sub']);
  });

  it('§5.3.3: userinfo without a token is 401 with a Bearer challenge; a token without openid is 403 insufficient_scope', async () => {
    const none = await request(t.http).get('/oauth/userinfo');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const plain = await passwordGrant(t.http, { scope: 'read' });
    expectOAuthError(
      await request(t.http).get('/oauth/userinfo').set('Authorization', `Bearer ${plain.body.access_token}`),
      403,
      'insufficient_scope',
    );
  });

  it('Discovery §4: /.well-known/openid-configuration names every endpoint, the keys and what is supported', async () => {
    const response = await request(t.http).get('/.well-known/openid-configuration');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      userinfo_endpoint: `${ISSUER}/oauth/userinfo`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
    });
    expect(response.body.scopes_supported).toContain('openid');
    expect(response.body.claims_supported).toEqual(expect.arrayContaining(['sub', 'name', 'email', 'email_verified']));
    expect((await request(t.http).get('/.well-known/oauth-authorization-server')).body.jwks_uri).toBe(`${ISSUER}/.well-known/jwks.json`);
  });
});
