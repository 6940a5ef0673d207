import { OAUTH_ENTITIES, OAUTH_MIGRATIONS } from '@nest-oauth/server/typeorm';
import { mkdirSync } from 'node:fs';
import * as sqlite3 from 'sqlite3';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { User } from '../users/user.entity';
import { APP_MIGRATIONS } from './migrations';

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
      // Raw SQL (health checks, operators' queries) must see the same schema as the entities.
      ...(schema ? { extra: { options: `-c search_path=${schema}` } } : {}),
    };
  }
  if (config.database.path !== ':memory:') mkdirSync(dirname(config.database.path), { recursive: true });
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
