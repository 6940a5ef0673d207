import { OAuthClientAdminService } from '@nest-oauth/server';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { authorizeUrl, exchangeCode, pkcePair } from './support/authorization-flow';
import { basicAuth, DEMO, startTestApp, type TestApp } from './support/test-app';

/**
 * The authorization code flow in a real browser against the app on a real port: the authorization request with
 * PKCE, the login page, the consent page, the redirect to a receiver listening on loopback, the code exchange, then
 * /me and userinfo; for a confidential and for a public client, and a second visit that the session lets through
 * without the login. Needs Debian's chromium (.ci/run installs it); skipped, with one line saying so, where missing.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) process.stdout.write(`authorization-browser.e2e-spec: skipped, ${CHROMIUM} is not installed (apt-get install chromium)\n`);

jest.setTimeout(120_000);

(haveChromium ? describe : describe.skip)('authorization code flow in a browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let receiver: Server;
  let callback: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  let webSecret: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    // The client's side: a page that only says it got the redirect.
    receiver = createServer((_request, response) => response.end('received'));
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/callback`;
    const admin = t.app.get(OAuthClientAdminService);
    webSecret = (
      await admin.create({
        id: 'browser_web',
        name: 'Browser Web',
        grants: ['authorization_code'],
        scopes: ['openid', 'read'],
        redirectUris: [callback],
      })
    ).generatedSecret!;
    // Registered without the port: a native app binds whichever is free (RFC 8252 §7.3).
    await admin.create({
      id: 'browser_spa',
      name: 'Browser SPA',
      tokenEndpointAuthMethod: 'none',
      grants: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'read'],
      redirectUris: ['http://127.0.0.1/callback'],
    });
    userDataDir = mkdtempSync(join(tmpdir(), 'authorization-browser-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await new Promise((resolve) => receiver?.close(resolve));
    await t?.close();
  });

  /** Opens the authorization request; returns the PKCE verifier of it. */
  async function open(clientId: string): Promise<string> {
    const { verifier, challenge } = pkcePair();
    const query = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callback,
      scope: 'openid read',
      state: 'st',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    };
    await page.goto(`${baseUrl}${authorizeUrl(query)}`);
    return verifier;
  }

  /** The code the receiver got, once the browser is there. */
  async function receivedCode(): Promise<string> {
    await page.waitForURL((url) => url.href.startsWith(callback));
    const url = new URL(page.url());
    expect(url.searchParams.get('state')).toBe('st');
    expect(url.searchParams.get('iss')).toBe(baseUrl);
    expect(await page.textContent('body')).toBe('received');
    return url.searchParams.get('code')!;
  }

  async function signInAndAllow(): Promise<void> {
    // Found by their labels, as a screen reader finds them.
    await page.getByLabel('Username').fill(DEMO.username);
    await page.getByLabel('Password').fill(DEMO.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await page.getByRole('button', { name: 'Allow' }).click();
  }

  async function expectWorkingAccessToken(accessToken: string): Promise<void> {
    const me = await request(t.http).get('/me').set('Authorization', `Bearer ${accessToken}`);
    expect({ status: me.status, email: me.body.email }).toEqual({ status: 200, email: DEMO.username });
    const userinfo = await request(t.http).get('/oauth/userinfo').set('Authorization', `Bearer ${accessToken}`);
    expect({ status: userinfo.status, sub: userinfo.body.sub }).toEqual({ status: 200, sub: String(me.body.id) });
  }

  it('a confidential client: login page, consent page, redirect with the code, exchange, /me and userinfo', async () => {
    const verifier = await open('browser_web');
    await expect(page.title()).resolves.toBe('Sign in');
    await signInAndAllow();
    const code = await receivedCode();
    const tokens = await exchangeCode(t.http, { code, redirect_uri: callback, code_verifier: verifier }, basicAuth('browser_web', webSecret));
    expect(tokens.status).toBe(200);
    expect(tokens.body.id_token).toEqual(expect.any(String));
    await expectWorkingAccessToken(tokens.body.access_token);
  });

  it('a second visit goes straight back to the client: the session skips the login, the remembered consent the consent page', async () => {
    const verifier = await open('browser_web');
    const code = await receivedCode();
    const tokens = await exchangeCode(t.http, { code, redirect_uri: callback, code_verifier: verifier }, basicAuth('browser_web', webSecret));
    expect(tokens.status).toBe(200);
  });

  it('a public client, in a browser signed out again: the whole flow, exchanged with its client_id alone', async () => {
    await context.clearCookies();
    const verifier = await open('browser_spa');
    await expect(page.title()).resolves.toBe('Sign in');
    await signInAndAllow();
    const code = await receivedCode();
    const tokens = await exchangeCode(t.http, { code, redirect_uri: callback, code_verifier: verifier, client_id: 'browser_spa' });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));
    await expectWorkingAccessToken(tokens.body.access_token);
  });
});
