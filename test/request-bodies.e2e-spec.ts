import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type request from 'supertest';
import { brotliCompressSync, constants as zlibConstants, createBrotliCompress, deflateSync, gzipSync } from 'node:zlib';
import { startAppProcess, type AppProcess } from './support/app-process';
import { createClient, DEMO, expectOAuthError, startTestApp, type TestApp } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Request bodies as the app reads them, on either HTTP adapter: compressed bodies are limited by their inflated
 * size and inflating stops at the limit (a decompression bomb costs milliseconds, on every route), encodings other
 * than gzip, deflate and br are refused, and form parameters are UTF-8 (RFC 6749 Appendix B).
 */

jest.setTimeout(120_000);

/** `BODY_LIMIT` of apps/api/src/create-app.ts. */
const BODY_LIMIT_BYTES = 16 * 1024;
const FORM = 'application/x-www-form-urlencoded';
/** What Linux counts /proc/PID/stat times in (USER_HZ), the same on every architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

/** The CPU time (user + system) a process has used so far, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

/** `size` zero bytes compressed with brotli, streamed so the test never holds them. */
async function brotliOfZeros(size: number): Promise<Buffer> {
  const compress = createBrotliCompress({ params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_LGWIN]: 24 } });
  const chunks: Buffer[] = [];
  compress.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise((resolve, reject) => compress.on('end', resolve).on('error', reject));
  const block = Buffer.alloc(1 << 20);
  for (let written = 0; written < size; written += block.length) {
    if (!compress.write(block)) await new Promise((resolve) => compress.once('drain', resolve));
  }
  compress.end();
  await ended;
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('decompression bombs', () => {
  let database: TestDatabase;
  let app: AppProcess;
  /** 1 GiB of zeros as brotli: well under a kilobyte on the wire. */
  let brotliBomb: Buffer;
  /** As much as gzip can pack into a body under the limit: about a thousand times the limit inflated. */
  let gzipBomb: Buffer;

  beforeAll(async () => {
    brotliBomb = await brotliOfZeros(1 << 30);
    gzipBomb = gzipSync(Buffer.alloc(15 << 20), { level: 9 });
    expect(brotliBomb.length).toBeLessThan(2048);
    expect(gzipBomb.length).toBeLessThan(BODY_LIMIT_BYTES);
    database = await createTestDatabase();
    app = await startAppProcess({ ...database.env, LOG_LEVEL: 'warn' });
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  const send = (path: string, encoding: string, body: Buffer) =>
    fetch(`${app.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': FORM, 'Content-Encoding': encoding, Authorization: DEMO.basic },
      body,
    });

  it('answers bombs at every route with 413, and stops inflating at the limit: the process is idle right after', async () => {
    const pid = app.child.pid!;
    const paths = ['/oauth/token', '/oauth/revoke', '/oauth/introspect', '/no-such-route'];
    const before = cpuSeconds(pid);
    const answers = await Promise.all(
      [...paths, ...paths].flatMap((path) => [
        send(path, 'br', brotliBomb).then(async (response) => ({ path, status: response.status, body: await response.json() })),
        send(path, 'gzip', gzipBomb).then(async (response) => ({ path, status: response.status, body: await response.json() })),
      ]),
    );
    for (const answer of answers) {
      expect(answer).toEqual({ path: answer.path, status: 413, body: expect.any(Object) });
      if (answer.path.startsWith('/oauth/')) expect(answer.body).toEqual({ error: 'invalid_request', error_description: expect.any(String) });
    }
    const answered = cpuSeconds(pid);
    // A window after the last answer: bombs still inflating (seconds of CPU each) would keep the process busy
    // through all of it, where an idle one uses next to nothing.
    await sleep(3000);
    const after = cpuSeconds(pid);
    expect(after - answered).toBeLessThan(0.3);
    // Refusing them costs what brotli decodes before its first output (its window, 16 MiB at most): tens of
    // milliseconds each, where inflating them whole would take minutes.
    expect(after - before).toBeLessThan(8);
    expect((await fetch(`${app.baseUrl}/health`)).status).toBe(200);
  });
});

describe('compressed and encoded form bodies', () => {
  let t: TestApp;

  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    // RFC 6749 §2.3.1: client_secret_post credentials are form parameters like any other.
    await createClient(t.dataSource, { id: 'clïent', secret: 'sécret-ü', grants: ['client_credentials'], scopes: ['read'] });
  });
  afterAll(() => t.close());

  /** The bytes exactly as given (supertest would serialize a Buffer as form fields). */
  const post = async (path: string, headers: Record<string, string>, body: Buffer | string) => {
    const response = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body });
    const text = await response.text();
    return { status: response.status, headers: Object.fromEntries(response.headers), body: text ? JSON.parse(text) : {} } as request.Response;
  };
  const credentials = 'grant_type=client_credentials&client_id=cl%C3%AFent&client_secret=s%C3%A9cret-%C3%BC';

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['GZIP', gzipSync],
  ] as const)('reads a form compressed with Content-Encoding: %s', async (encoding, compress) => {
    const response = await post('/oauth/token', { 'Content-Type': FORM, 'Content-Encoding': encoding }, compress(Buffer.from(credentials)));
    expect(response.status).toBe(200);
    expect(response.body.token_type).toBe('bearer');
  });

  it('refuses a compressed form that inflates past 16 KiB with 413, however small it is on the wire', async () => {
    const inflated = `token=${'a'.repeat(BODY_LIMIT_BYTES)}`;
    for (const body of [gzipSync(inflated), deflateSync(inflated), brotliCompressSync(inflated)]) expect(body.length).toBeLessThan(1024);
    for (const [encoding, body] of [
      ['gzip', gzipSync(inflated)],
      ['deflate', deflateSync(inflated)],
      ['br', brotliCompressSync(inflated)],
    ] as const) {
      const response = await post('/oauth/revoke', { 'Content-Type': FORM, 'Content-Encoding': encoding, Authorization: DEMO.basic }, body);
      expectOAuthError(response, 413, 'invalid_request');
    }
  });

  it.each(['compress', 'x-gzip', 'zstd-but-not', 'gzip, br', 'bogus'])('refuses Content-Encoding: %s with 415 invalid_request', async (encoding) => {
    const response = await post(
      '/oauth/token',
      { 'Content-Type': FORM, 'Content-Encoding': encoding, Authorization: DEMO.basic },
      'grant_type=client_credentials',
    );
    expectOAuthError(response, 415, 'invalid_request');
  });

  describe('RFC 6749 Appendix B: parameters are UTF-8', () => {
    it.each([FORM, `${FORM}; charset=utf-8`, `${FORM}; charset=UTF-8`, `${FORM};charset="utf-8"`])(
      'reads percent-encoded UTF-8 with Content-Type %j',
      async (contentType) => {
        const response = await post('/oauth/token', { 'Content-Type': contentType }, credentials);
        expect(response.status).toBe(200);
      },
    );

    it.each(['iso-8859-1', 'ISO-8859-1', 'windows-1252', 'utf-16', 'utf8', 'us-ascii'])(
      'refuses a body declared as charset=%s with 415 invalid_request',
      async (charset) => {
        // "clïent" in ISO-8859-1: the same bytes a body-parser decoding would turn into the registered client.
        const latin1 = Buffer.from('grant_type=client_credentials&client_id=cl%EFent&client_secret=s%E9cret-%FC', 'latin1');
        for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
          const response = await post(path, { 'Content-Type': `${FORM}; charset=${charset}`, Authorization: DEMO.basic }, latin1);
          expectOAuthError(response, 415, 'invalid_request');
        }
      },
    );

    it('reads ISO-8859-1 escapes in an undeclared body as what they are in UTF-8: not the client', async () => {
      const response = await post(
        '/oauth/token',
        { 'Content-Type': FORM },
        'grant_type=client_credentials&client_id=cl%EFent&client_secret=s%E9cret-%FC',
      );
      expectOAuthError(response, 401, 'invalid_client');
    });
  });
});
