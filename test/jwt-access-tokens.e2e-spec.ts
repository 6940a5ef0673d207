import { AccessTokenRepository } from '@nest-oauth/server';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type JWK } from 'jose';
import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { AppConfig } from '../apps/api/src/config/app-config';
import { APP_CONFIG } from '../apps/api/src/config/app-config.provider';
import { DEMO, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

const ISSUER = 'https://auth.example.com';

/** JWT access tokens (RFC 9068), verified locally by the Bearer guard and by any resource server with the JWKS. */
describe('JWT access tokens (RFC 9068)', () => {
  let t: TestApp;
  let signingKey: JWK;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_ACCESS_TOKEN_FORMAT: 'jwt', OAUTH_ISSUER: ISSUER });
    // The key file the app generated on first start: its private key lets the spec forge tokens.
    const config = t.app.get<AppConfig>(APP_CONFIG);
    signingKey = JSON.parse(readFileSync(config.oauth.jwt.keyFile, 'utf8')).current;
  });
  afterAll(() => t.close());

  const me = (token: string) => request(t.http).get('/me').set('Authorization', `Bearer ${token}`);

  /** A token signed with the app's own key, with the claims and header a test wants. */
  async function forge(claims: Record<string, unknown>, header: Record<string, unknown> = {}, key: JWK = signingKey): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { kid } = decodeProtectedHeader((await passwordGrant(t.http)).body.access_token);
    const payload = {
      iss: ISSUER,
      sub: '1',
      aud: ISSUER,
      iat: now,
      exp: now + 600,
      jti: 'j',
      client_id: DEMO.clientId,
      scope: 'read write',
      gid: 'g',
      uid: '1',
      ...claims,
    };
    return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid, ...header }).sign(await importJWK(key, 'ES256'));
  }

  it('issues signed JWTs with the RFC 9068 header and claims, and keeps refresh tokens opaque', async () => {
    const { body } = await passwordGrant(t.http, { scope: 'read' });
    const header = decodeProtectedHeader(body.access_token);
    const claims = decodeJwt(body.access_token);

    expect(header).toMatchObject({ typ: 'at+jwt', alg: 'ES256', kid: expect.any(String) });
    expect(claims).toMatchObject({ iss: ISSUER, aud: ISSUER, sub: expect.any(String), client_id: DEMO.clientId, scope: 'read' });
    expect(claims.exp! - claims.iat!).toBe(body.expires_in);
    expect(claims.jti).toEqual(expect.any(String));
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('publishes its keys at the jwks_uri of the metadata, where a resource server can verify the tokens', async () => {
    const metadata = (await request(t.http).get('/.well-known/oauth-authorization-server')).body;
    expect(metadata.jwks_uri).toBe(`${ISSUER}/.well-known/jwks.json`);

    const jwks = (await request(t.http).get(new URL(metadata.jwks_uri).pathname)).body;
    expect(jwks.keys.every((key: JWK) => key.d === undefined)).toBe(true);

    const { body } = await passwordGrant(t.http);
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), { issuer: ISSUER, audience: ISSUER, typ: 'at+jwt' });
    expect(payload.client_id).toBe(DEMO.clientId);
  });

  it('lets the Bearer guard accept a JWT without reading the token store', async () => {
    const { body } = await passwordGrant(t.http);
    const lookup = jest.spyOn(t.app.get(AccessTokenRepository), 'findByDigest');
    try {
      expect((await me(body.access_token)).status).toBe(200);
      expect(lookup).not.toHaveBeenCalled();
    } finally {
      lookup.mockRestore();
    }
  });

  it('accepts a token forged with the real key and valid claims (the refusals below are not accidents)', async () => {
    expect((await me(await forge({}))).status).toBe(200);
  });

  it.each([
    ['the wrong typ', () => forge({}, { typ: 'JWT' })],
    ['another issuer', () => forge({ iss: 'https://evil.example' })],
    ['another audience', () => forge({ aud: 'https://other.example' })],
    ['an expired exp', () => forge({ exp: Math.floor(Date.now() / 1000) - 5 })],
    ['an unknown key id', () => forge({}, { kid: 'not-a-key' })],
  ])('refuses a token with %s (401 invalid_token)', async (_case, make) => {
    expectOAuthError(await me(await make()), 401, 'invalid_token');
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${encode({ alg: 'none', typ: 'at+jwt' })}.${encode({ iss: ISSUER, aud: ISSUER, sub: '1', client_id: DEMO.clientId, scope: 'read', gid: 'g', iat: now, exp: now + 600 })}.`;
    expectOAuthError(await me(unsigned), 401, 'invalid_token');
  });

  it('refuses a token signed by another key under the right key id', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    expectOAuthError(await me(await forge({}, {}, await exportJWK(privateKey))), 401, 'invalid_token');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await passwordGrant(t.http, { scope: 'write' })).body.access_token.split('.');
    const payload = Buffer.from(JSON.stringify({ ...decodeJwt(await forge({})), scope: 'read write' })).toString('base64url');
    expectOAuthError(await me(`${header}.${payload}.${signature}`), 401, 'invalid_token');
  });

  it('still rotates refresh tokens and detects their reuse', async () => {
    const { body: first } = await passwordGrant(t.http);
    expect((await refreshGrant(t.http, first.refresh_token)).status).toBe(200);
    expectOAuthError(await refreshGrant(t.http, first.refresh_token), 400, 'invalid_grant');
  });
});
