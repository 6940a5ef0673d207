import { hashSecret } from '@nest-oauth/server';
import { OAuthClientEntity } from '@nest-oauth/server/typeorm';
import { createHash } from 'node:crypto';
import request from 'supertest';
import { PasswordHasher } from '../apps/api/src/users/password-hasher';
import { UsersService } from '../apps/api/src/users/users.service';
import { basicAuth, expectOAuthError, passwordGrant, startTestApp, type TestApp } from './support/test-app';

/**
 * Brute force under concurrency (RFC 6749 §10.10, RFC 9700 §4.16): bursts of parallel requests over real HTTP.
 * Every attempt is counted in the database before its secret is hashed, so of any burst at most the allowed
 * number is checked, and the rest are refused without hashing; a right password or secret sent once the slots
 * are gone is refused too, and the lock outlives the burst.
 *
 * Hashes run one at a time at a cost that makes each take a good part of a second, so a burst's requests all
 * arrive while its first hashes are still running: what an attacker with many connections gets.
 */

const MAX_FAILURES = 5;
const HASH_COST = 13;

jest.setTimeout(180_000);

describe('brute force in bursts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      OAUTH_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      OAUTH_CLIENT_MAX_FAILURES: String(MAX_FAILURES),
      PASSWORD_HASH_COST: String(HASH_COST),
      PASSWORD_HASH_CONCURRENCY: '1',
    });
  });
  afterAll(() => t.close());

  /** Sends every request at once; resolves with the responses in order, and reports the first one to arrive. */
  function burst(requests: request.Test[]): { responses: Promise<request.Response[]>; firstAnswered: () => boolean } {
    let answered = false;
    const responses = Promise.all(
      requests.map((pending) =>
        pending.then((response) => {
          answered = true;
          return response;
        }),
      ),
    );
    return { responses, firstAnswered: () => answered };
  }

  /**
   * Waits until the counter of `key` in `table` has no slot left (which the server records as the requests
   * arrive, before it hashes anything), or until a response of the burst has arrived, whichever comes first.
   */
  async function untilSlotsAreTaken(
    table: 'oauth_login_attempts' | 'oauth_client_failures',
    key: string,
    firstAnswered: () => boolean,
  ): Promise<void> {
    const column = table === 'oauth_login_attempts' ? 'username_key' : 'client_key';
    for (;;) {
      const [row] = await t.sql<{ failures: number | string }>(`SELECT failures FROM ${table} WHERE ${column} = ?`, [key]);
      if ((row && Number(row.failures) >= MAX_FAILURES) || firstAnswered()) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

  function expectRefusedWithRetryAfter(response: request.Response, status: number, error: string, lockSeconds: number): void {
    expectOAuthError(response, status, error);
    const retryAfter = Number(response.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(lockSeconds);
  }

  describe('password grant, per username', () => {
    it(`checks at most ${MAX_FAILURES} of 40 parallel wrong passwords; the other 35 get 429 with Retry-After, unhashed`, async () => {
      const username = 'burst@example.org';
      await t.app.get(UsersService).create({ email: username, password: 'the right password' });
      const verify = jest.spyOn(t.app.get(PasswordHasher), 'verify');
      try {
        const { responses } = burst(Array.from({ length: 40 }, (_, i) => passwordGrant(t.http, { username, password: `wrong-${i}` })));
        const answers = await responses;

        const checked = answers.filter((response) => response.status === 400);
        const refused = answers.filter((response) => response.status === 429);
        expect({ checked: checked.length, refused: refused.length }).toEqual({ checked: MAX_FAILURES, refused: 40 - MAX_FAILURES });
        for (const response of checked) expectOAuthError(response, 400, 'invalid_grant');
        for (const response of refused) expectRefusedWithRetryAfter(response, 429, 'invalid_grant', 900);
        expect(verify).toHaveBeenCalledTimes(MAX_FAILURES);
      } finally {
        verify.mockRestore();
      }
    });

    it('refuses the right password sent into a burst once its slots are taken, and the lock outlives the burst', async () => {
      const username = 'victim@example.org';
      await t.app.get(UsersService).create({ email: username, password: 'the right password' });
      const verify = jest.spyOn(t.app.get(PasswordHasher), 'verify');
      try {
        const wrong = burst(Array.from({ length: 40 }, (_, i) => passwordGrant(t.http, { username, password: `wrong-${i}` })));
        await untilSlotsAreTaken('oauth_login_attempts', sha256(username), wrong.firstAnswered);
        const right = await passwordGrant(t.http, { username, password: 'the right password' });
        const answers = await wrong.responses;

        expectRefusedWithRetryAfter(right, 429, 'invalid_grant', 900);
        expect(answers.filter((response) => response.status === 400)).toHaveLength(MAX_FAILURES);
        expect(answers.filter((response) => response.status === 429)).toHaveLength(40 - MAX_FAILURES);
        // The right password was never hashed, so no success could clear the counter: it is still locked.
        expect(verify).toHaveBeenCalledTimes(MAX_FAILURES);
        expectRefusedWithRetryAfter(await passwordGrant(t.http, { username, password: 'the right password' }), 429, 'invalid_grant', 900);
        // Another account is not affected.
        expect((await passwordGrant(t.http)).status).toBe(200);
      } finally {
        verify.mockRestore();
      }
    });

    it('answers every one of 20 parallel logins with the right password: they share one check, and use up no slot', async () => {
      const username = 'many-devices@example.org';
      await t.app.get(UsersService).create({ email: username, password: 'the right password' });
      const answers = await burst(Array.from({ length: 20 }, () => passwordGrant(t.http, { username, password: 'the right password' }))).responses;
      expect(answers.map((response) => response.status)).toEqual(Array(20).fill(200));
    });
  });

  describe('client authentication, per client id', () => {
    const clientSecret = 'a secret an operator typed';

    /** A client whose secret is stored with scrypt, as a human-chosen secret is. */
    async function createTypedSecretClient(id: string): Promise<void> {
      await t.dataSource.getRepository(OAuthClientEntity).insert({
        id,
        secretHash: await hashSecret(clientSecret, { cost: HASH_COST }),
        name: null,
        grants: 'client_credentials',
        scopes: 'read',
        defaultScopes: 'read',
        createdAt: new Date(),
      });
    }

    const clientCredentials = (clientId: string, secret: string) =>
      request(t.http).post('/oauth/token').set('Authorization', basicAuth(clientId, secret)).type('form').send({ grant_type: 'client_credentials' });

    it(`checks at most ${MAX_FAILURES} of 40 parallel wrong secrets; the other 35 get 401 with Retry-After, unhashed`, async () => {
      await createTypedSecretClient('burst_app');
      const answers = await burst(Array.from({ length: 40 }, (_, i) => clientCredentials('burst_app', `wrong-${i}`))).responses;

      for (const response of answers) expectOAuthError(response, 401, 'invalid_client');
      for (const response of answers) expect(response.headers['www-authenticate']).toMatch(/^Basic realm=/);
      const checked = answers.filter((response) => response.headers['retry-after'] === undefined);
      const refused = answers.filter((response) => response.headers['retry-after'] !== undefined);
      expect({ checked: checked.length, refused: refused.length }).toEqual({ checked: MAX_FAILURES, refused: 40 - MAX_FAILURES });
      for (const response of refused) expectRefusedWithRetryAfter(response, 401, 'invalid_client', 300);
    });

    it('refuses the right secret sent into a burst once its slots are taken, even one already verified, and the lock outlives the burst', async () => {
      await createTypedSecretClient('victim_app');
      // Verified once: this instance now recognises the secret without hashing it.
      expect((await clientCredentials('victim_app', clientSecret)).status).toBe(200);

      const wrong = burst(Array.from({ length: 40 }, (_, i) => clientCredentials('victim_app', `wrong-${i}`)));
      await untilSlotsAreTaken('oauth_client_failures', sha256('victim_app'), wrong.firstAnswered);
      const right = await clientCredentials('victim_app', clientSecret);
      const answers = await wrong.responses;

      expectRefusedWithRetryAfter(right, 401, 'invalid_client', 300);
      expect(answers.filter((response) => response.headers['retry-after'] === undefined)).toHaveLength(MAX_FAILURES);
      expectRefusedWithRetryAfter(await clientCredentials('victim_app', clientSecret), 401, 'invalid_client', 300);
      expectRefusedWithRetryAfter(await passwordGrant(t.http, {}, basicAuth('victim_app', clientSecret)), 401, 'invalid_client', 300);
      // Other clients are not affected.
      expect((await passwordGrant(t.http)).status).toBe(200);
    });

    it('counts unknown client ids the same way, so a lock says nothing about which ids exist', async () => {
      const answers = await burst(Array.from({ length: 20 }, (_, i) => clientCredentials('no_such_app', `guess-${i}`))).responses;
      expect(answers.filter((response) => response.headers['retry-after'] === undefined)).toHaveLength(MAX_FAILURES);
      for (const response of answers) expectOAuthError(response, 401, 'invalid_client');
    });

    it('answers every one of 40 parallel requests with the right secret on an instance that has not verified it yet', async () => {
      await createTypedSecretClient('busy_app');
      const answers = await burst(Array.from({ length: 40 }, () => clientCredentials('busy_app', clientSecret))).responses;
      expect(answers.map((response) => response.status)).toEqual(Array(40).fill(200));
    });
  });
});
