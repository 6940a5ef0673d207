import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { OAUTH_ENTITIES } from '../entities';
import { TypeOrmAttemptCounterRepository } from '../typeorm-attempt-counter.repository';
import { TypeOrmStorageConnection } from '../typeorm-storage-connection';
import { CreateOAuthTables1764201600000 } from './1764201600000-create-oauth-tables';
import { CountAttemptsBeforeChecking1764806400000 } from './1764806400000-count-attempts-before-checking';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL;
const POLICY = { maxFailures: 5, windowSeconds: 900, lockSeconds: 900 };

const databases: [string, () => Promise<{ options: DataSourceOptions; drop(): Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      // A file: the storage opens connections of its own to it, which an in-memory database would not have.
      const directory = mkdtempSync(join(tmpdir(), 'oauth-migration-'));
      return {
        options: { type: 'sqlite', database: join(directory, 'db.sqlite'), busyTimeout: 10_000 },
        drop: async () => rmSync(directory, { recursive: true, force: true }),
      };
    },
  ],
];
if (POSTGRES_URL) {
  databases.push([
    'PostgreSQL',
    async () => {
      const schema = `unit_${randomBytes(6).toString('hex')}`;
      const admin = await new DataSource({ type: 'postgres', url: POSTGRES_URL }).initialize();
      await admin.query(`CREATE SCHEMA ${schema}`);
      return {
        options: { type: 'postgres', url: POSTGRES_URL, schema, extra: { options: `-c search_path=${schema}` } },
        drop: async () => {
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.destroy();
        },
      };
    },
  ]);
}

/** Upgrading a database whose login counters were written before attempts were counted ahead of the check. */
describe.each(databases)('migration 1764806400000 on %s', (_name, createDatabase) => {
  jest.setTimeout(60_000);

  it('keeps every earlier lock until it ends, and lets windows that had passed start afresh', async () => {
    const database = await createDatabase();
    const dataSource = await new DataSource({
      ...database.options,
      entities: OAUTH_ENTITIES,
      migrations: [CreateOAuthTables1764201600000],
    }).initialize();
    try {
      await dataSource.runMigrations();
      const now = Date.now();
      const insert = 'INSERT INTO oauth_login_attempts (username_key, failures, window_started_at, locked_until) VALUES ';
      const p = (index: number) => (dataSource.options.type === 'postgres' ? `$${index}` : '?');
      await dataSource.query(`${insert}(${p(1)}, 5, ${p(2)}, ${p(3)})`, ['locked', now - 60_000, now + 840_000]);
      await dataSource.query(`${insert}(${p(1)}, 2, ${p(2)}, NULL)`, ['counting', now - 60_000]);
      await dataSource.query(`${insert}(${p(1)}, 3, ${p(2)}, NULL)`, ['stale', now - 3_600_000]);

      dataSource.migrations.push(new CountAttemptsBeforeChecking1764806400000());
      await dataSource.runMigrations();

      const storage = await TypeOrmStorageConnection.open(dataSource);
      const counters = new TypeOrmAttemptCounterRepository(storage);
      const at = new Date(now);
      await expect(counters.lockedUntil('login', 'locked', at, POLICY)).resolves.toEqual(new Date(now + 840_000));
      await expect(counters.reserve('login', 'locked', at, POLICY)).resolves.toEqual({ granted: false, lockedUntil: new Date(now + 840_000) });
      // Two failures in a window still open: three slots left in it.
      await expect(counters.reserve('login', 'counting', at, POLICY)).resolves.toMatchObject({ granted: true, slot: { settledFailures: 2 } });
      // A window that had passed starts afresh, and is what a purge removes.
      await expect(counters.deleteExpired('login', at, 10)).resolves.toBe(1);
      await expect(counters.reserve('login', 'stale', at, POLICY)).resolves.toMatchObject({ granted: true, slot: { settledFailures: 0 } });
      await storage.close();

      await dataSource.undoLastMigration();
      await expect(dataSource.query('SELECT username_key FROM oauth_login_attempts ORDER BY username_key')).resolves.toHaveLength(3);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
