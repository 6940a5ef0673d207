import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Which database the end-to-end suite runs on: sqlite by default, PostgreSQL when `TEST_DATABASE=postgres`
 * (the URL comes from `TEST_POSTGRES_URL`). `npm test` runs the suite once on each when PostgreSQL is there.
 */
export const TEST_ON_POSTGRES = process.env.TEST_DATABASE === 'postgres';

/** An empty database of its own: a temporary sqlite file, or a fresh PostgreSQL schema. */
export interface TestDatabase {
  /** What the app reads to reach it. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_ON_POSTGRES) {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-e2e-'));
    return {
      env: { DATABASE_URL: `sqlite:${join(dir, 'api.sqlite')}` },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.TEST_POSTGRES_URL;
  if (!url) throw new Error('TEST_DATABASE=postgres needs TEST_POSTGRES_URL, e.g. postgres://root@127.0.0.1:5432/test');
  // One schema per database, so parallel spec files (and parallel CI runs) never see each other's rows.
  const schema = `e2e_${randomBytes(6).toString('hex')}`;
  await withClient(url, (client) => client.query(`CREATE SCHEMA ${schema}`));
  return {
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema, DB_MIGRATE: 'true' },
    drop: () => withClient(url, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`)).then(() => undefined),
  };
}

/** One PostgreSQL connection for `work`, closed afterwards whatever happens: for schemas and raw SQL around the app. */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `?` placeholders, rewritten to `$1, $2, …` on PostgreSQL, so a spec's raw SQL runs on both databases. */
export function portableSql(sql: string): string {
  if (!TEST_ON_POSTGRES) return sql;
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
