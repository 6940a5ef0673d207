import { startAppProcess, type AppProcess } from './support/app-process';
import { DEMO } from './support/test-app';
import { createTestDatabase, portableSql, TEST_ON_POSTGRES, type TestDatabase } from './support/test-database';
import { DataSource } from 'typeorm';

/**
 * Two processes of the built app on one database: what one does, the other sees at once. (The suite runs this on
 * sqlite, two processes on one file, and on PostgreSQL, where it matters most.)
 */
describe(`two instances on one ${TEST_ON_POSTGRES ? 'PostgreSQL' : 'sqlite'} database`, () => {
  let database: TestDatabase;
  let a: AppProcess;
  let b: AppProcess;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One after the other: the first applies the migrations, the second finds them applied.
    a = await startAppProcess({ ...database.env, OAUTH_LOGIN_MAX_FAILURES: '3' });
    b = await startAppProcess({ ...database.env, OAUTH_LOGIN_MAX_FAILURES: '3' });
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const token = (app: AppProcess, fields: Record<string, string>) =>
    fetch(`${app.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: DEMO.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form(fields),
    });
  const login = (app: AppProcess, password = DEMO.password) => token(app, { grant_type: 'password', username: DEMO.username, password });
  const me = (app: AppProcess, accessToken: string) => fetch(`${app.baseUrl}/me`, { headers: { Authorization: `Bearer ${accessToken}` } });

  it('accepts on one instance a token issued by the other', async () => {
    const tokens = (await (await login(a)).json()) as Record<string, string>;
    expect((await me(b, tokens.access_token)).status).toBe(200);
  });

  it('refuses at once on one instance what was revoked on the other', async () => {
    const tokens = (await (await login(a)).json()) as Record<string, string>;
    expect((await me(b, tokens.access_token)).status).toBe(200);
    const revoked = await fetch(`${b.baseUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { Authorization: DEMO.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: form({ token: tokens.refresh_token }),
    });
    expect(revoked.status).toBe(200);
    expect((await me(a, tokens.access_token)).status).toBe(401);
  });

  it('refuses at once the tokens of a user disabled behind both instances', async () => {
    const tokens = (await (await login(a)).json()) as Record<string, string>;
    const direct = new DataSource(
      TEST_ON_POSTGRES
        ? {
            type: 'postgres',
            url: database.env.DATABASE_URL,
            schema: database.env.DATABASE_SCHEMA,
            extra: { options: `-c search_path=${database.env.DATABASE_SCHEMA}` },
          }
        : { type: 'sqlite', database: database.env.DATABASE_URL.slice('sqlite:'.length) },
    );
    await direct.initialize();
    try {
      await direct.query(portableSql('UPDATE users SET disabled = ? WHERE email = ?'), [TEST_ON_POSTGRES ? true : 1, DEMO.username]);
      expect((await me(b, tokens.access_token)).status).toBe(401);
      expect((await me(a, tokens.access_token)).status).toBe(401);
    } finally {
      await direct.query(portableSql('UPDATE users SET disabled = ? WHERE email = ?'), [TEST_ON_POSTGRES ? false : 0, DEMO.username]);
      await direct.destroy();
    }
  });

  it('gives exactly one success to 20 concurrent refreshes of one token spread over both', async () => {
    const tokens = (await (await login(a)).json()) as Record<string, string>;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => token(i % 2 ? a : b, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status !== 200)).toEqual(Array(19).fill(400));
  });

  it('shares the brute-force counter', async () => {
    await login(a, 'wrong-1');
    await login(b, 'wrong-2');
    await login(a, 'wrong-3');
    expect((await login(b)).status).toBe(429);
    expect((await login(a)).status).toBe(429);
  });
});
