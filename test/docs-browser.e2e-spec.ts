import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO, startTestApp, type TestApp } from './support/test-app';

/**
 * Swagger UI at /docs, in a real browser against the app listening on a real port: press Authorize, log in through
 * the OAuth2 password flow with the demo user and client, then "Try it out" on GET /me and see the user come back.
 * Needs Debian's chromium (.ci/run installs it); skipped, with one line saying so, where it is missing.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) process.stdout.write(`docs-browser.e2e-spec: skipped, ${CHROMIUM} is not installed (apt-get install chromium)\n`);

jest.setTimeout(120_000);

(haveChromium ? describe : describe.skip)('Swagger UI at /docs, in a browser', () => {
  let t: TestApp;
  let baseUrl: string;
  let userDataDir: string;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    userDataDir = mkdtempSync(join(tmpdir(), 'docs-browser-'));
    // launchPersistentContext is how Playwright takes a --user-data-dir: a fresh profile for every run.
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
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // The page works within its Content-Security-Policy: nothing it needs is refused.
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await t?.close();
  });

  it('logs in through the password flow with the demo credentials and calls GET /me from the page', async () => {
    await page.goto(`${baseUrl}/docs`);
    await page.locator('.swagger-ui .btn.authorize').first().click();

    // The oauth2 scheme's form in the Authorize dialog (the dialog also lists the bearer and clientBasic schemes).
    const oauth2 = page.locator('.auth-container').filter({ has: page.locator('h4', { hasText: 'oauth2 (OAuth2, password)' }) });
    await oauth2.locator('#oauth_username').fill(DEMO.username);
    await oauth2.locator('#oauth_password').fill(DEMO.password);
    // Swagger UI's default location for the client credentials: HTTP Basic, which the token endpoint accepts.
    await expect(oauth2.locator('#password_type').inputValue()).resolves.toBe('basic');
    await oauth2.locator('input[id^="client_id"]').fill(DEMO.clientId);
    await oauth2.locator('input[id^="client_secret"]').fill(DEMO.clientSecret);
    // Tick scope read (Swagger UI hides the checkbox behind its label).
    await oauth2.locator('label[for^="read-"]').click();
    await expect(oauth2.locator('input[type="checkbox"][id^="read-"]').isChecked()).resolves.toBe(true);

    const tokenResponse = page.waitForResponse((response) => new URL(response.url()).pathname === '/oauth/token');
    await oauth2.locator('.auth-btn-wrapper button.authorize').click();
    const token = await tokenResponse;
    expect(token.status()).toBe(200);
    expect(new URLSearchParams(token.request().postData() ?? '').get('scope')).toBe('read');
    await oauth2.locator('.auth-btn-wrapper button', { hasText: 'Logout' }).waitFor();
    await oauth2.locator('.auth-btn-wrapper button.btn-done').click();

    const operation = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/me"]') });
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.try-out__btn').click();
    const meResponse = page.waitForResponse((response) => new URL(response.url()).pathname === '/me');
    await operation.locator('.execute').click();
    const me = await meResponse;
    expect(me.status()).toBe(200);
    expect(me.request().headers()['authorization']).toMatch(/^Bearer \S+$/);

    const live = operation.locator('.live-responses-table .response').first();
    await live.waitFor();
    await expect(live.locator('.response-col_status').innerText()).resolves.toContain('200');
    await expect(live.locator('.response-col_description').innerText()).resolves.toContain(`"email": "${DEMO.username}"`);
    expect(pageErrors).toEqual([]);
  });
});
