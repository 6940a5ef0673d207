import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import { HotSql } from './typeorm-hot-sql';
import { SqliteGroupCommit } from './typeorm-transactions';
import { SqliteWriteTurns } from './typeorm-write-turns';

/** Records the transaction-control statements the group commit runs (through HotSql, as prepared statements), in order. */
class StatementLog {
  private readonly spy = jest.spyOn(HotSql.prototype, 'changes');
  get statements(): string[] {
    return this.spy.mock.calls.map(([sql]) => sql);
  }
  count(statement: string): number {
    return this.statements.filter((candidate) => candidate === statement).length;
  }
  restore(): void {
    this.spy.mockRestore();
  }
}

describe('SqliteGroupCommit', () => {
  let directory: string;
  let dataSource: DataSource;
  let sql: HotSql;
  let groupCommit: SqliteGroupCommit;
  let log: StatementLog;

  const inTransaction = <T>(work: (manager: EntityManager) => Promise<T>) => groupCommit.run(work);
  const insert = (id: number) => (manager: EntityManager) => manager.query('INSERT INTO item (id) VALUES (?)', [id]);
  const stored = async (): Promise<number[]> => (await dataSource.query('SELECT id FROM item ORDER BY id')).map((row: { id: number }) => row.id);

  beforeEach(async () => {
    // A file in WAL mode, as the app runs sqlite.
    directory = mkdtempSync(join(tmpdir(), 'oauth-transactions-'));
    dataSource = new DataSource({ type: 'sqlite', database: join(directory, 'db.sqlite'), enableWAL: true, busyTimeout: 5000 });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY)');
    sql = new HotSql(dataSource, true);
    groupCommit = new SqliteGroupCommit(dataSource, sql, new SqliteWriteTurns(5000));
    log = new StatementLog();
  });

  afterEach(async () => {
    log.restore();
    await groupCommit.idle();
    await sql.close();
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('commits writes queued while another commit runs together, each answered after its commit', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => inTransaction(insert(index))));

    expect(answers).toHaveLength(20);
    expect(await stored()).toEqual(Array.from({ length: 20 }, (_, index) => index));
    // The first write commits alone; the 19 that queued behind it share the next commit.
    expect(log.count('BEGIN IMMEDIATE')).toBe(2);
    expect(log.count('COMMIT')).toBe(2);
  });

  it('settles no write before the COMMIT that carries it', async () => {
    const settledAfter: number[] = [];
    await Promise.all(Array.from({ length: 5 }, (_, index) => inTransaction(insert(index)).then(() => settledAfter.push(log.count('COMMIT')))));
    // Whenever a write was answered, a COMMIT containing it had already run.
    expect(settledAfter).toEqual([1, 2, 2, 2, 2]);
  });

  it('rolls back a failing write alone; the others in its group commit', async () => {
    const first = inTransaction(insert(1));
    const results = await Promise.allSettled([
      first,
      inTransaction(insert(2)),
      inTransaction(async (manager) => {
        await manager.query('INSERT INTO item (id) VALUES (?)', [3]);
        // A duplicate key fails after the work has already written a row: that row must go too.
        await manager.query('INSERT INTO item (id) VALUES (?)', [2]);
      }),
      inTransaction(insert(4)),
    ]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(await stored()).toEqual([1, 2, 4]);
  });

  it('rolls back a failing write that commits alone, and goes on with the next', async () => {
    await expect(
      inTransaction(async (manager) => {
        await manager.query('INSERT INTO item (id) VALUES (?)', [7]);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await inTransaction(insert(8));

    expect(await stored()).toEqual([8]);
    expect(log.count('ROLLBACK')).toBe(1);
  });

  it('rejects every write of a group whose COMMIT fails, and keeps none of them', async () => {
    // A deferred foreign key fails at COMMIT, not at the INSERT: the whole group is refused.
    await dataSource.query('PRAGMA foreign_keys = ON');
    await dataSource.query('CREATE TABLE child (id INTEGER PRIMARY KEY, item_id INTEGER REFERENCES item (id) DEFERRABLE INITIALLY DEFERRED)');
    const blocker = inTransaction(insert(100));
    const group = [
      inTransaction(insert(1)),
      inTransaction((manager) => manager.query('INSERT INTO child (id, item_id) VALUES (1, 999)')),
      inTransaction(insert(2)),
    ];
    await blocker;
    const results = await Promise.allSettled(group);

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await stored()).toEqual([100]);
    // The queue is not stuck afterwards.
    await inTransaction(insert(3));
    expect(await stored()).toEqual([3, 100]);
  });
});
