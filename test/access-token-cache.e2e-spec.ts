import request from 'supertest';
import { startAppProcess, type AppProcess } from './support/app-process';
import { runCliProcess } from './support/cli-process';
import { DEMO, basicAuth, expectOAuthError, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';

/**
 * The validated access-token cache, on by default: an instance remembers the access tokens it validated, and
 * every revocation, made through this instance, another instance or the admin CLI (its own process), takes
 * effect at once, because no request answers from the cache before a read of the revocation mark begun after it
 * arrived. Everything here runs with the app's default configuration.
 */
describe('validated access-token cache (default configuration)', () => {
  let t: TestApp;
  /** Another instance on the same database, as another server behind the same load balancer would be. */
  let other: AppProcess;
  let http: TestApp['http'];

  beforeAll(async () => {
    t = await startTestApp();
    http = t.http;
    other = await startAppProcess({ ...t.database.env });
  }, 60_000);
  afterAll(async () => {
    await other?.stop();
    await t?.close();
  });

  type Target = TestApp['http'] | string;
  const me = (target: Target, accessToken: string) => request(target).get('/me').set('Authorization', `Bearer ${accessToken}`);
  const revoke = (target: Target, token: string) =>
    request(target).post('/oauth/revoke').set('Authorization', DEMO.basic).type('form').send({ token });

  /** Tokens whose validation this instance has just remembered. */
  async function cachedLogin(fields: Record<string, string> = {}, authorization = DEMO.basic) {
    const { body } = await passwordGrant(http, fields, authorization);
    expect((await me(http, body.access_token)).status).toBe(200);
    expect((await me(http, body.access_token)).status).toBe(200);
    return body as { access_token: string; refresh_token: string };
  }

  async function ok(args: string[]): Promise<string> {
    const run = await runCliProcess(args, t.database.env);
    expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
    return run.stdout;
  }

  it('remembers a validation: a token whose row is gone from storage, without a revocation, is still served', async () => {
    // What proves the cache is on: deleting the rows behind the revocation mark's back goes unnoticed.
    const tokens = await cachedLogin();
    await t.sql('DELETE FROM oauth_access_tokens');
    expect((await me(http, tokens.access_token)).status).toBe(200);
    expectOAuthError(await me(other.baseUrl, tokens.access_token), 401, 'invalid_token');
  });

  it('refuses an access token revoked through this instance at once (RFC 7009)', async () => {
    const tokens = await cachedLogin();
    expect((await revoke(http, tokens.access_token)).status).toBe(200);
    expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
  });

  it('refuses the whole family at once when another instance detects refresh-token reuse', async () => {
    const first = await cachedLogin();
    const { body: second } = await refreshGrant(http, first.refresh_token);
    expect((await me(http, second.access_token)).status).toBe(200);
    expectOAuthError(await refreshGrant(other.baseUrl as unknown as TestApp['http'], first.refresh_token), 400, 'invalid_grant');
    expectOAuthError(await me(http, second.access_token), 401, 'invalid_token');
  });

  it('refuses a token revoked through another instance at once, well within the cache lifetime', async () => {
    const tokens = await cachedLogin();
    expect((await revoke(other.baseUrl, tokens.access_token)).status).toBe(200);
    expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
  });

  it('under a burst of /me on this instance, every request sent after another instance answered the revocation is refused', async () => {
    const tokens = await cachedLogin();
    const answers: { sentAt: number; status: number }[] = [];
    let revokedAt = Infinity;
    let stopAt = Infinity;
    const worker = async () => {
      while (performance.now() < stopAt) {
        const sentAt = performance.now();
        const { status } = await me(http, tokens.access_token);
        answers.push({ sentAt, status });
      }
    };
    const workers = Array.from({ length: 16 }, worker);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await revoke(other.baseUrl, tokens.access_token)).status).toBe(200);
    revokedAt = performance.now();
    stopAt = revokedAt + 500;
    await Promise.all(workers);

    const before = answers.filter((answer) => answer.sentAt < revokedAt);
    const after = answers.filter((answer) => answer.sentAt > revokedAt);
    expect(before.filter((answer) => answer.status === 200).length).toBeGreaterThan(10);
    expect(after.length).toBeGreaterThan(10);
    expect(after.filter((answer) => answer.status !== 401)).toEqual([]);
  });

  describe('after each admin CLI command, run as its own process', () => {
    // Each command starts a Node process of its own.
    jest.setTimeout(30_000);

    it('user:disable: the user’s tokens are refused at once', async () => {
      await ok(['user:create', '--email', 'disabled@example.org', '--password', 'first password']);
      const tokens = await cachedLogin({ username: 'disabled@example.org', password: 'first password' });
      await ok(['user:disable', '--email', 'disabled@example.org']);
      expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
    });

    it('user:set-password: the tokens of the old password are refused at once', async () => {
      await ok(['user:create', '--email', 'changed@example.org', '--password', 'first password']);
      const tokens = await cachedLogin({ username: 'changed@example.org', password: 'first password' });
      await ok(['user:set-password', '--email', 'changed@example.org', '--password', 'second password']);
      expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
    });

    it('client:delete: the client’s tokens are refused at once', async () => {
      const created = await ok(['client:create', '--id', 'doomed_app', '--scopes', 'read write']);
      const secret = /^Client secret: (\S+)$/m.exec(created)![1];
      const tokens = await cachedLogin({}, basicAuth('doomed_app', secret));
      await ok(['client:delete', '--id', 'doomed_app']);
      expectOAuthError(await me(http, tokens.access_token), 401, 'invalid_token');
    });
  });
});
