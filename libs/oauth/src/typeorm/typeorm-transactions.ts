import type { DataSource, EntityManager } from 'typeorm';

/** The tail of each sqlite DataSource's queue of write transactions. */
const sqliteWriteQueues = new WeakMap<DataSource, Promise<unknown>>();

const SINGLE_CONNECTION_DRIVERS = new Set(['sqlite', 'better-sqlite3', 'capacitor', 'cordova', 'expo', 'nativescript', 'react-native', 'sqljs']);

/**
 * Runs `work` in a transaction. TypeORM's sqlite drivers share one connection, so two concurrent
 * `DataSource.transaction()` calls would interleave on it (the second becomes a savepoint inside the first, and
 * a rollback of one undoes the other). sqlite allows one writer at a time anyway, so on those drivers write
 * transactions wait their turn here; on PostgreSQL each transaction has its own pooled connection.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!SINGLE_CONNECTION_DRIVERS.has(dataSource.options.type)) return dataSource.transaction(work);
  const previous = sqliteWriteQueues.get(dataSource) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => dataSource.transaction(work));
  sqliteWriteQueues.set(dataSource, current);
  return current;
}
