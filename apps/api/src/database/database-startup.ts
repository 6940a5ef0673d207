import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { StorageUnavailable } from '@nest-oauth/server';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.provider';

/** What the operator must do when the schema is behind the code. */
const MIGRATE_HINT = 'run `npm run migration:run` against this database, or start the app with DB_MIGRATE=true';

/** A database the app cannot start on, said in one line: the cause and the fix. */
export class DatabaseStartupError extends Error {
  override readonly name = 'DatabaseStartupError';
}

/**
 * Refuses to start on a database whose migrations have not all run (PostgreSQL, where they are the operator's to
 * run, or `DB_MIGRATE=false`): otherwise the app would start and answer every request with an error about a
 * missing table. It reads the migrations table without creating it, so it changes nothing in the database.
 */
@Injectable()
export class PendingMigrationsCheck implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    // With DB_MIGRATE the DataSource ran them as it opened.
    if (this.config.database.migrate) return;
    const pending = await pendingMigrations(this.dataSource);
    if (pending.length === 0) return;
    throw new DatabaseStartupError(
      `The database schema is not up to date (${pending.length} migration(s) not run: ${pending.join(', ')}): ${MIGRATE_HINT}.`,
    );
  }
}

async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const runner = dataSource.createQueryRunner();
  try {
    const executed = (await runner.hasTable(table))
      ? new Set((await runner.query(`SELECT name FROM ${dataSource.driver.escape(table)}`)).map((row: { name: string }) => row.name))
      : new Set<string>();
    return dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name).filter((name) => !executed.has(name));
  } finally {
    await runner.release();
  }
}

/**
 * The one line main.ts prints when the app cannot start because of its database, or undefined for any other
 * failure. The driver's own message is kept (it names the address, the database or the table) but not its stack:
 * the operator has a setting or a server to fix, not code.
 */
export function databaseStartupFailure(error: unknown): string | undefined {
  if (error instanceof DatabaseStartupError) return error.message;
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === '42P01' || code === '3F000' || /^SQLITE_ERROR: no such table/.test(error.message)) {
    return `The database has no tables for this app (${error.message}): ${MIGRATE_HINT}.`;
  }
  if (code === '28P01' || code === '28000')
    return `The database refused the credentials in DATABASE_URL (${error.message}): check the user and password.`;
  if (code === '3D000') return `The database named in DATABASE_URL does not exist (${error.message}): create it, or correct DATABASE_URL.`;
  if (error instanceof StorageUnavailable) {
    return `Cannot reach the database (${error.message}): check DATABASE_URL, and that the database server is running and accepts connections from here.`;
  }
  return undefined;
}
