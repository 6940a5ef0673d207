// @ts-check
'use strict';

/**
 * The benchmark's databases: a fresh temporary sqlite file, or a fresh schema on the PostgreSQL server of
 * BENCH_POSTGRES_URL; bulk seeding of live tokens; a few reads (the stored password hash, row counts).
 *
 * Seeding writes the tables of libs/oauth/src/typeorm/migrations/1764201600000-create-oauth-tables.ts directly,
 * with one INSERT ... SELECT per table inside one transaction, so a million grants take a minute rather than
 * three million round trips: each seeded grant gets one live access token and one live (unused) refresh token,
 * with random SHA-256-sized hex digests, random v4-style grant ids and expiry times in the future.
 */

const { randomBytes } = require('node:crypto');
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

/**
 * @typedef {{ clientId: string; accessTtlSeconds: number; refreshTtlSeconds: number }} SeedOptions
 * @typedef {object} BenchDatabase
 * @property {'sqlite' | 'postgres'} kind
 * @property {string} label
 * @property {Record<string, string>} env what the app and the CLI read to reach it
 * @property {(sql: string, params?: unknown[]) => Promise<any[]>} query one statement, `?` placeholders
 * @property {(grants: number, options: SeedOptions) => Promise<void>} seedLiveTokens
 * @property {() => Promise<void>} drop
 */

/** @param {string} label @returns {BenchDatabase} */
function createSqliteDatabase(label) {
  const dir = mkdtempSync(join(tmpdir(), `oauth-bench-${label}-`));
  const file = join(dir, 'api.sqlite');
  return {
    kind: 'sqlite',
    label,
    env: { DATABASE_URL: `sqlite:${file}` },
    query: (sql, params = []) => withSqlite(file, (db) => all(db, sql, params)),
    seedLiveTokens: (grants, options) => withSqlite(file, (db) => seedSqlite(db, grants, options)),
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * @param {string} url @param {string} label
 * @returns {Promise<BenchDatabase>}
 */
async function createPostgresDatabase(url, label) {
  const schema = `bench_${label.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  await withPostgres(url, null, (client) => client.query(`CREATE SCHEMA ${schema}`));
  return {
    kind: 'postgres',
    label,
    env: { DATABASE_URL: url, DATABASE_SCHEMA: schema, DB_MIGRATE: 'true' },
    query: (sql, params = []) => withPostgres(url, schema, async (client) => (await client.query(numbered(sql), params)).rows),
    seedLiveTokens: (grants, options) => withPostgres(url, schema, (client) => seedPostgres(client, grants, options)),
    drop: () => withPostgres(url, null, (client) => client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)).then(() => undefined),
  };
}

// ---------------------------------------------------------------------------------------------------- sqlite

/**
 * @template T
 * @param {string} file @param {(db: any) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withSqlite(file, work) {
  const sqlite3 = require('sqlite3');
  const db = await new Promise((resolve, reject) => {
    const handle = new sqlite3.Database(file, (/** @type {Error | null} */ error) => (error ? reject(error) : resolve(handle)));
  });
  try {
    await exec(db, 'PRAGMA busy_timeout = 10000');
    return await work(db);
  } finally {
    await new Promise((resolve) => db.close(resolve));
  }
}

/** @param {any} db @param {string} sql */
const exec = (db, sql) =>
  new Promise((resolve, reject) => db.exec(sql, (/** @type {Error | null} */ error) => (error ? reject(error) : resolve(undefined))));
/** @param {any} db @param {string} sql @param {unknown[]} params @returns {Promise<any[]>} */
const all = (db, sql, params) =>
  new Promise((resolve, reject) =>
    db.all(sql, params, (/** @type {Error | null} */ error, /** @type {any[]} */ rows) => (error ? reject(error) : resolve(rows))),
  );

/** @param {any} db @param {number} grants @param {SeedOptions} options */
async function seedSqlite(db, grants, { clientId, accessTtlSeconds, refreshTtlSeconds }) {
  const now = Date.now();
  // A large page cache for the bulk load only (this connection's), and the temporary id list in memory.
  await exec(db, 'PRAGMA cache_size = -524288; PRAGMA temp_store = MEMORY');
  await exec(db, 'BEGIN IMMEDIATE');
  try {
    // Ids shaped like randomUUID()'s (8-4-4-4-12 hex digits) and digests shaped like SHA-256 hex, all random.
    await exec(
      db,
      `CREATE TEMP TABLE bench_seed AS
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${grants}),
              r(i, h) AS (SELECT i, lower(hex(randomblob(16))) FROM n)
         SELECT i,
                substr(h, 1, 8) || '-' || substr(h, 9, 4) || '-4' || substr(h, 14, 3) || '-a' || substr(h, 18, 3) || '-' || substr(h, 21, 12) AS id,
                lower(hex(randomblob(32))) AS access_digest,
                lower(hex(randomblob(32))) AS refresh_digest
         FROM r`,
    );
    // Each table is filled in its primary key's order: the same rows, but the key index grows by appends
    // instead of a million random page splits (three times faster).
    await exec(
      db,
      `INSERT INTO oauth_grants (id, client_id, user_id, scope, created_at, revoked_at, revoked_reason)
         SELECT id, '${clientId}', CAST(1000 + i % 10000 AS TEXT), 'read write', ${now} - i % 86400000, NULL, NULL
         FROM bench_seed ORDER BY id`,
    );
    await exec(
      db,
      `INSERT INTO oauth_access_tokens (digest, grant_id, scope, expires_at, created_at)
         SELECT access_digest, id, 'read write', ${now + accessTtlSeconds * 1000} - i % 3600000, ${now} - i % 3600000
         FROM bench_seed ORDER BY access_digest`,
    );
    await exec(
      db,
      `INSERT INTO oauth_refresh_tokens (digest, grant_id, parent_digest, scope, expires_at, used_at, sealed_successor, created_at)
         SELECT refresh_digest, id, NULL, 'read write', ${now + refreshTtlSeconds * 1000} - i % 3600000, NULL, NULL, ${now} - i % 3600000
         FROM bench_seed ORDER BY refresh_digest`,
    );
    await exec(db, 'DROP TABLE bench_seed');
    await exec(db, 'COMMIT');
  } catch (error) {
    await exec(db, 'ROLLBACK').catch(() => undefined);
    throw error;
  }
  // Fold the write-ahead log into the database file, so the app starts on a compact file, and refresh the
  // planner's statistics as an operator's maintenance would.
  await exec(db, 'PRAGMA wal_checkpoint(TRUNCATE)');
  await exec(db, 'ANALYZE');
}

// -------------------------------------------------------------------------------------------------- postgres

/**
 * @template T
 * @param {string} url @param {string | null} schema @param {(client: any) => Promise<T>} work
 * @returns {Promise<T>}
 */
async function withPostgres(url, schema, work) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url, ...(schema ? { options: `-c search_path=${schema}` } : {}) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** `?` placeholders as PostgreSQL's `$1, $2, …`. @param {string} sql */
function numbered(sql) {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}

/** @param {any} client @param {number} grants @param {SeedOptions} options */
async function seedPostgres(client, grants, { clientId, accessTtlSeconds, refreshTtlSeconds }) {
  const now = Date.now();
  await client.query('BEGIN');
  try {
    // md5 of random text twice: 64 random hex digits, the shape of a SHA-256 digest, from built-in functions only.
    await client.query(
      `CREATE TEMP TABLE bench_seed ON COMMIT DROP AS
         SELECT i, gen_random_uuid()::text AS id,
                md5(random()::text || i::text) || md5(random()::text || 'a') AS access_digest,
                md5(random()::text || i::text) || md5(random()::text || 'r') AS refresh_digest
         FROM generate_series(1, ${grants}) AS i`,
    );
    // Filled in primary key order, so the key indexes grow by appends rather than random page splits.
    await client.query(
      `INSERT INTO oauth_grants (id, client_id, user_id, scope, created_at, revoked_at, revoked_reason)
         SELECT id, $1, (1000 + i % 10000)::text, 'read write', ${now} - i % 86400000, NULL, NULL FROM bench_seed ORDER BY id`,
      [clientId],
    );
    await client.query(
      `INSERT INTO oauth_access_tokens (digest, grant_id, scope, expires_at, created_at)
         SELECT access_digest, id, 'read write', ${now + accessTtlSeconds * 1000} - i % 3600000, ${now} - i % 3600000
         FROM bench_seed ORDER BY access_digest`,
    );
    await client.query(
      `INSERT INTO oauth_refresh_tokens (digest, grant_id, parent_digest, scope, expires_at, used_at, sealed_successor, created_at)
         SELECT refresh_digest, id, NULL, 'read write', ${now + refreshTtlSeconds * 1000} - i % 3600000, NULL, NULL, ${now} - i % 3600000
         FROM bench_seed ORDER BY refresh_digest`,
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  await client.query('ANALYZE oauth_grants, oauth_access_tokens, oauth_refresh_tokens');
}

// ------------------------------------------------------------------------------------------------------ reads

/** Rows per OAuth table, for the record. @param {BenchDatabase} db */
async function countRows(db) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const table of ['oauth_grants', 'oauth_access_tokens', 'oauth_refresh_tokens']) {
    const [row] = await db.query(`SELECT COUNT(*) AS n FROM ${table}`);
    counts[table] = Number(row.n);
  }
  return counts;
}

/** The stored password hash of a user, to verify against with the very same scrypt parameters. @param {BenchDatabase} db @param {string} email */
async function storedPasswordHash(db, email) {
  const [row] = await db.query('SELECT password_hash FROM users WHERE email = ?', [email]);
  if (!row) throw new Error(`no user ${email} in the ${db.label} database`);
  return String(row.password_hash);
}

module.exports = { createSqliteDatabase, createPostgresDatabase, countRows, storedPasswordHash };
