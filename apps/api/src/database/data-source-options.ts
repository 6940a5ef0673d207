import { OAUTH_ENTITIES, OAUTH_MIGRATIONS } from '@nest-oauth/server/typeorm';
import { closeSync, constants, mkdirSync, openSync } from 'node:fs';
import * as sqlite3 from 'sqlite3';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { APP_MIGRATIONS } from './migrations';

/** How long a request may wait for a PostgreSQL connection, and for a query's answer (milliseconds). */
const POSTGRES_CONNECT_TIMEOUT_MS = 2_000;
const POSTGRES_QUERY_TIMEOUT_MS = 5_000;

/**
 * One description of the database for the app, the CLI and `npm run migration:run`. The schema comes from
 * migrations only (`synchronize` stays off), so what runs in production is what the tests ran.
 */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  const shared = {
    entities: [...OAUTH_ENTITIES, User],
    migrations: [...OAUTH_MIGRATIONS, ...APP_MIGRATIONS],
    migrationsRun: config.database.migrate,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
  };
  if (config.database.type === 'postgres') {
    const { url, schema } = config.database;
    return {
      ...shared,
      type: 'postgres',
      url,
      schema,
      // A request never waits on the database longer than a client would wait for an answer: with the server
      // down or cut off, a new connection (and a wait for a free one of the pool) gives up after
      // connectTimeoutMS, a query that gets no answer after query_timeout, and the request is answered 503
      // (see StorageUnavailable); pg-pool drops the broken connections, so the app recovers by itself once the
      // server answers again. Keep-alive probes find a silently dropped connection that sits idle in the pool.
      connectTimeoutMS: POSTGRES_CONNECT_TIMEOUT_MS,
      extra: {
        query_timeout: POSTGRES_QUERY_TIMEOUT_MS,
        keepAlive: true,
        // Raw SQL (health checks, operators' queries) must see the same schema as the entities.
        ...(schema ? { options: `-c search_path=${schema}` } : {}),
      },
    };
  }
  if (config.database.path !== ':memory:') createOwnerOnlyFile(config.database.path);
  return {
    ...shared,
    type: 'sqlite',
    database: config.database.path,
    // WAL: readers never wait for the writer, and a committed transaction survives a process crash (sqlite's
    // default synchronous=FULL also survives power loss).
    enableWAL: true,
    // The OAuth storage writes through connections of its own to this file, and the CLI or another instance may
    // too: a write that finds the file locked waits up to this long instead of failing with SQLITE_BUSY.
    busyTimeout: 5000,
    // TypeORM calls sqlite3.verbose(), which wraps every statement to record a stack trace for error messages:
    // about a third of the CPU a request costs. Hand it the module with verbose() as a no-op instead.
    driver: { ...sqlite3, verbose: () => sqlite3 },
  };
}

/**
 * Creates the sqlite file empty, readable and writable by its owner only, in directories (those it has to create)
 * that only the owner may enter, before sqlite opens it: sqlite creates the `-wal` and `-shm` files (and a rollback
 * journal) with the database file's own mode, so they are owner-only too. Creating the file with that mode
 * (O_CREAT | O_EXCL) leaves no moment in which it exists with wider permissions, as a chmod after sqlite's own
 * creation would, and changes nothing else in the process, as a umask would. An existing file or directory keeps
 * the mode it has: the operator's to choose.
 */
function createOwnerOnlyFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
