import { OAuthClientAdminService, UserRevocationService } from '@nest-oauth/server';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { authorizeUrl, exchangeCode, formAction, hiddenFields, pkcePair, redirectParameters, TestBrowser } from './support/authorization-flow';
import { UsersService } from '../apps/api/src/users/users.service';
import { controlClock } from './support/clock';
import { DEMO, passwordGrant, startTestApp, type TestApp } from './support/test-app';

const REDIRECT = 'https://third.example.com/callback';

/**
 * The login and consent pages of the authorization endpoint: the browser session, remembered consent, `prompt` and
 * `max_age` (OIDC Core §3.1.2.1), and Deny (RFC 6749 §4.1.2.1 access_denied).
 */
describe('authorization endpoint: login, session and consent', () => {
  jest.setTimeout(60_000);

  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_LOGIN_MAX_FAILURES: '3' });
    const admin = t.app.get(OAuthClientAdminService);
    await admin.create({ id: 'third', name: 'Third App', grants: ['authorization_code'], scopes: ['read', 'write'], redirectUris: [REDIRECT] });
    await admin.create({ id: 'own', firstParty: true, grants: ['authorization_code'], scopes: ['read'], redirectUris: [REDIRECT] });
  });

  afterAll(() => t?.close());

  const params = (overrides: Record<string, string> = {}) => ({
    response_type: 'code',
    client_id: 'third',
    redirect_uri: REDIRECT,
    scope: 'read',
    state: 's1',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });

  /** Each test signs in as a user of its own, so that no consent carries over from another test. */
  let username: string;
  let userCount = 0;
  beforeEach(async () => {
    username = `user${++userCount}@example.org`;
    await t.app.get(UsersService).create({ email: username, password: DEMO.password });
  });

  async function login(browser: TestBrowser, page: request.Response, password = DEMO.password, as = username) {
    return browser.post(formAction(page.text), { ...hiddenFields(page.text), username: as, password });
  }

  /** Signs a new browser in and allows `third` the scope `read`. */
  async function signedInBrowser(): Promise<TestBrowser> {
    const browser = new TestBrowser(t.http);
    const consent = await login(browser, await browser.get(authorizeUrl(params())));
    expect(consent.status).toBe(200);
    const allowed = await browser.post(formAction(consent.text), { ...hiddenFields(consent.text), decision: 'allow' });
    expect(allowed.status).toBe(303);
    return browser;
  }

  it('after the sign-in shows the consent page, with the client, the user, the scopes, Allow and Deny; Allow redirects with the code', async () => {
    const browser = new TestBrowser(t.http);
    const consent = await login(browser, await browser.get(authorizeUrl(params({ scope: 'read write' }))));
    expect(consent.status).toBe(200);
    expect(consent.headers['x-frame-options']).toBe('DENY');
    expect(consent.headers['cache-control']).toBe('no-store');
    expect(consent.text).toContain('Third App');
    expect(consent.text).toContain(username);
    expect(consent.text).toContain('<li>read</li><li>write</li>');
    expect(consent.text).toContain('<button type="submit" name="decision" value="allow">Allow</button>');
    expect(consent.text).toContain('<button type="submit" name="decision" value="deny">Deny</button>');
    const allowed = await browser.post(formAction(consent.text), { ...hiddenFields(consent.text), decision: 'allow' });
    expect(allowed.status).toBe(303);
    expect(redirectParameters(allowed).params).toMatchObject({ code: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), state: 's1' });
  });

  it('Deny redirects with error=access_denied, the state and iss, and remembers nothing', async () => {
    const browser = new TestBrowser(t.http);
    const consent = await login(browser, await browser.get(authorizeUrl(params({ scope: 'write' }))));
    const denied = await browser.post(formAction(consent.text), { ...hiddenFields(consent.text), decision: 'deny' });
    expect(denied.status).toBe(303);
    expect(redirectParameters(denied).params).toMatchObject({ error: 'access_denied', state: 's1', iss: expect.stringMatching(/^http:\/\//) });
    expect(redirectParameters(denied).params.code).toBeUndefined();
    // Asked again next time.
    expect((await browser.get(authorizeUrl(params({ scope: 'write' })))).text).toContain('Allow access?');
  });

  it('a signed-in browser is not asked again: the session skips the login and the remembered consent the consent page', async () => {
    const browser = await signedInBrowser();
    const again = await browser.get(authorizeUrl(params()));
    expect(again.status).toBe(302);
    expect(redirectParameters(again).params.code).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('consent is per scope: a wider request asks again, for all its scopes', async () => {
    const browser = await signedInBrowser();
    const wider = await browser.get(authorizeUrl(params({ scope: 'read write' })));
    expect(wider.status).toBe(200);
    expect(wider.text).toContain('<li>read</li><li>write</li>');
  });

  it('a first-party client gets no consent page', async () => {
    const browser = new TestBrowser(t.http);
    const redirected = await login(browser, await browser.get(authorizeUrl(params({ client_id: 'own' }))));
    expect(redirected.status).toBe(303);
    expect(redirectParameters(redirected).params.code).toBeDefined();
  });

  it('prompt=login asks for the password despite the session; prompt=consent asks for consent despite the memory', async () => {
    const browser = await signedInBrowser();
    const loginPage = await browser.get(authorizeUrl(params({ prompt: 'login' })));
    expect({ status: loginPage.status, form: loginPage.text.includes('name="password"') }).toEqual({ status: 200, form: true });
    const consentPage = await browser.get(authorizeUrl(params({ prompt: 'consent' })));
    expect({ status: consentPage.status, consent: consentPage.text.includes('Allow access?') }).toEqual({ status: 200, consent: true });
  });

  it('prompt=none: a code when signed in and consented, consent_required when not consented', async () => {
    const browser = await signedInBrowser();
    const silent = await browser.get(authorizeUrl(params({ prompt: 'none' })));
    expect(redirectParameters(silent).params.code).toBeDefined();
    const notConsented = await browser.get(authorizeUrl(params({ prompt: 'none', scope: 'write' })));
    expect(redirectParameters(notConsented).params).toMatchObject({ error: 'consent_required', state: 's1' });
  });

  it('max_age: a sign-in older than it asks for the password again; the session ends when idle for an hour', async () => {
    const browser = await signedInBrowser();
    const clock = controlClock();
    try {
      clock.advance(120);
      expect((await browser.get(authorizeUrl(params({ max_age: '60' })))).text).toContain('name="password"');
      expect((await browser.get(authorizeUrl(params({ max_age: '600' })))).status).toBe(302);
      clock.advance(3601);
      expect((await browser.get(authorizeUrl(params()))).text).toContain('name="password"');
    } finally {
      clock.restore();
    }
  });

  it("a new password ends the user's browser sessions: the next request asks for the password again", async () => {
    const browser = await signedInBrowser();
    expect((await browser.get(authorizeUrl(params()))).status).toBe(302);
    // What the host does after changing the password (the admin CLI's user:set-password does the same).
    const user = await t.app.get(UsersService).findByEmail(username);
    await t.app.get(UserRevocationService).revokeUser(String(user!.id), 'password changed');
    const after = await browser.get(authorizeUrl(params()));
    expect({ status: after.status, login: after.text.includes('name="password"') }).toEqual({ status: 200, login: true });
  });

  it('the session cookie is HttpOnly and SameSite=Lax (not Secure in development), and only its digest is stored', async () => {
    const browser = new TestBrowser(t.http);
    const page = await browser.get(authorizeUrl(params()));
    const response = await request(t.http)
      .post(formAction(page.text))
      .set('Cookie', browser.cookieHeader)
      .type('form')
      .send({ ...hiddenFields(page.text), username, password: DEMO.password });
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((entry) => entry.startsWith('oauth_session='))!;
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const value = cookie.split(';')[0].split('=')[1];
    const rows = await t.sql<{ digest: string }>('SELECT digest FROM oauth_sessions');
    expect(rows.map((row) => row.digest)).toContain(createHash('sha256').update(value).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(value);
  });

  it('refuses a consent form without the CSRF token', async () => {
    const browser = new TestBrowser(t.http);
    const consent = await login(browser, await browser.get(authorizeUrl(params())));
    const { csrf_token: _token, ...fields } = hiddenFields(consent.text);
    const forged = await browser.post(formAction(consent.text), { ...fields, decision: 'allow' });
    expect({ status: forged.status, location: forged.headers.location }).toEqual({ status: 403, location: undefined });
  });

  it("the README's link works against the demo seed: sign in as the demo user, allow, and exchange the code with its verifier", async () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    const link = /<(http:\/\/localhost:3000\/oauth\/authorize\?[^>]+)>/.exec(readme)![1];
    const verifier = /code_verifier=([A-Za-z0-9_-]+)/.exec(readme)![1];
    const browser = new TestBrowser(t.http);
    const url = new URL(link);
    const consent = await login(browser, await browser.get(`${url.pathname}${url.search}`), DEMO.password, DEMO.username);
    const allowed = await browser.post(formAction(consent.text), { ...hiddenFields(consent.text), decision: 'allow' });
    const { base, params: back } = redirectParameters(allowed);
    expect(base).toBe('http://127.0.0.1:8080/callback');
    const redirectUri = url.searchParams.get('redirect_uri')!;
    const tokens = await exchangeCode(t.http, { client_id: 'demo_spa', redirect_uri: redirectUri, code_verifier: verifier, code: back.code });
    expect(tokens.status).toBe(200);
    const me = await request(t.http).get('/me').set('Authorization', `Bearer ${tokens.body.access_token}`);
    expect(me.body.email).toBe(DEMO.username);
  });

  it('shares the password grant lockout: after 3 failures on the form, the form and the password grant are locked', async () => {
    const user = { username: 'locked@example.org' };
    await t.app.get(UsersService).create({ email: user.username, password: 'right password' });
    const browser = new TestBrowser(t.http);
    for (let attempt = 0; attempt < 3; attempt++) {
      const page = await browser.get(authorizeUrl(params()));
      expect((await login(browser, page, 'wrong', user.username)).status).toBe(401);
    }
    const locked = await login(browser, await browser.get(authorizeUrl(params())), 'right password', user.username);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many failed sign-ins');
    const grant = await passwordGrant(t.http, { username: user.username, password: 'right password' });
    expect(grant.status).toBe(429);
  });
});
