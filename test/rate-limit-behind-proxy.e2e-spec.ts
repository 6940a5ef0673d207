import request from 'supertest';
import { expectOAuthError, startTestApp, type TestApp } from './support/test-app';

/**
 * The per-IP limit of the OAuth endpoints behind a reverse proxy. Every request of this spec comes from
 * 127.0.0.1, which plays the proxy: it names the client in `X-Forwarded-For`, and `TRUST_PROXY` says whether the
 * app believes it.
 */
jest.setTimeout(60_000);

const LIMIT = 3;

/** A token request as the proxy forwards it for `client`; unauthenticated, so it costs no secret check. */
function fromClient(t: TestApp, forwardedFor: string) {
  return request(t.http).post('/oauth/token').set('X-Forwarded-For', forwardedFor).type('form').send({ grant_type: 'client_credentials' });
}

/** Spends `client`'s whole allowance, checking that none of it was refused. */
async function useUpLimit(t: TestApp, clients: string[]): Promise<void> {
  expect(clients).toHaveLength(LIMIT);
  for (const client of clients) expect((await fromClient(t, client)).status).toBe(401);
}

describe('per-IP rate limit with TRUST_PROXY naming the proxy', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_TOKEN_RATE_LIMIT: String(LIMIT), TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('counts each forwarded client on its own', async () => {
    await useUpLimit(t, ['203.0.113.10', '203.0.113.10', '203.0.113.10']);
    expectOAuthError(await fromClient(t, '203.0.113.10'), 429, 'temporarily_unavailable');
    expect((await fromClient(t, '203.0.113.11')).status).toBe(401);
  });

  it('believes only the address the trusted proxy added, not what the client wrote before it', async () => {
    await useUpLimit(t, ['203.0.113.20', '203.0.113.20', '203.0.113.20']);
    // The client sent "X-Forwarded-For: 198.51.100.7" itself; the proxy appended the address it saw.
    expectOAuthError(await fromClient(t, '198.51.100.7, 203.0.113.20'), 429, 'temporarily_unavailable');
  });

  it('counts IPv6 clients by their /64: two addresses in one /64 share a limit, another /64 has its own', async () => {
    await useUpLimit(t, ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff:ffff:ffff:ffff']);
    expectOAuthError(await fromClient(t, '2001:db8:1:2:abcd::9'), 429, 'temporarily_unavailable');
    expect((await fromClient(t, '2001:db8:1:3::1')).status).toBe(401);
  });
});

describe('per-IP rate limit without TRUST_PROXY', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ OAUTH_TOKEN_RATE_LIMIT: String(LIMIT) });
  });
  afterAll(() => t.close());

  it('ignores X-Forwarded-For: every request counts against the peer that sent it', async () => {
    await useUpLimit(t, ['203.0.113.10', '203.0.113.11', '2001:db8:1:2::1']);
    expectOAuthError(await fromClient(t, '203.0.113.12'), 429, 'temporarily_unavailable');
    expectOAuthError(
      await request(t.http).post('/oauth/token').type('form').send({ grant_type: 'client_credentials' }),
      429,
      'temporarily_unavailable',
    );
  });
});
