import {
  OAuthAccessTokenEntity,
  OAuthClientEntity,
  OAuthClientFailureEntity,
  OAuthGrantEntity,
  OAuthLoginAttemptEntity,
  OAuthRefreshTokenEntity,
} from '@nest-oauth/server/typeorm';
import { AuthorizationCodeRepository, BrowserSessionRepository, generateOpaqueToken } from '@nest-oauth/server';
import { digestToken } from '../libs/oauth/src/crypto/opaque-token';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { runCli } from '../apps/api/src/cli/cli';
import { User } from '../apps/api/src/users/user.entity';
import { runCliProcess } from './support/cli-process';
import { basicAuth, passwordGrant, refreshGrant, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/** The admin CLI, run in-process on a fresh database, checked against the real app booted on the same database. */
describe('admin CLI', () => {
  jest.setTimeout(30_000);

  let database: TestDatabase;
  let env: Record<string, string>;
  let apps: TestApp[];

  beforeEach(async () => {
    database = await createTestDatabase();
    env = { ...database.env, PASSWORD_HASH_COST: '10' };
    apps = [];
  });

  afterEach(async () => {
    for (const app of apps) await app.close();
    await database.drop();
  });

  interface CliRun {
    code: number;
    stdout: string;
    stderr: string;
  }

  /** Runs one command with captured output; `stdin` is what is piped in (nothing by default). */
  async function cli(args: string[], stdin = ''): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      env,
      stdin: Readable.from(stdin === '' ? [] : [Buffer.from(stdin)]),
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
    });
    return { code, stdout, stderr };
  }

  /** Runs a command that must succeed, and returns its output. */
  async function ok(args: string[], stdin = ''): Promise<string> {
    const run = await cli(args, stdin);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    return run.stdout;
  }

  /** The real app on the CLI's database. */
  async function app(extraEnv: Record<string, string> = {}): Promise<TestApp> {
    const started = await startTestApp(extraEnv, { database });
    apps.push(started);
    return started;
  }

  function generatedSecret(stdout: string): string {
    const match = /^Client secret: (\S+)$/m.exec(stdout);
    if (!match) throw new Error(`no generated secret in:\n${stdout}`);
    return match[1];
  }

  function login(t: TestApp, clientId: string, secret: string, username: string, password: string, fields: Record<string, string> = {}) {
    return passwordGrant(t.http, { username, password, ...fields }, basicAuth(clientId, secret));
  }

  function me(t: TestApp, accessToken: string) {
    return request(t.http).get('/me').set('Authorization', `Bearer ${accessToken}`);
  }

  /** A user-facing refusal: exit 1, one clear line on stderr, nothing on stdout, no stack trace. */
  function expectRefused(run: CliRun, message: RegExp): void {
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  }

  /** A client with a generated secret and a user with a known password, both created through the CLI. */
  async function clientAndUser(email = 'ada@example.org', password = 'correct horse'): Promise<{ secret: string; email: string; password: string }> {
    const secret = generatedSecret(await ok(['client:create', '--id', 'cli_app', '--scopes', 'read write']));
    await ok(['user:create', '--email', email, '--password', password]);
    return { secret, email, password };
  }

  describe('client:create', () => {
    it('creates a client that, with a user created by user:create, completes a password grant on the real app', async () => {
      const created = await ok(['client:create', '--id', 'mobile', '--scopes', 'read write', '--default-scopes', 'read', '--name', 'Mobile app']);
      await ok([
        'user:create',
        '--email',
        'Ada@Example.org',
        '--password',
        'correct horse',
        '--firstname',
        'Ada',
        '--lastname',
        'Lovelace',
        '--roles',
        'USER,ADMIN',
      ]);
      const secret = generatedSecret(created);
      const t = await app();

      const granted = await login(t, 'mobile', secret, 'ada@example.org', 'correct horse');
      expect(granted.status).toBe(200);
      // No scope requested: the client's default scopes, not all of its scopes.
      expect(granted.body.scope).toBe('read');
      const profile = await me(t, granted.body.access_token);
      expect(profile.status).toBe(200);
      expect(profile.body).toEqual({
        id: expect.any(Number),
        email: 'ada@example.org',
        firstname: 'Ada',
        lastname: 'Lovelace',
        roles: ['USER', 'ADMIN'],
      });

      // Scopes beyond --scopes are refused; those within are granted.
      expect((await login(t, 'mobile', secret, 'ada@example.org', 'correct horse', { scope: 'read write' })).body.scope).toBe('read write');
      expect((await login(t, 'mobile', secret, 'ada@example.org', 'correct horse', { scope: 'admin' })).body.error).toBe('invalid_scope');
    });

    it('prints a generated 256-bit secret exactly once, stores only its fast hash, and the secret works', async () => {
      const run = await cli(['client:create', '--id', 'gen', '--scopes', 'read']);
      expect(run.code).toBe(0);
      const secret = generatedSecret(run.stdout);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(run.stdout.split(secret)).toHaveLength(2);
      expect(run.stderr).not.toContain(secret);

      const t = await app();
      const row = await t.dataSource.getRepository(OAuthClientEntity).findOneByOrFail({ id: 'gen' });
      expect(row.secretHash).toMatch(/^sha256\$/);
      expect(row.secretHash).not.toContain(secret);
      expect(row.grants.split(' ').sort()).toEqual(['password', 'refresh_token']);

      await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
      expect((await login(t, 'gen', secret, 'ada@example.org', 'pw')).status).toBe(200);
      expect((await login(t, 'gen', `${secret}x`, 'ada@example.org', 'pw')).status).toBe(401);
    });

    it('stores a given --secret with scrypt at the configured cost, never prints it, and the secret works', async () => {
      const stdout = await ok(['client:create', '--id', 'typed', '--secret', 'a typed secret!', '--scopes', 'read', '--grants', 'password']);
      expect(stdout).not.toContain('a typed secret!');
      expect(stdout).not.toMatch(/Client secret:/);
      await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);

      const t = await app();
      const row = await t.dataSource.getRepository(OAuthClientEntity).findOneByOrFail({ id: 'typed' });
      expect(row.secretHash).toMatch(/^scrypt\$10\$/);
      expect(row.grants).toBe('password');
      expect((await login(t, 'typed', 'a typed secret!', 'ada@example.org', 'pw')).status).toBe(200);
      // Only the grants given: no refresh token, since refresh_token was not among them.
      expect((await login(t, 'typed', 'a typed secret!', 'ada@example.org', 'pw')).body.refresh_token).toBeUndefined();
    });

    it('creates a public client with --public and --redirect-uris: no secret printed or stored, and it authenticates by client_id alone', async () => {
      const stdout = await ok([
        'client:create',
        '--id',
        'spa',
        '--public',
        '--scopes',
        'openid read',
        '--grants',
        'refresh_token',
        '--redirect-uris',
        'https://app.example.com/callback  http://127.0.0.1/callback',
      ]);
      expect(stdout).not.toMatch(/Client secret:/);
      expect(stdout).toContain('redirect URIs https://app.example.com/callback http://127.0.0.1/callback; public (no secret)');
      const t = await app();
      const row = await t.dataSource.getRepository(OAuthClientEntity).findOneByOrFail({ id: 'spa' });
      expect({ secretHash: row.secretHash, method: row.tokenEndpointAuthMethod, uris: row.redirectUris }).toEqual({
        secretHash: '',
        method: 'none',
        uris: 'https://app.example.com/callback http://127.0.0.1/callback',
      });
      // Authenticated by its id: what fails is the refresh token, not the client.
      const refreshed = await request(t.http)
        .post('/oauth/token')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'spa' });
      expect({ status: refreshed.status, error: refreshed.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    });

    it('refuses --public with --secret, a public client with the password grant, and a redirect URI with a fragment or plain http', async () => {
      const both = await cli(['client:create', '--id', 'x', '--public', '--secret', 's', '--scopes', 'read', '--grants', 'refresh_token']);
      expect({ code: both.code, stderr: both.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/--secret.*cannot be used with.*--public/) });
      const password = await cli(['client:create', '--id', 'x', '--public', '--scopes', 'read', '--grants', 'password']);
      expect({ code: password.code, stderr: password.stderr }).toEqual({
        code: 1,
        stderr: expect.stringMatching(/^error: --grants: a public client may use only/),
      });
      for (const uri of ['https://app.example.com/cb#frag', 'http://app.example.com/cb']) {
        const run = await cli(['client:create', '--id', 'x', '--scopes', 'read', '--redirect-uris', uri]);
        expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 1, stderr: expect.stringMatching(/^error: --redirect-uris: /) });
      }
      expect(await ok(['client:list'])).toBe('No clients.\n');
    });

    it('refuses a duplicate client id with a clear message, and keeps the existing client and its secret', async () => {
      const secret = generatedSecret(await ok(['client:create', '--id', 'dup', '--scopes', 'read']));
      const run = await cli(['client:create', '--id', 'dup', '--scopes', 'read write', '--secret', 'other secret']);
      expectRefused(run, /^error: A client with id "dup" already exists\n$/);

      await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
      const t = await app();
      expect((await login(t, 'dup', secret, 'ada@example.org', 'pw')).status).toBe(200);
      expect((await login(t, 'dup', 'other secret', 'ada@example.org', 'pw')).status).toBe(401);
    });

    it.each([
      ['an invalid scope', ['--id', 'x', '--scopes', 'read wr"ite'], /invalid scope "wr\\"ite".*RFC 6749 section 3\.3/],
      ['a backslash in a scope', ['--id', 'x', '--scopes', 'a\\b'], /invalid scope/],
      ['no scope at all', ['--id', 'x', '--scopes', '  '], /at least one scope is required/],
      [
        'an unknown grant',
        ['--id', 'x', '--scopes', 'read', '--grants', 'password,implicit'],
        /unknown grant type "implicit".*allowed: password, refresh_token, client_credentials/,
      ],
      [
        'default scopes outside the scopes',
        ['--id', 'x', '--scopes', 'read', '--default-scopes', 'read write'],
        /--default-scopes: default scopes write not among the scopes \(read\)/,
      ],
      // RFC 6749 Appendix A.1: a client id is VSCHARs (%x20-7E), spaces included; these are not.
      [
        'a client id with a non-ASCII letter',
        ['--id', 'café', '--scopes', 'read'],
        /^error: --id: a client id is 1 to 128 printable ASCII characters/,
      ],
      ['a client id with a tab', ['--id', 'my\tapp', '--scopes', 'read'], /^error: --id: .*RFC 6749 Appendix A\.1/],
      ['a client id of 129 characters', ['--id', 'x'.repeat(129), '--scopes', 'read'], /^error: --id: a client id is 1 to 128/],
      [
        'a secret with a line break',
        ['--id', 'x', '--scopes', 'read', '--secret', 'two\nlines'],
        /^error: --secret: a client secret is 1 to 512 printable ASCII characters/,
      ],
      [
        'a name with a control character',
        ['--id', 'x', '--scopes', 'read', '--name', 'bell\u0007'],
        /^error: --name: a name must not contain control characters/,
      ],
      ['a missing --id', ['--scopes', 'read'], /required option '--id <id>' not specified/],
      ['a missing --scopes', ['--id', 'x'], /required option '--scopes <scopes>' not specified/],
      ['an unknown option', ['--id', 'x', '--scopes', 'read', '--colour', 'red'], /unknown option '--colour'/],
      ['a stray argument', ['--id', 'x', '--scopes', 'read', 'extra'], /too many arguments/],
    ])('refuses %s, with a non-zero exit and no client created', async (_case, args, message) => {
      expectRefused(await cli(['client:create', ...args]), message);
      expect(await ok(['client:list'])).toBe('No clients.\n');
    });
  });

  it('refuses an unknown command, suggesting the right one', async () => {
    const run = await cli(['client:craete']);
    expectRefused(run, /unknown command 'client:craete'[\s\S]*Did you mean client:create\?/);
  });

  it('prints the usage, with a non-zero exit, when no command is given', async () => {
    const run = await cli([]);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/Commands:[\s\S]*client:create[\s\S]*token:purge/);
  });

  it('refuses an invalid configuration with its message, not a stack trace', async () => {
    env.DATABASE_URL = 'mysql://db/api';
    expectRefused(await cli(['client:list']), /^error: Invalid configuration:\n\s+- DATABASE_URL must look like sqlite:PATH/);
  });

  it.each([
    ['client:create', ['--id', '--secret', '--scopes', '--grants', '--default-scopes', '--name']],
    ['client:list', []],
    ['client:update', ['--id', '--grants', '--scopes', '--default-scopes', '--name', '--revoke-grants']],
    ['client:rotate-secret', ['--id', '--secret', '--revoke-grants']],
    ['client:delete', ['--id']],
    ['user:create', ['--email', '--password', '--firstname', '--lastname', '--roles']],
    ['user:disable', ['--email']],
    ['user:set-password', ['--email', '--password']],
    ['token:purge', ['--batch-size']],
  ])('%s --help lists its options, without touching the database', async (command, options) => {
    env.DATABASE_URL = 'sqlite:/dev/null/not-a-directory/api.sqlite';
    const run = await cli([command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: npm run cli -- ${command}`);
    for (const option of [...options, '--help']) expect(run.stdout).toContain(option);
    expect(run.stdout).toContain('Example');
  });

  it('client:list shows ids, names, grants and scopes, but no secret and no hash', async () => {
    const secret = generatedSecret(
      await ok(['client:create', '--id', 'gen', '--scopes', 'read write', '--default-scopes', 'read', '--name', 'Generated']),
    );
    await ok(['client:create', '--id', 'typed', '--secret', 'typed-secret', '--scopes', 'read', '--grants', 'client_credentials']);

    const stdout = await ok(['client:list']);
    expect(stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^ID\s+NAME\s+GRANTS\s+SCOPES\s+DEFAULT SCOPES$/),
      expect.stringMatching(/^gen\s+Generated\s+password,refresh_token\s+read write\s+read$/),
      expect.stringMatching(/^typed\s+client_credentials\s+read\s+read$/),
    ]);
    const t = await app();
    const hashes = (await t.dataSource.getRepository(OAuthClientEntity).find()).map((row) => row.secretHash);
    for (const hidden of [secret, 'typed-secret', ...hashes, 'sha256$', 'scrypt$']) expect(stdout).not.toContain(hidden);
  });

  it('client:delete deletes the client and revokes its grants, so its tokens stop working at once', async () => {
    const { secret, email, password } = await clientAndUser();
    const t = await app();
    const granted = await login(t, 'cli_app', secret, email, password);
    expect((await me(t, granted.body.access_token)).status).toBe(200);

    expect(await ok(['client:delete', '--id', 'cli_app'])).toBe('Deleted client "cli_app"; revoked 1 grant.\n');

    expect((await me(t, granted.body.access_token)).status).toBe(401);
    expect((await login(t, 'cli_app', secret, email, password)).status).toBe(401);
    expect(await ok(['client:list'])).toBe('No clients.\n');
    expectRefused(await cli(['client:delete', '--id', 'cli_app']), /^error: No client with id "cli_app"\n$/);
  });

  describe('client ids as RFC 6749 Appendix A.1 allows them (any VSCHAR, spaces and colons included)', () => {
    it('creates the client "a x:%41+y", which authenticates over HTTP with its id form-urlencoded in Basic (§2.3.1) and in the body', async () => {
      const created = await ok(['client:create', '--id', 'a x:%41+y', '--scopes', 'read', '--grants', 'password,client_credentials']);
      expect(created).toMatch(/^Created client "a x:%41\+y": grants password,client_credentials;/);
      const secret = generatedSecret(created);
      await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
      const t = await app();

      // Basic: "a+x%3A%2541%2By" before base64, so neither the space nor the colon is taken literally.
      const basic = await request(t.http)
        .post('/oauth/token')
        .set('Authorization', basicAuth('a x:%41+y', secret))
        .type('form')
        .send({ grant_type: 'client_credentials' });
      expect({ status: basic.status, body: basic.body }).toMatchObject({ status: 200, body: { token_type: 'bearer', scope: 'read' } });
      const post = await request(t.http)
        .post('/oauth/token')
        .type('form')
        .send({ grant_type: 'client_credentials', client_id: 'a x:%41+y', client_secret: secret });
      expect(post.status).toBe(200);
      const introspected = await request(t.http)
        .post('/oauth/introspect')
        .set('Authorization', basicAuth('a x:%41+y', secret))
        .type('form')
        .send({ token: post.body.access_token });
      expect(introspected.body).toMatchObject({ active: true, client_id: 'a x:%41+y' });

      const granted = await login(t, 'a x:%41+y', secret, 'ada@example.org', 'pw');
      expect(granted.status).toBe(200);
      expect((await me(t, granted.body.access_token)).status).toBe(200);
      // Taken literally, "%41" would be "A": that is another client, which does not exist.
      expect((await login(t, 'a x:A y', secret, 'ada@example.org', 'pw')).status).toBe(401);

      expect(await ok(['client:list'])).toMatch(/^a x:%41\+y\s+password,client_credentials\s+read\s+read$/m);
      expect(await ok(['client:delete', '--id', 'a x:%41+y'])).toBe('Deleted client "a x:%41+y"; revoked 3 grants.\n');
      expect((await me(t, granted.body.access_token)).status).toBe(401);
    });

    it('accepts "bad:id", whose colon is a VSCHAR', async () => {
      expect(await ok(['client:create', '--id', 'bad:id', '--scopes', 'read'])).toMatch(/^Created client "bad:id"/);
    });
  });

  it('client:update changes grants and scopes, which the token endpoint follows at once; --revoke-grants ends the tokens issued before', async () => {
    const secret = generatedSecret(await ok(['client:create', '--id', 'app', '--scopes', 'read', '--grants', 'password']));
    await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
    const t = await app();
    const clientCredentials = () =>
      request(t.http).post('/oauth/token').set('Authorization', basicAuth('app', secret)).type('form').send({ grant_type: 'client_credentials' });
    const before = await login(t, 'app', secret, 'ada@example.org', 'pw');
    expect(before.status).toBe(200);
    expect((await login(t, 'app', secret, 'ada@example.org', 'pw', { scope: 'write' })).body.error).toBe('invalid_scope');
    expect((await clientCredentials()).body.error).toBe('unauthorized_client');

    expect(await ok(['client:update', '--id', 'app', '--scopes', 'read write', '--grants', 'password,client_credentials'])).toBe(
      'Updated client "app": grants password,client_credentials; scopes read write; default scopes read.\n',
    );
    expect((await login(t, 'app', secret, 'ada@example.org', 'pw', { scope: 'write' })).body.scope).toBe('write');
    expect((await clientCredentials()).status).toBe(200);
    // Not revoked: the token from before the change still works.
    expect((await me(t, before.body.access_token)).status).toBe(200);

    expectRefused(
      await cli(['client:update', '--id', 'app', '--scopes', 'write']),
      /^error: --default-scopes: default scopes read not among the scopes \(write\); change the default scopes too\n$/,
    );
    expectRefused(await cli(['client:update', '--id', 'app', '--grants', 'password,implicit']), /^error: --grants: unknown grant type "implicit"/);
    expectRefused(await cli(['client:update', '--id', 'app']), /^error: nothing to change/);
    expectRefused(await cli(['client:update', '--id', 'nobody', '--name', 'x']), /^error: No client with id "nobody"\n$/);

    expect(await ok(['client:update', '--id', 'app', '--grants', 'password', '--revoke-grants'])).toBe(
      'Updated client "app": grants password; scopes read write; default scopes read; revoked 3 grants.\n',
    );
    expect((await me(t, before.body.access_token)).status).toBe(401);
    expect((await clientCredentials()).body.error).toBe('unauthorized_client');
    expect((await login(t, 'app', secret, 'ada@example.org', 'pw')).status).toBe(200);
  });

  it('client:rotate-secret prints a new secret once, and the old one fails at once; tokens keep working unless --revoke-grants', async () => {
    const first = generatedSecret(await ok(['client:create', '--id', 'app', '--scopes', 'read']));
    await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
    const t = await app();
    const before = await login(t, 'app', first, 'ada@example.org', 'pw');
    expect(before.status).toBe(200);

    const rotated = await ok(['client:rotate-secret', '--id', 'app']);
    expect(rotated).toMatch(/^Replaced the secret of client "app"; its tokens keep working until they expire\.\nClient secret: [A-Za-z0-9_-]{43}\n/);
    const second = generatedSecret(rotated);
    expect(rotated.split(second)).toHaveLength(2);
    expect((await login(t, 'app', first, 'ada@example.org', 'pw')).status).toBe(401);
    expect((await login(t, 'app', second, 'ada@example.org', 'pw')).status).toBe(200);
    expect((await me(t, before.body.access_token)).status).toBe(200);

    const typed = await ok(['client:rotate-secret', '--id', 'app', '--secret', 'a typed one', '--revoke-grants']);
    expect(typed).toBe('Replaced the secret of client "app"; revoked 2 grants.\n');
    expect((await me(t, before.body.access_token)).status).toBe(401);
    expect((await login(t, 'app', second, 'ada@example.org', 'pw')).status).toBe(401);
    expect((await login(t, 'app', 'a typed one', 'ada@example.org', 'pw')).status).toBe(200);
    expectRefused(await cli(['client:rotate-secret', '--id', 'nobody']), /^error: No client with id "nobody"\n$/);
  });

  describe('user:create', () => {
    it('reads the password from the first line of standard input', async () => {
      await ok(['client:create', '--id', 'cli_app', '--secret', 'client-secret', '--scopes', 'read']);
      const stdout = await ok(['user:create', '--email', 'ada@example.org'], 'piped password\nsecond line\n');
      expect(stdout).toMatch(/^Created user #\d+ ada@example.org \(roles: USER\)\.\n$/);
      expect(stdout).not.toContain('piped password');

      const t = await app();
      expect((await login(t, 'cli_app', 'client-secret', 'ada@example.org', 'piped password')).status).toBe(200);
      expect((await login(t, 'cli_app', 'client-secret', 'ada@example.org', 'second line')).status).toBe(400);
    });

    it.each([
      ['nothing on standard input', ''],
      ['an empty first line', '\nnot the first line\n'],
    ])('refuses an empty password (%s) and creates no user', async (_case, stdin) => {
      expectRefused(await cli(['user:create', '--email', 'ada@example.org'], stdin), /^error: The password must not be empty\n$/);
      // The email is still free.
      await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
    });

    it('refuses a duplicate email, an invalid email and an invalid role', async () => {
      await ok(['user:create', '--email', 'ada@example.org', '--password', 'pw']);
      expectRefused(
        await cli(['user:create', '--email', 'ADA@example.org', '--password', 'pw']),
        /A user with email "ADA@example.org" already exists/,
      );
      expectRefused(await cli(['user:create', '--email', 'not-an-email', '--password', 'pw']), /--email <email>.*not an email address/);
      expectRefused(
        await cli(['user:create', '--email', 'bob@example.org', '--password', 'pw', '--roles', 'USER,BAD ROLE']),
        /invalid role "BAD ROLE"/,
      );
    });
  });

  describe('user:disable', () => {
    it("revokes all of the user's grants at once: the existing token gets 401 at /me, a new password grant invalid_grant", async () => {
      const { secret, email, password } = await clientAndUser();
      await ok(['user:create', '--email', 'bob@example.org', '--password', 'bobs password']);
      const t = await app();
      const first = await login(t, 'cli_app', secret, email, password);
      const second = await login(t, 'cli_app', secret, email, password);
      const bobs = await login(t, 'cli_app', secret, 'bob@example.org', 'bobs password');
      expect((await me(t, first.body.access_token)).status).toBe(200);

      const stdout = await ok(['user:disable', '--email', email]);
      expect(stdout).toMatch(/^User #\d+ ada@example.org is now disabled; revoked 2 grants\.\n$/);

      expect((await me(t, first.body.access_token)).status).toBe(401);
      expect((await me(t, second.body.access_token)).status).toBe(401);
      const again = await login(t, 'cli_app', secret, email, password);
      expect({ status: again.status, error: again.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
      expect((await refreshGrant(t.http, first.body.refresh_token, {}, basicAuth('cli_app', secret))).status).toBe(400);
      // Revoked in storage, not merely hidden by the disabled flag; other users are untouched.
      const user = await t.dataSource.getRepository(User).findOneByOrFail({ email });
      const grants = await t.dataSource.getRepository(OAuthGrantEntity).findBy({ userId: String(user.id) });
      expect(grants.map((grant) => [grant.revokedAt !== null, grant.revokedReason])).toEqual([
        [true, 'user disabled'],
        [true, 'user disabled'],
      ]);
      expect((await me(t, bobs.body.access_token)).status).toBe(200);

      expect(await ok(['user:disable', '--email', email])).toMatch(/was already disabled; revoked 0 grants\.\n$/);
    });

    it('refuses an unknown user', async () => {
      expectRefused(await cli(['user:disable', '--email', 'nobody@example.org']), /^error: No user with email "nobody@example.org"\n$/);
    });
  });

  describe('user:set-password', () => {
    it('sets the password read from standard input and revokes existing tokens; the new password works', async () => {
      const { secret, email, password } = await clientAndUser();
      const t = await app();
      const before = await login(t, 'cli_app', secret, email, password);
      expect((await me(t, before.body.access_token)).status).toBe(200);

      const stdout = await ok(['user:set-password', '--email', email], 'a new password\n');
      expect(stdout).toMatch(/^Changed the password of user #\d+ ada@example.org; revoked 1 grant\.\n$/);
      expect(stdout).not.toContain('a new password');

      // The user is not disabled, so this 401 is the revocation alone.
      expect((await me(t, before.body.access_token)).status).toBe(401);
      const old = await login(t, 'cli_app', secret, email, password);
      expect({ status: old.status, error: old.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
      const after = await login(t, 'cli_app', secret, email, 'a new password');
      expect(after.status).toBe(200);
      expect((await me(t, after.body.access_token)).status).toBe(200);
    });

    it('takes --password too, and refuses an empty password or an unknown user without changing anything', async () => {
      const { secret, email } = await clientAndUser();
      expect(await ok(['user:set-password', '--email', email, '--password', 'option password'])).toMatch(/revoked 0 grants/);
      expectRefused(await cli(['user:set-password', '--email', email], '\n'), /The password must not be empty/);
      expectRefused(await cli(['user:set-password', '--email', 'nobody@example.org', '--password', 'x']), /No user with email "nobody@example.org"/);

      const t = await app();
      expect((await login(t, 'cli_app', secret, email, 'option password')).status).toBe(200);
    });
  });

  describe('token:purge', () => {
    it('deletes expired access and refresh tokens, authorization codes and browser sessions, revoked grants and expired brute-force counters in batches, and prints how many', async () => {
      const { secret, email, password } = await clientAndUser();
      await ok(['user:create', '--email', 'bob@example.org', '--password', 'bobs password']);
      const shortLived = await app({
        OAUTH_ACCESS_TOKEN_TTL: '1',
        OAUTH_REFRESH_TOKEN_TTL: '1',
        OAUTH_LOGIN_LOCK_SECONDS: '1',
        OAUTH_CLIENT_LOCK_SECONDS: '1',
      });
      for (let i = 0; i < 2; i++) expect((await login(shortLived, 'cli_app', secret, email, password)).status).toBe(200);
      expect((await login(shortLived, 'cli_app', secret, 'bob@example.org', 'bobs password')).status).toBe(200);
      // Counted with one-second windows: a wrong password for a username, a wrong secret for an unknown client id.
      expect((await login(shortLived, 'cli_app', secret, 'ghost@example.org', 'guess')).status).toBe(400);
      expect((await login(shortLived, 'nobody_app', 'guess', email, password)).status).toBe(401);
      await ok(['user:disable', '--email', 'bob@example.org']);
      await new Promise((resolveWait) => setTimeout(resolveWait, 1100));
      // Issued after the wait, with the default lifetimes: must survive the purge. Ada's login (and cli_app's
      // authentication, on this new instance) start new windows of the default length on their counters too.
      const longLived = await app();
      const live = await login(longLived, 'cli_app', secret, email, password);
      expect(live.status).toBe(200);
      expect((await login(longLived, 'cli_app', secret, 'later-ghost@example.org', 'guess')).status).toBe(400);
      expect((await login(longLived, 'later_nobody_app', 'guess', email, password)).status).toBe(401);

      // Two expired authorization codes and browser sessions, and a live one of each, as the authorization
      // endpoint stores them.
      const codes = longLived.app.get(AuthorizationCodeRepository);
      const sessions = longLived.app.get(BrowserSessionRepository);
      const at = (offsetMs: number) => new Date(Date.now() + offsetMs);
      const codeDigests: string[] = [];
      for (const expiresAt of [at(-60_000), at(-1_000), at(60_000)]) {
        const digest = digestToken(generateOpaqueToken());
        codeDigests.push(digest);
        await codes.save({
          digest,
          clientId: 'cli_app',
          userId: '1',
          redirectUri: 'https://app.example.org/callback',
          codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
          scope: ['read'],
          nonce: null,
          authTime: at(-120_000),
          userRevocationMark: 0,
          expiresAt,
          createdAt: at(-120_000),
          usedAt: null,
          grantId: null,
        });
      }
      const sessionDigests: string[] = [];
      for (const expiresAt of [at(-60_000), at(-1_000), at(3_600_000)]) {
        const digest = digestToken(generateOpaqueToken());
        sessionDigests.push(digest);
        await sessions.save({
          digest,
          userId: '1',
          authTime: at(-120_000),
          userRevocationMark: 0,
          lastSeenAt: at(-1_000),
          expiresAt,
          createdAt: at(-120_000),
        });
      }

      // A batch of 1 makes each kind of row take several batches. Expired counters: Bob's and the ghost's (login),
      // nobody_app's (client).
      expect(await ok(['token:purge', '--batch-size', '1'])).toBe(
        'Deleted 3 expired access tokens.\nDeleted 3 expired refresh tokens.\nDeleted 1 revoked grant (with their tokens).\n' +
          'Deleted 2 expired login-attempt counters.\nDeleted 1 expired client-failure counter.\n' +
          'Deleted 2 expired authorization codes.\nDeleted 2 expired browser sessions.\n',
      );
      expect(await Promise.all(codeDigests.map(async (digest) => (await codes.findByDigest(digest)) !== null))).toEqual([false, false, true]);
      expect(await Promise.all(sessionDigests.map(async (digest) => (await sessions.findByDigest(digest)) !== null))).toEqual([false, false, true]);

      const db = longLived.dataSource;
      expect(await db.getRepository(OAuthAccessTokenEntity).count()).toBe(1);
      expect(await db.getRepository(OAuthRefreshTokenEntity).count()).toBe(1);
      // Ada's three grants stay (live grants are not purged); Bob's revoked one is gone.
      expect(await db.getRepository(OAuthGrantEntity).count()).toBe(3);
      expect((await me(longLived, live.body.access_token)).status).toBe(200);
      expect((await refreshGrant(longLived.http, live.body.refresh_token, {}, basicAuth('cli_app', secret))).status).toBe(200);

      // The counters of the current windows stay: Ada's and the later ghost's, cli_app's and later_nobody_app's.
      expect(await db.getRepository(OAuthLoginAttemptEntity).count()).toBe(2);
      expect(await db.getRepository(OAuthClientFailureEntity).count()).toBe(2);

      // Nothing left to purge: the live tokens, and the refresh token just used (kept to recognise a replay), stay.
      expect(await ok(['token:purge'])).toBe(
        'Deleted 0 expired access tokens.\nDeleted 0 expired refresh tokens.\nDeleted 0 revoked grants (with their tokens).\n' +
          'Deleted 0 expired login-attempt counters.\nDeleted 0 expired client-failure counters.\n' +
          'Deleted 0 expired authorization codes.\nDeleted 0 expired browser sessions.\n',
      );
    });

    it.each([['0'], ['-5'], ['1.5'], ['lots'], ['10001']])('refuses --batch-size %s', async (size) => {
      expectRefused(await cli(['token:purge', '--batch-size', size]), /--batch-size <n>.*is invalid.*a whole number from 1 to 10000/);
    });
  });
});

/**
 * The compiled CLI as an operator runs it: a real process, with a real pipe for standard input and the exit
 * code set by main.ts.
 */
describe('admin CLI, as a child process', () => {
  let dataDir: string;

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'oauth-cli-spawn-'));
  });

  afterAll(() => {
    rmSync(dataDir, { recursive: true, force: true });
  });

  const run = (args: string[], stdin = '') => runCliProcess(args, { DATABASE_URL: `sqlite:${join(dataDir, 'api.sqlite')}` }, stdin);

  it('runs commands, reads a piped password, exits 0 or 1, and exits on its own', async () => {
    const created = await run(['user:create', '--email', 'ada@example.org'], 'piped password\n');
    expect(created).toEqual({ code: 0, stdout: expect.stringMatching(/^Created user #1 ada@example.org/), stderr: '' });
    const clients = await run(['client:create', '--id', 'spawned', '--scopes', 'read']);
    expect(clients.code).toBe(0);
    expect(clients.stdout).toMatch(/^Client secret: [A-Za-z0-9_-]{43}$/m);

    const duplicate = await run(['client:create', '--id', 'spawned', '--scopes', 'read']);
    expect(duplicate).toEqual({ code: 1, stdout: '', stderr: 'error: A client with id "spawned" already exists\n' });
    const unknown = await run(['nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error: unknown command 'nope'/);
    const help = await run(['token:purge', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--batch-size <n>');
  }, 60_000);
});
