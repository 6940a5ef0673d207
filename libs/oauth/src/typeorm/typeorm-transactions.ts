import type { DataSource, EntityManager } from 'typeorm';

/** The tail of each sqlite DataSource's queue of write transactions. */
const sqliteWriteQueues = new WeakMap<DataSource, Promise<unknown>>();

const SQLITE_DRIVERS = new Set(['sqlite', 'better-sqlite3']);

/**
 * Runs `work` in a write transaction.
 *
 * On PostgreSQL that is `DataSource.transaction()`: each transaction gets its own pooled connection.
 *
 * TypeORM's sqlite drivers share one connection, so two concurrent `transaction()` calls would interleave on it
 * (the second becomes a savepoint inside the first, and a rollback of one undoes the other). sqlite allows one
 * writer at a time anyway, so here write transactions wait their turn in a queue. Each begins IMMEDIATE, taking
 * the write lock up front: a DEFERRED transaction that reads and then writes can find another process holding
 * the lock and fail at once with SQLITE_BUSY (the busy timeout cannot help a lock upgrade), whereas BEGIN
 * IMMEDIATE waits for it through the busy timeout.
 */
export function inTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (!SQLITE_DRIVERS.has(dataSource.options.type)) return dataSource.transaction(work);
  const previous = sqliteWriteQueues.get(dataSource) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(() => immediateTransaction(dataSource, work));
  sqliteWriteQueues.set(dataSource, current);
  return current;
}

async function immediateTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.query('BEGIN IMMEDIATE');
  try {
    const result = await work(runner.manager);
    await runner.query('COMMIT');
    return result;
  } catch (error) {
    await runner.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
