import { startAppProcess, type AppProcess } from './support/app-process';
import { basicAuth, DEMO } from './support/test-app';
import { createTestDatabase, TEST_ON_POSTGRES, type TestDatabase } from './support/test-database';

/**
 * Bursts of guesses spread over two processes of the built app on one PostgreSQL database, as a deployment of
 * several instances runs: every attempt is counted in the shared database before its secret is hashed, so the
 * two together check no more than one would. Runs with `TEST_DATABASE=postgres` (the suite's PostgreSQL run);
 * on sqlite, where a deployment has one instance, it is skipped.
 */
const describeOnPostgres = TEST_ON_POSTGRES ? describe : describe.skip;

const MAX_FAILURES = 5;

describeOnPostgres('brute force spread over two instances on one PostgreSQL database (skipped unless TEST_DATABASE=postgres)', () => {
  jest.setTimeout(180_000);
  let database: TestDatabase;
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    const env = {
      ...database.env,
      OAUTH_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
      OAUTH_CLIENT_MAX_FAILURES: String(MAX_FAILURES),
      // Each hash takes a good part of a second, one at a time per process: a burst's requests all arrive while
      // its first hashes still run.
      PASSWORD_HASH_COST: '13',
      PASSWORD_HASH_CONCURRENCY: '1',
    };
    // One after the other: the first applies the migrations, the second finds them applied.
    a = await startAppProcess(env);
    b = await startAppProcess(env);
  }, 120_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  const token = (app: AppProcess, authorization: string, fields: Record<string, string>) =>
    fetch(`${app.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  const login = (app: AppProcess, password: string, authorization = DEMO.basic) =>
    token(app, authorization, { grant_type: 'password', username: DEMO.username, password });
  const answersOf = async (responses: Response[]) =>
    Promise.all(
      responses.map(async (response) => ({
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        body: (await response.json()) as { error?: string },
      })),
    );

  it(`checks at most ${MAX_FAILURES} of 40 parallel wrong passwords for one username, whichever instance each reaches`, async () => {
    // Both instances authenticate the client once first, so the burst measures the password check alone.
    for (const app of [a, b]) expect((await login(app, 'warm-up')).status).toBe(400);
    const answers = await answersOf(await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 ? a : b, `wrong-${i}`))));

    const checked = answers.filter((answer) => answer.status === 400);
    const refused = answers.filter((answer) => answer.status === 429);
    // The two warm-up failures took two of the window's slots.
    expect({ checked: checked.length, refused: refused.length }).toEqual({ checked: MAX_FAILURES - 2, refused: 40 - (MAX_FAILURES - 2) });
    for (const answer of [...checked, ...refused]) expect(answer.body.error).toBe('invalid_grant');
    for (const answer of refused) expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);

    // The lock outlives the burst, on both instances, for the right password too.
    expect((await login(a, DEMO.password)).status).toBe(429);
    expect((await login(b, DEMO.password)).status).toBe(429);
  });

  it(`checks at most ${MAX_FAILURES} of 40 parallel wrong secrets for one client id, whichever instance each reaches`, async () => {
    const answers = await answersOf(
      await Promise.all(Array.from({ length: 40 }, (_, i) => login(i % 2 ? a : b, 'irrelevant', basicAuth(DEMO.clientId, `wrong-${i}`)))),
    );

    for (const answer of answers) expect({ status: answer.status, error: answer.body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(answers.filter((answer) => answer.retryAfter === null)).toHaveLength(MAX_FAILURES);
    expect(answers.filter((answer) => answer.retryAfter !== null)).toHaveLength(40 - MAX_FAILURES);

    // The right secret, which both instances verified before, is refused on both while the lock lasts.
    for (const app of [a, b]) {
      const right = await login(app, DEMO.password);
      expect({ status: right.status, retryAfter: Number(right.headers.get('retry-after')) > 0 }).toEqual({ status: 401, retryAfter: true });
    }
  });
});
