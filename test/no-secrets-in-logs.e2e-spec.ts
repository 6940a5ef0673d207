import type { INestApplication, LoggerService } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { UsersService } from '../apps/api/src/users/users.service';
import { basicAuth, createClient, DEMO, initApp, TEST_HTTP_ADAPTER } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Whatever the app logs, through Nest's logger, the console or straight to stdout/stderr, must never hold a
 * token, a client secret, a password or an Authorization header: logs are read by more people, and kept
 * longer, than the credentials they would leak. The app is booted as test/support/test-app.ts boots it, but with
 * a logger that records everything, and driven through every flow the module has, failures included.
 */

jest.setTimeout(60_000);

type Level = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';

interface LogEntry {
  source: string;
  level?: Level;
  context?: string;
  text: string;
}

/** Renders any logged value whole: strings as they are, errors with their stack and cause, objects deeply. */
function render(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.stack ?? value.message} ${inspect(value, { depth: 8 })}`;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  return inspect(value, { depth: 8, maxArrayLength: null, maxStringLength: null });
}

/** A Nest `LoggerService` that records every message and every extra argument (context, stack, objects). */
class CaptureLogger implements LoggerService {
  constructor(private readonly entries: LogEntry[]) {}

  private record(level: Level, message: unknown, params: unknown[]): void {
    const last = params.at(-1);
    this.entries.push({
      source: 'nest',
      level,
      // Nest passes the logger's context as the last extra argument.
      context: typeof last === 'string' ? last : undefined,
      text: [message, ...params].map(render).join(' '),
    });
  }

  log(message: unknown, ...params: unknown[]) {
    this.record('log', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.record('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.record('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.record('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.record('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.record('fatal', message, params);
  }
}

const hex = () => randomBytes(8).toString('hex');
const base64Of = (authorization: string) => authorization.replace(/^\S+\s+/, '');

describe('no secret reaches the logs', () => {
  const entries: LogEntry[] = [];
  const restore: Array<() => void> = [];
  let database: TestDatabase | undefined;
  let app: INestApplication;
  let http: ReturnType<INestApplication['getHttpServer']>;

  /** Every secret value the flow used or received, by what it is, for the report. */
  const secrets = new Map<string, string>();
  const remember = (what: string, value: string | undefined) => {
    if (value) secrets.set(value, what);
  };
  const rememberTokens = (what: string, body: Record<string, unknown>) => {
    remember(`${what}: access token`, body.access_token as string | undefined);
    remember(`${what}: refresh token`, body.refresh_token as string | undefined);
  };

  // Distinctive values, so that a match in the log can only be a leak.
  const user = { email: `log-check-${hex()}@example.org`, password: `pw-${hex()}-correct` };
  const wrongPassword = `wrong-${hex()}`;
  const extraClient = { id: `cc-${hex()}`, secret: `s3cr3t-client-${hex()}` };
  const badClientSecret = `bad-secret-${hex()}`;
  const badPostSecret = `bad-post-secret-${hex()}`;
  const oversizedMarker = `oversized-${hex()}`;
  const bogusBearer = `bogus-bearer-${hex()}`;
  const undecodableMarker = `undecodable-${hex()}`;

  const token = () => request(http).post('/oauth/token').type('form');

  beforeAll(async () => {
    // Capture the raw streams and the console too: a library may bypass Nest's logger.
    for (const [name, stream] of [
      ['stdout', process.stdout],
      ['stderr', process.stderr],
    ] as const) {
      const original = stream.write;
      stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        entries.push({ source: name, text: render(chunk) });
        return (original as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof stream.write;
      restore.push(() => {
        stream.write = original;
      });
    }
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const spy = jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        entries.push({ source: `console.${method}`, text: args.map(render).join(' ') });
      });
      restore.push(() => spy.mockRestore());
    }

    // As startTestApp() does it, on whichever database the suite runs.
    database = await createTestDatabase();
    const config = loadAppConfig({ ...database.env, HTTP_ADAPTER: TEST_HTTP_ADAPTER, PASSWORD_HASH_COST: '10', OAUTH_TOKEN_RATE_LIMIT: '0' });
    app = await createApp(config, { logger: new CaptureLogger(entries) });
    await initApp(app);
    http = app.getHttpServer();

    const dataSource = app.get<DataSource>(getDataSourceToken());
    await createClient(dataSource, { id: extraClient.id, secret: extraClient.secret, grants: ['client_credentials'], scopes: ['read'] });
    await app.get(UsersService).create({ email: user.email, password: user.password });
  });

  afterAll(async () => {
    await app?.close();
    for (const undo of restore.reverse()) undo();
    await database?.drop();
  });

  it('drives every flow, successes and failures', async () => {
    const userGrant = { grant_type: 'password', username: user.email, password: user.password };
    const clientBasic = basicAuth(extraClient.id, extraClient.secret);
    const badBasic = basicAuth(DEMO.clientId, badClientSecret);
    remember('demo client secret', DEMO.clientSecret);
    remember('user password', user.password);
    remember('wrong password', wrongPassword);
    remember('extra client secret', extraClient.secret);
    remember('bad client secret (Basic)', badClientSecret);
    remember('bad client secret (post)', badPostSecret);
    remember('marker inside the oversized body', oversizedMarker);
    remember('bogus bearer token', bogusBearer);
    remember('password inside a body its Content-Encoding cannot decode', undecodableMarker);
    remember('base64 of the demo client Basic header', base64Of(DEMO.basic));
    remember('base64 of the extra client Basic header', base64Of(clientBasic));
    remember('base64 of the bad Basic header', base64Of(badBasic));

    // Password grant: success (Basic and client_secret_post) and a wrong password.
    const first = await token().set('Authorization', DEMO.basic).send(userGrant);
    expect(first.status).toBe(200);
    rememberTokens('password grant', first.body);
    const viaPost = await token().send({ ...userGrant, client_id: DEMO.clientId, client_secret: DEMO.clientSecret });
    expect(viaPost.status).toBe(200);
    rememberTokens('password grant (client_secret_post)', viaPost.body);
    const demo = await token().set('Authorization', DEMO.basic).send({ grant_type: 'password', username: DEMO.username, password: DEMO.password });
    expect(demo.status).toBe(200);
    rememberTokens('password grant (demo user)', demo.body);
    const wrong = await token()
      .set('Authorization', DEMO.basic)
      .send({ ...userGrant, password: wrongPassword });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    // A protected resource.
    const me = await request(http).get('/me').set('Authorization', `Bearer ${first.body.access_token}`);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe(user.email);

    // Refresh, then replay the used refresh token: the family is revoked.
    const refreshed = await token().set('Authorization', DEMO.basic).send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(refreshed.status).toBe(200);
    rememberTokens('refresh', refreshed.body);
    const replay = await token().set('Authorization', DEMO.basic).send({ grant_type: 'refresh_token', refresh_token: first.body.refresh_token });
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    const afterReplay = await request(http).get('/me').set('Authorization', `Bearer ${refreshed.body.access_token}`);
    expect(afterReplay.status).toBe(401);

    // client_credentials with the extra client, by Basic and by client_secret_post.
    const cc = await token().set('Authorization', clientBasic).send({ grant_type: 'client_credentials' });
    expect(cc.status).toBe(200);
    rememberTokens('client_credentials', cc.body);
    const ccPost = await token().send({ grant_type: 'client_credentials', client_id: extraClient.id, client_secret: extraClient.secret });
    expect(ccPost.status).toBe(200);
    rememberTokens('client_credentials (client_secret_post)', ccPost.body);

    // Introspection, active and inactive, by both clients.
    const active = await request(http)
      .post('/oauth/introspect')
      .set('Authorization', DEMO.basic)
      .type('form')
      .send({ token: viaPost.body.access_token });
    expect(active.status).toBe(200);
    expect(active.body.active).toBe(true);
    const activeRefresh = await request(http)
      .post('/oauth/introspect')
      .set('Authorization', clientBasic)
      .type('form')
      .send({ token: viaPost.body.refresh_token, token_type_hint: 'refresh_token' });
    expect(activeRefresh.body.active).toBe(true);
    const inactive = await request(http)
      .post('/oauth/introspect')
      .set('Authorization', DEMO.basic)
      .type('form')
      .send({ token: refreshed.body.access_token });
    expect(inactive.body).toEqual({ active: false });

    // Revocation: a refresh token by its client, an access token by the other client (refused), its own.
    const revoked = await request(http)
      .post('/oauth/revoke')
      .set('Authorization', DEMO.basic)
      .type('form')
      .send({ token: viaPost.body.refresh_token });
    expect(revoked.status).toBe(200);
    const foreign = await request(http).post('/oauth/revoke').set('Authorization', clientBasic).type('form').send({ token: first.body.access_token });
    expect([200, 400]).toContain(foreign.status);
    const own = await request(http).post('/oauth/revoke').set('Authorization', clientBasic).type('form').send({ token: cc.body.access_token });
    expect(own.status).toBe(200);

    // Bad client secrets, both methods; a bogus bearer token; a body that is too large.
    const badSecret = await token().set('Authorization', badBasic).send(userGrant);
    expect(badSecret.status).toBe(401);
    const badPost = await token().send({ ...userGrant, client_id: DEMO.clientId, client_secret: badPostSecret });
    expect(badPost.status).toBe(401);
    const bogus = await request(http).get('/me').set('Authorization', `Bearer ${bogusBearer}`);
    expect(bogus.status).toBe(401);
    const tooLarge = await token()
      .set('Authorization', DEMO.basic)
      .send(
        `grant_type=password&username=${encodeURIComponent(user.email)}&password=${encodeURIComponent(user.password)}&pad=${oversizedMarker.repeat(2000)}`,
      );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.error).toBe('invalid_request');
    // A body that is not the gzip it claims to be: refused (how exactly is test/hostile-input's business), not logged.
    const undecodable = await token()
      .set('Authorization', DEMO.basic)
      .set('Content-Encoding', 'gzip')
      .send(`grant_type=password&username=x&password=${undecodableMarker}`);
    expect(undecodable.status).toBeGreaterThanOrEqual(400);

    // Every token we were handed was collected.
    expect([...secrets.values()].filter((what) => what.endsWith('token')).length).toBeGreaterThanOrEqual(10);
  });

  it('logged something, including the refresh-token reuse warning', () => {
    expect(entries.length).toBeGreaterThan(0);
    const reuse = entries.filter(
      (e) => e.source === 'nest' && e.level === 'warn' && e.context === 'OAuthEvents' && e.text.includes('refresh_token.reuse_detected'),
    );
    expect(reuse).toHaveLength(1);
  });

  it('captured pino’s request lines too, so the check below covers them', () => {
    const requestLines = entries.filter((e) => e.source === 'stdout' && e.text.includes('"msg":"request completed"'));
    expect(requestLines.length).toBeGreaterThanOrEqual(15);
    // Request lines leave headers out, so the Authorization header each of these requests carried is not there.
    expect(requestLines.filter((e) => /"headers"|authorization/i.test(e.text))).toEqual([]);
  });

  it('logged no token, secret, password or Authorization header', () => {
    const all = entries.map((e) => `[${e.source}${e.level ? `:${e.level}` : ''}${e.context ? `:${e.context}` : ''}] ${e.text}`);
    const leaks: string[] = [];
    for (const [value, what] of secrets) {
      const line = all.find((text) => text.includes(value));
      if (line) leaks.push(`${what} (${value.slice(0, 12)}…) in: ${line.slice(0, 300)}`);
    }
    // The demo user's password is the word "password", which normal text contains; a logged form body would
    // show it next to its parameter name.
    for (const pattern of [/password=password\b/, /["']?password["']?\s*:\s*["']password["']/]) {
      const line = all.find((text) => pattern.test(text));
      if (line) leaks.push(`the demo user's password in: ${line.slice(0, 300)}`);
    }
    expect(secrets.size).toBeGreaterThanOrEqual(20);
    expect(leaks).toEqual([]);
  });
});
