import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { HotSql } from './typeorm-hot-sql';

type Work<T> = (manager: EntityManager) => Promise<T>;

interface PendingWork {
  work: Work<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Each sqlite DataSource's write transactions waiting for the writer, and whether it is busy. */
interface WriteQueue {
  pending: PendingWork[];
  writing: boolean;
  /** BEGIN, COMMIT and the savepoints run many times a second under load: prepared once, like the hot queries. */
  sql: HotSql;
}

const sqliteWriteQueues = new WeakMap<DataSource, WriteQueue>();

const SQLITE_DRIVERS = new Set(['sqlite', 'better-sqlite3']);

/**
 * How many waiting transactions one commit may carry. Large enough to amortise a commit's fsync under load,
 * small enough that the write lock (which other processes on the same file wait for) is held briefly.
 */
const MAX_GROUP = 64;

/**
 * Runs `work` in a write transaction and resolves once it is committed.
 *
 * On PostgreSQL that is `DataSource.transaction()`: each transaction gets its own pooled connection.
 *
 * TypeORM's sqlite drivers share one connection, so two concurrent `transaction()` calls would interleave on it
 * (the second becomes a savepoint inside the first, and a rollback of one undoes the other). sqlite allows one
 * writer at a time anyway, so here write transactions queue for the connection, and whatever queued while the
 * previous commit ran goes into the next one together (group commit): sqlite pays for durability once per commit
 * (an fsync with synchronous=FULL), so under load many small writes share one. Each work runs inside its own
 * SAVEPOINT, so a work that fails is rolled back alone and the others still commit; every work's promise settles
 * only after the COMMIT that carries it, so nothing is answered before it is durable. The transaction begins
 * IMMEDIATE, taking the write lock up front: a DEFERRED transaction that reads and then writes can find another
 * process holding the lock and fail at once with SQLITE_BUSY (the busy timeout cannot help a lock upgrade),
 * whereas BEGIN IMMEDIATE waits for it through the busy timeout.
 */
export function inTransaction<T>(dataSource: DataSource, work: Work<T>): Promise<T> {
  if (!SQLITE_DRIVERS.has(dataSource.options.type)) return dataSource.transaction(work);
  let queue = sqliteWriteQueues.get(dataSource);
  if (!queue) {
    queue = { pending: [], writing: false, sql: new HotSql(dataSource) };
    sqliteWriteQueues.set(dataSource, queue);
  }
  const result = new Promise<T>((resolve, reject) => queue.pending.push({ work, resolve: resolve as (value: unknown) => void, reject }));
  if (!queue.writing) void drain(dataSource, queue);
  return result;
}

async function drain(dataSource: DataSource, queue: WriteQueue): Promise<void> {
  queue.writing = true;
  try {
    while (queue.pending.length > 0) await commitGroup(dataSource, queue.sql, queue.pending.splice(0, MAX_GROUP));
  } finally {
    queue.writing = false;
  }
}

async function commitGroup(dataSource: DataSource, sql: HotSql, group: PendingWork[]): Promise<void> {
  const runner = dataSource.createQueryRunner();
  const run = (statement: string) => sql.changes(statement, [], runner.manager);
  try {
    await runQueued(group, runner, run);
  } finally {
    await runner.release();
  }
}

async function runQueued(group: PendingWork[], runner: QueryRunner, run: (statement: string) => Promise<unknown>): Promise<void> {
  const outcomes: { ok: boolean; value: unknown }[] = [];
  try {
    await run('BEGIN IMMEDIATE');
  } catch (error) {
    for (const pending of group) pending.reject(error);
    return;
  }
  try {
    // A group of one needs no savepoint: if its work fails, the whole transaction is rolled back below.
    if (group.length === 1) outcomes.push(await settle(group[0].work, runner));
    else for (const pending of group) outcomes.push(await inSavepoint(pending.work, runner, run));
    if (group.length === 1 && !outcomes[0].ok) throw outcomes[0].value;
    await run('COMMIT');
  } catch (error) {
    await run('ROLLBACK').catch(() => undefined);
    for (const pending of group) pending.reject(error);
    return;
  }
  group.forEach((pending, index) => (outcomes[index].ok ? pending.resolve(outcomes[index].value) : pending.reject(outcomes[index].value)));
}

async function settle(work: Work<unknown>, runner: QueryRunner): Promise<{ ok: boolean; value: unknown }> {
  try {
    return { ok: true, value: await work(runner.manager) };
  } catch (error) {
    return { ok: false, value: error };
  }
}

async function inSavepoint(work: Work<unknown>, runner: QueryRunner, run: (statement: string) => Promise<unknown>): Promise<{ ok: boolean; value: unknown }> {
  await run('SAVEPOINT oauth_work');
  const outcome = await settle(work, runner);
  // ROLLBACK TO keeps the savepoint open; RELEASE ends it either way.
  if (!outcome.ok) await run('ROLLBACK TO SAVEPOINT oauth_work');
  await run('RELEASE SAVEPOINT oauth_work');
  return outcome;
}
