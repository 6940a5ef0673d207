import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { HotSql } from './typeorm-hot-sql';
import type { SqliteWriteTurns } from './typeorm-write-turns';

/** A write transaction's body: every statement it runs goes through `manager`. */
export type TransactionWork<T> = (manager: EntityManager) => Promise<T>;

interface PendingWork {
  work: TransactionWork<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * How many waiting transactions one commit may carry. Large enough to amortise a commit's fsync under load,
 * small enough that the write lock (which the host's own connection and other processes on the same file wait
 * for) is held briefly.
 */
const MAX_GROUP = 64;

/**
 * Write transactions on a node-sqlite3 DataSource the library opened for itself (see `TypeOrmStorageConnection`);
 * nothing else runs statements on its connection, which is what makes the transaction control below safe.
 *
 * TypeORM's sqlite driver has one connection per DataSource, so two concurrent `transaction()` calls would
 * interleave on it (the second becomes a savepoint inside the first, and a rollback of one undoes the other).
 * sqlite allows one writer at a time anyway, so here write transactions queue for the connection, and whatever
 * queued while the previous commit ran goes into the next one together (group commit): sqlite pays for
 * durability once per commit (an fsync with synchronous=FULL), so under load many small writes share one. Each
 * work runs inside its own SAVEPOINT, so a work that fails is rolled back alone and the others still commit;
 * every work's promise settles only after the COMMIT that carries it, so nothing is answered before it is
 * durable. The transaction begins IMMEDIATE, taking the write lock up front: a DEFERRED transaction that reads
 * and then writes can find another connection holding the lock and fail at once with SQLITE_BUSY (the busy
 * timeout cannot help a lock upgrade), whereas BEGIN IMMEDIATE waits for it through the busy timeout.
 */
export class SqliteGroupCommit {
  private readonly pending: PendingWork[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    /** Runs BEGIN, COMMIT and the savepoints: many times a second under load, so prepared once, like the hot queries. */
    private readonly sql: HotSql,
    /** Each group waits for its turn with the host's own writes to the same file. */
    private readonly turns: SqliteWriteTurns,
  ) {}

  /** Runs `work` in a write transaction and resolves once it is committed. */
  run<T>(work: TransactionWork<T>): Promise<T> {
    const result = new Promise<T>((resolve, reject) => this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject }));
    if (!this.draining) this.draining = this.drain();
    return result;
  }

  /** Resolves once every work queued so far has been committed or refused. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        // Not awaited when it need not wait, so that the first of a burst of writes starts committing at once.
        const turn = this.turns.groupTurn();
        if (turn) await turn;
        try {
          await this.commitGroup(this.pending.splice(0, MAX_GROUP));
        } finally {
          this.turns.groupDone();
        }
      }
    } finally {
      this.draining = null;
    }
  }

  private async commitGroup(group: PendingWork[]): Promise<void> {
    try {
      const runner = this.dataSource.createQueryRunner();
      const run = (statement: string) => this.sql.changes(statement, [], runner.manager);
      try {
        await runQueued(group, runner, run);
      } finally {
        await runner.release();
      }
    } catch (error) {
      // Whatever went wrong outside the statements (a closed DataSource), no work may be left waiting.
      for (const pending of group) pending.reject(error);
    }
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

async function settle(work: TransactionWork<unknown>, runner: QueryRunner): Promise<{ ok: boolean; value: unknown }> {
  try {
    return { ok: true, value: await work(runner.manager) };
  } catch (error) {
    return { ok: false, value: error };
  }
}

async function inSavepoint(
  work: TransactionWork<unknown>,
  runner: QueryRunner,
  run: (statement: string) => Promise<unknown>,
): Promise<{ ok: boolean; value: unknown }> {
  await run('SAVEPOINT oauth_work');
  const outcome = await settle(work, runner);
  // ROLLBACK TO keeps the savepoint open; RELEASE ends it either way.
  if (!outcome.ok) await run('ROLLBACK TO SAVEPOINT oauth_work');
  await run('RELEASE SAVEPOINT oauth_work');
  return outcome;
}
