import { OAuthClientAdminService } from '@nest-oauth/server';
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEMO, startTestApp, type TestApp } from './support/test-app';

/**
 * A real relying party: openid-client (panva) discovers the server, completes the authorization code flow with its
 * own PKCE, state and nonce, validates the response and the ID token by its own rules, and reads userinfo.
 */
describe('openid-client against the server', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let issuer: string;
  let secret: string;

  beforeAll(async () => {
    // The issuer is fixed before the app starts (it is in every ID token), so the port is chosen first.
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    t = await startTestApp({ OAUTH_ISSUER: issuer });
    await t.app.listen(port, '127.0.0.1');
    secret = (
      await t.app.get(OAuthClientAdminService).create({
        id: 'relying_party',
        firstParty: true,
        grants: ['authorization_code'],
        scopes: ['openid', 'profile', 'email'],
        redirectUris: ['https://rp.example.com/cb'],
      })
    ).generatedSecret!;
  });

  afterAll(() => t?.close());

  it('discovers the server, signs the user in with PKCE, accepts the ID token and reads userinfo', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        join(__dirname, 'support', 'openid-client-flow.mjs'),
        issuer,
        'relying_party',
        secret,
        'https://rp.example.com/cb',
        DEMO.username,
        DEMO.password,
      ],
      { timeout: 30_000 },
    );
    const result = JSON.parse(stdout);
    const [user] = await t.sql<{ id: number }>('SELECT id FROM users WHERE email = ?', [DEMO.username]);
    expect(result.issuer).toBe(issuer);
    expect(result.claims).toMatchObject({ iss: issuer, aud: 'relying_party', sub: String(user.id), nonce: expect.any(String) });
    expect(result.userinfo).toEqual({
      sub: String(user.id),
      name: 'Admin Breakout',
      given_name: 'Admin',
      family_name: 'Breakout',
      email: DEMO.username,
      email_verified: false,
    });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
