import { OAUTH_MIGRATIONS } from '@nest-oauth/server/typeorm';
import { DataSource } from 'typeorm';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/database/data-source-options';
import { createTestDatabase, portableSql, TEST_ON_POSTGRES } from './support/test-database';
import { startTestApp, type TestApp } from './support/test-app';

/** The schema comes from migrations; these checks keep the migrations, the entities and the hot queries in step. */
describe(`database schema (${TEST_ON_POSTGRES ? 'PostgreSQL' : 'sqlite'})`, () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('is exactly what the entities describe once the migrations have run', async () => {
    const pending = await t.dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
  });

  it('has no migration left to run', async () => {
    expect(await t.dataSource.showMigrations()).toBe(false);
  });

  /** Each query the hot paths and the purge run, as the repositories issue them (parameters as `?`). */
  const hotQueries: [string, string, unknown[]][] = [
    [
      'access token by digest, with its grant',
      'SELECT * FROM oauth_access_tokens t INNER JOIN oauth_grants g ON g.id = t.grant_id WHERE t.digest = ?',
      ['x'],
    ],
    [
      'refresh token by digest, with its grant',
      'SELECT * FROM oauth_refresh_tokens t INNER JOIN oauth_grants g ON g.id = t.grant_id WHERE t.digest = ?',
      ['x'],
    ],
    ['rotation claim', 'UPDATE oauth_refresh_tokens SET used_at = ? WHERE digest = ? AND used_at IS NULL', [1, 'x']],
    ['grants of a user (disable, new password)', 'UPDATE oauth_grants SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL', [1, 'u']],
    ['grants of a client (client deleted)', 'UPDATE oauth_grants SET revoked_at = ? WHERE client_id = ? AND revoked_at IS NULL', [1, 'c']],
    ['tokens of a grant (family)', 'SELECT digest FROM oauth_refresh_tokens WHERE grant_id = ?', ['g']],
    ['expired access tokens (purge)', 'SELECT digest FROM oauth_access_tokens WHERE expires_at < ? LIMIT 100', [1]],
    ['expired refresh tokens (purge)', 'SELECT digest FROM oauth_refresh_tokens WHERE expires_at < ? LIMIT 100', [1]],
    ['revoked grants (purge)', 'SELECT id FROM oauth_grants WHERE revoked_at < ? LIMIT 100', [1]],
    ['user-revocation sequence (every password grant)', 'SELECT value FROM oauth_counters WHERE name = ?', ['user_revocations']],
    ["a user's last revocation (password grant's creation)", 'SELECT sequence FROM oauth_user_revocations WHERE user_id = ?', ['u']],
    ['login attempts of a username', 'SELECT * FROM oauth_login_attempts WHERE username_key = ?', ['k']],
    ['client authentication attempts of a client id', 'SELECT * FROM oauth_client_failures WHERE client_key = ?', ['k']],
    ['expired login-attempt counters (purge)', 'SELECT username_key FROM oauth_login_attempts WHERE expires_at < ? LIMIT 100', [1]],
    ['expired client-failure counters (purge)', 'SELECT client_key FROM oauth_client_failures WHERE expires_at < ? LIMIT 100', [1]],
    ['user by email', 'SELECT * FROM users WHERE email = ?', ['e']],
  ];

  it.each(hotQueries)('answers "%s" from an index, never a full scan', async (_name, sql, parameters) => {
    const runner = t.dataSource.createQueryRunner();
    try {
      let plan: string;
      if (TEST_ON_POSTGRES) {
        // Tables this small would be scanned whatever indexes exist; with scans priced out, the planner still
        // scans only when no index serves the query.
        await runner.query('SET enable_seqscan = off');
        const rows: Record<string, string>[] = await runner.query(`EXPLAIN ${portableSql(sql)}`, parameters);
        plan = rows.map((row) => row['QUERY PLAN']).join('\n');
        expect(plan).not.toMatch(/Seq Scan/);
      } else {
        const rows: { detail: string }[] = await runner.query(`EXPLAIN QUERY PLAN ${sql}`, parameters);
        plan = rows.map((row) => row.detail).join('\n');
        // sqlite says "SCAN <table>" for a full scan and "SEARCH <table> USING ..." for an index lookup.
        expect(plan).not.toMatch(/^SCAN (?!CONSTANT)/m);
      }
      expect(plan).toMatch(/index|primary key/i);
    } finally {
      await runner.release();
    }
  });

  it('upgrades a database with grants from before grant_type: each gets the type that opened it, and keeps its tokens', async () => {
    const database = await createTestDatabase();
    const options = { ...dataSourceOptions(loadAppConfig(database.env)), migrationsRun: false };
    try {
      const before = new DataSource({ ...options, migrations: OAUTH_MIGRATIONS.slice(0, 1) });
      await before.initialize();
      await before.runMigrations();
      const sql = (query: string, parameters: unknown[]) => before.query(portableSql(query), parameters);
      for (const [id, userId] of [
        ['user-grant', '42'],
        ['client-grant', null],
      ]) {
        await sql('INSERT INTO oauth_grants (id, client_id, user_id, scope, created_at) VALUES (?, ?, ?, ?, ?)', [id, 'app', userId, 'read', 1]);
        await sql('INSERT INTO oauth_access_tokens (digest, grant_id, scope, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [
          `a-${id}`,
          id,
          'read',
          2,
          1,
        ]);
      }
      await sql('INSERT INTO oauth_refresh_tokens (digest, grant_id, scope, expires_at, created_at) VALUES (?, ?, ?, ?, ?)', [
        'r-user-grant',
        'user-grant',
        'read',
        2,
        1,
      ]);
      await before.destroy();

      const after = new DataSource(options);
      await after.initialize();
      try {
        await after.runMigrations();
        expect(await after.query('SELECT id, grant_type FROM oauth_grants ORDER BY id')).toEqual([
          { id: 'client-grant', grant_type: 'client_credentials' },
          { id: 'user-grant', grant_type: 'password' },
        ]);
        // The grants' tokens are untouched.
        expect(await after.query('SELECT digest FROM oauth_access_tokens ORDER BY digest')).toEqual([
          { digest: 'a-client-grant' },
          { digest: 'a-user-grant' },
        ]);
        expect(await after.query('SELECT digest FROM oauth_refresh_tokens')).toEqual([{ digest: 'r-user-grant' }]);
      } finally {
        await after.destroy();
      }
    } finally {
      await database.drop();
    }
  });
});
