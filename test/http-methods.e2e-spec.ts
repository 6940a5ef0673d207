import fc from 'fast-check';
import type { AddressInfo } from 'node:net';
import { request as httpRequest } from 'node:http';
import { DEMO, startTestApp, type TestApp } from './support/test-app';

/**
 * Methods the endpoints do not serve (RFC 9110 §15.5.6: 405 with `Allow`), answered as OAuth errors at the OAuth
 * endpoints (RFC 6749 §5.2), and answers that never repeat the request's query string, where a client may have put
 * a password or a token by mistake.
 */

jest.setTimeout(120_000);

const SECRET = 'hunter2-QUERY-SECRET';
const QUERY = `?grant_type=password&username=${encodeURIComponent(DEMO.username)}&password=${SECRET}&client_secret=${SECRET}`;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

describe.each([
  ['opaque', {}],
  ['jwt', { OAUTH_ACCESS_TOKEN_FORMAT: 'jwt' }],
] as const)('HTTP methods and echoes (%s access tokens)', (format, env) => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp(env);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  /** Over a raw socket: any method, the path exactly as given, no body unless one is given. */
  const send = (method: string, path: string, body?: string) =>
    new Promise<RawResponse>((resolve, reject) => {
      const headers: Record<string, string> = { Authorization: DEMO.basic };
      if (body !== undefined)
        Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(Buffer.byteLength(body)) });
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  const OTHER_THAN_POST = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SEARCH', 'PROPFIND', 'LOCK'];

  describe.each(['/oauth/token', '/oauth/revoke', '/oauth/introspect'])('%s', (endpoint) => {
    it.each(OTHER_THAN_POST)('answers %s with 405, Allow: POST and an RFC 6749 §5.2 body that repeats nothing of the request', async (method) => {
      const response = await send(method, `${endpoint}${QUERY}`, method === 'GET' || method === 'HEAD' ? undefined : `password=${SECRET}`);
      expect({ status: response.status, allow: response.headers['allow'], cacheControl: response.headers['cache-control'] }).toEqual({
        status: 405,
        allow: 'POST',
        cacheControl: 'no-store',
      });
      if (method === 'HEAD') expect(response.text).toBe('');
      else
        expect(JSON.parse(response.text)).toEqual({
          error: 'invalid_request',
          error_description: expect.stringMatching(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/),
        });
      expect(response.text).not.toContain(SECRET);
    });

    it('still serves POST, reading the body (RFC 6749 §3.2) and not the query string', async () => {
      const response = await send('POST', `${endpoint}${QUERY}`, 'token=x&grant_type=unknown');
      // An unknown grant type at the token endpoint; an unknown token is no error to revoke (RFC 7009 §2.2) or to introspect.
      expect(response.status).toBe(endpoint === '/oauth/token' ? 400 : 200);
      if (endpoint === '/oauth/token') expect(JSON.parse(response.text).error).toBe('unsupported_grant_type');
      expect(response.text).not.toContain(SECRET);
    });
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])('answers %s at the metadata endpoint with 405 and Allow: GET, HEAD', async (method) => {
    const response = await send(method, `/.well-known/oauth-authorization-server${QUERY}`, method === 'POST' ? `x=${SECRET}` : undefined);
    expect({ status: response.status, allow: response.headers['allow'] }).toEqual({ status: 405, allow: 'GET, HEAD' });
    expect(JSON.parse(response.text).error).toBe('invalid_request');
    expect(response.text).not.toContain(SECRET);
    expect((await send('GET', '/.well-known/oauth-authorization-server')).status).toBe(200);
    expect((await send('HEAD', '/.well-known/oauth-authorization-server')).status).toBe(200);
  });

  it('answers other methods at the JWKS with 405 (the app signs ID tokens, so it serves its keys in either format)', async () => {
    const get = await send('GET', '/.well-known/jwks.json');
    const post = await send('POST', `/.well-known/jwks.json${QUERY}`, `x=${SECRET}`);
    expect(get.status).toBe(200);
    expect({ status: post.status, allow: post.headers['allow'] }).toEqual({ status: 405, allow: 'GET, HEAD' });
    expect(post.text).not.toContain(SECRET);
  });

  it('answers unknown routes with a 404 that names the path and not the query string', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
      const response = await send(method, `/no/such/route${QUERY}`);
      expect(response.status).toBe(404);
      expect(JSON.parse(response.text)).toEqual({ statusCode: 404, error: 'Not Found', message: `Cannot ${method} /no/such/route` });
    }
  });

  it('never repeats a query string in any answer, whatever the method and path', async () => {
    const paths = fc.oneof(
      fc.constantFrom(
        '/oauth/token',
        '/oauth/revoke',
        '/oauth/introspect',
        '/oauth',
        '/oauth/',
        '/.well-known/oauth-authorization-server',
        '/.well-known/jwks.json',
        '/me',
        '/health',
        '/docs-json',
        '/docs',
        '/docs/',
        '/',
        '/x',
      ),
      fc.stringMatching(/^\/[a-z0-9._~/-]{0,30}$/),
    );
    const methods = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SEARCH', 'TRACE');
    const marker = fc.stringMatching(/^[A-Za-z0-9]{12,24}$/).map((value) => `Q${value}`);
    await fc.assert(
      fc.asyncProperty(paths, methods, marker, fc.boolean(), async (path, method, value, withBody) => {
        const response = await send(
          method,
          `${path}?password=${value}&token=${value}`,
          withBody && method !== 'GET' && method !== 'HEAD' && method !== 'TRACE' ? 'a=b' : undefined,
        );
        expect(response.status).toBeLessThan(500);
        expect(response.text).not.toContain(value);
      }),
      { numRuns: 150 },
    );
  });
});
