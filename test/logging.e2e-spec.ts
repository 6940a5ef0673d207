import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { createApp } from '../apps/api/src/create-app';
import { UsersService } from '../apps/api/src/users/users.service';
import { DEMO, initApp, TEST_HTTP_ADAPTER } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Structured logs: with no logger given, as main.ts starts it, the app writes one JSON object per line to stdout
 * through pino, every request gets an id (the caller's `x-request-id` when well-formed) echoed in the response,
 * and the OAuth module's events are log entries of their own carrying the id of the request that caused them.
 */

jest.setTimeout(60_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Line = Record<string, any>;

describe('structured logs with request ids', () => {
  const written: string[] = [];
  let restoreStdout: () => void;
  let database: TestDatabase;
  let app: INestApplication;
  let http: ReturnType<INestApplication['getHttpServer']>;

  /** Every JSON line written so far. */
  const lines = (): Line[] =>
    written
      .join('')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Line);
  const forRequest = (id: string) => lines().filter((line) => line.reqId === id);
  const token = (requestId: string) => request(http).post('/oauth/token').set('x-request-id', requestId).type('form');

  beforeAll(async () => {
    // Recorded, not echoed: the lines are the subject of the test, not output for the reader.
    const original = process.stdout.write;
    process.stdout.write = function (chunk: unknown) {
      written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return true;
    } as typeof process.stdout.write;
    restoreStdout = () => {
      process.stdout.write = original;
    };
    database = await createTestDatabase();
    const config = loadAppConfig({
      ...database.env,
      HTTP_ADAPTER: TEST_HTTP_ADAPTER,
      PASSWORD_HASH_COST: '10',
      OAUTH_TOKEN_RATE_LIMIT: '0',
      OAUTH_LOGIN_MAX_FAILURES: '2',
      LOG_LEVEL: 'info',
    });
    // No logger option: the production setup.
    app = await createApp(config);
    await initApp(app);
    http = app.getHttpServer();
  });

  afterAll(async () => {
    await app?.close();
    restoreStdout?.();
    await database?.drop();
  });

  it('writes Nest’s own logs as JSON lines too', () => {
    const started = lines().find((line) => line.msg === 'Nest application successfully started');
    expect(started).toMatchObject({ level: 30, context: 'NestApplication' });
  });

  it('keeps a well-formed x-request-id, echoes it, and logs the request under it', async () => {
    const id = `trace-${Date.now()}.abc:1`;
    const response = await request(http).get('/health').set('x-request-id', id);
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe(id);
    const completed = forRequest(id).find((line) => line.msg === 'request completed');
    expect(completed).toMatchObject({ level: 30, req: { id, method: 'GET', url: '/health' }, res: { statusCode: 200 } });
  });

  it.each([
    ['absent', undefined],
    ['too long', 'x'.repeat(129)],
    ['with spaces', 'two words'],
    ['with a quote', 'a"b'],
  ])('replaces an x-request-id that is %s with a random UUID', async (_what, incoming) => {
    const call = request(http).get('/health');
    if (incoming !== undefined) call.set('x-request-id', incoming);
    const response = await call;
    const id = response.headers['x-request-id'];
    expect(id).toMatch(UUID);
    expect(forRequest(id).find((line) => line.msg === 'request completed')).toBeDefined();
  });

  it('logs token.issued as structured JSON with the request id, and no credential', async () => {
    const id = `grant-${Date.now()}`;
    const response = await token(id)
      .set('Authorization', DEMO.basic)
      .set('Cookie', 'session=cookie-secret')
      .set('User-Agent', 'logging-spec/1.0')
      .send({ grant_type: 'password', username: DEMO.username, password: DEMO.password });
    expect(response.status).toBe(200);
    expect(response.headers['x-request-id']).toBe(id);

    const issued = forRequest(id).find((line) => line.type === 'token.issued');
    expect(issued).toMatchObject({
      level: 30,
      context: 'OAuthEvents',
      reqId: id,
      grantType: 'password',
      clientId: DEMO.clientId,
      userId: expect.any(String),
    });
    const completed = forRequest(id).find((line) => line.msg === 'request completed')!;
    // The line names the request without its headers, where credentials and cookies travel.
    expect(completed.req).toEqual({ id, method: 'POST', url: '/oauth/token', remoteAddress: expect.any(String), userAgent: 'logging-spec/1.0' });
    expect(completed.res).toEqual({ statusCode: 200 });
    const text = written.join('');
    for (const secret of [response.body.access_token, response.body.refresh_token, DEMO.basic.slice('Basic '.length), 'cookie-secret']) {
      expect(text).not.toContain(secret);
    }
  });

  it('leaves query strings out of logged URLs', async () => {
    const id = `query-${Date.now()}`;
    await request(http).get('/me?access_token=query-token-secret').set('x-request-id', id);
    expect(forRequest(id).find((line) => line.msg === 'request completed')).toMatchObject({ req: { url: '/me' }, res: { statusCode: 400 } });
    expect(written.join('')).not.toContain('query-token-secret');
  });

  it('logs login.failed, then account.locked as a warning, each with its request id', async () => {
    const username = `locked-${Date.now()}@example.org`;
    await app.get(UsersService).create({ email: username, password: 'the-right-password' });
    const failed = `failed-${Date.now()}`;
    expect((await token(failed).set('Authorization', DEMO.basic).send({ grant_type: 'password', username, password: 'wrong-1' })).status).toBe(400);
    expect(forRequest(failed).find((line) => line.type === 'login.failed')).toMatchObject({ level: 30, reqId: failed, clientId: DEMO.clientId });

    const locking = `locking-${Date.now()}`;
    await token(locking).set('Authorization', DEMO.basic).send({ grant_type: 'password', username, password: 'wrong-2' });
    expect(forRequest(locking).find((line) => line.type === 'account.locked')).toMatchObject({
      level: 40,
      reqId: locking,
      clientId: DEMO.clientId,
      lockedUntil: expect.any(String),
    });
    expect(written.join('')).not.toMatch(/wrong-[12]|the-right-password/);
  });

  it('logs refresh_token.reuse_detected as a warning, and token.revoked, each with its request id', async () => {
    const login = await token(`login-${Date.now()}`)
      .set('Authorization', DEMO.basic)
      .send({ grant_type: 'password', username: DEMO.username, password: DEMO.password });
    expect(login.status).toBe(200);
    const rotated = await token(`rotate-${Date.now()}`)
      .set('Authorization', DEMO.basic)
      .send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
    expect(rotated.status).toBe(200);
    const reuse = `reuse-${Date.now()}`;
    await token(reuse).set('Authorization', DEMO.basic).send({ grant_type: 'refresh_token', refresh_token: login.body.refresh_token });
    expect(forRequest(reuse).find((line) => line.type === 'refresh_token.reuse_detected')).toMatchObject({
      level: 40,
      reqId: reuse,
      clientId: DEMO.clientId,
    });

    const second = await token(`login-${Date.now()}`)
      .set('Authorization', DEMO.basic)
      .send({ grant_type: 'password', username: DEMO.username, password: DEMO.password });
    const revoke = `revoke-${Date.now()}`;
    const revoked = await request(http)
      .post('/oauth/revoke')
      .set('x-request-id', revoke)
      .set('Authorization', DEMO.basic)
      .type('form')
      .send({ token: second.body.refresh_token });
    expect(revoked.status).toBe(200);
    expect(forRequest(revoke).find((line) => line.type === 'token.revoked')).toMatchObject({
      level: 30,
      reqId: revoke,
      clientId: DEMO.clientId,
      tokenType: 'refresh_token',
    });
  });
});
