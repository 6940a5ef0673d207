import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type EntityManager } from 'typeorm';
import { HotSql } from './typeorm-hot-sql';
import { SqliteGroupCommit } from './typeorm-transactions';
import { SqliteWriteTurns } from './typeorm-write-turns';

/** Settles after `ms` with `value`: how long a test is willing to see that something has not happened yet. */
const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** A promise and the function that resolves it. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

describe('SqliteWriteTurns: the host writes on its DataSource, the storage on its own connection to the same file', () => {
  let directory: string;
  let host: DataSource;
  let storage: DataSource;
  let sql: HotSql;
  let turns: SqliteWriteTurns;
  let groupCommit: SqliteGroupCommit;

  const stored = async (): Promise<number[]> => (await host.query('SELECT id FROM item ORDER BY id')).map((row: { id: number }) => row.id);
  const insert = (id: number) => (manager: EntityManager) => manager.query('INSERT INTO item (id) VALUES (?)', [id]);

  /** `hostBusyTimeout` is the host's own: how long sqlite lets its writes wait for a lock held elsewhere. */
  async function open(hostBusyTimeout: number, maxGroupWaitMs = 5_000): Promise<void> {
    directory = mkdtempSync(join(tmpdir(), 'oauth-write-turns-'));
    const database = join(directory, 'db.sqlite');
    host = await new DataSource({ type: 'sqlite', database, enableWAL: true, busyTimeout: hostBusyTimeout }).initialize();
    await host.query('CREATE TABLE item (id INTEGER PRIMARY KEY)');
    storage = await new DataSource({ type: 'sqlite', database, enableWAL: true, busyTimeout: 5_000 }).initialize();
    sql = new HotSql(storage, true);
    turns = new SqliteWriteTurns(maxGroupWaitMs);
    turns.attach(host);
    groupCommit = new SqliteGroupCommit(storage, sql, turns);
  }

  afterEach(async () => {
    await groupCommit.idle();
    turns.detach(host);
    await sql.close();
    await storage.destroy();
    await host.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('holds a host write made while a group commits until the COMMIT, instead of letting it meet the lock in sqlite', async () => {
    // A 1 ms busy timeout: a host write that met the storage's lock in sqlite would fail with SQLITE_BUSY.
    await open(1);
    const inGroup = gate();
    const release = gate();
    const group = groupCommit.run(async (manager) => {
      await insert(1)(manager);
      inGroup.open();
      await release.opened;
    });
    await inGroup.opened;

    // The storage holds the write lock: TypeORM's insert (one statement) and save-like transaction both wait for it.
    const hostInsert = host.query('INSERT INTO item (id) VALUES (2)');
    const hostTransaction = host.transaction((manager) => manager.query('INSERT INTO item (id) VALUES (3)'));
    const early = await Promise.race([Promise.allSettled([hostInsert, hostTransaction]).then(() => 'settled'), after(300, 'waiting')]);
    expect(early).toBe('waiting');

    release.open();
    await group;
    await expect(hostInsert).resolves.toBeDefined();
    await expect(hostTransaction).resolves.toBeDefined();
    expect(await stored()).toEqual([1, 2, 3]);
  });

  it('starts no group while a host transaction is open, so its read-then-write does not fail on a stale snapshot', async () => {
    await open(5_000);
    const hostRead = gate();
    const release = gate();
    const hostTransaction = host.transaction(async (manager) => {
      await manager.query('SELECT count(*) FROM item');
      hostRead.open();
      await release.opened;
      // A write after a read: refused with SQLITE_BUSY (no busy wait helps) if another connection committed since the read.
      await manager.query('INSERT INTO item (id) VALUES (2)');
    });
    await hostRead.opened;

    const storageWrite = groupCommit.run(insert(1));
    expect(await Promise.race([storageWrite.then(() => 'committed'), after(300, 'waiting')])).toBe('waiting');

    release.open();
    await expect(hostTransaction).resolves.toBeUndefined();
    await storageWrite;
    expect(await stored()).toEqual([1, 2]);
  });

  it('lets a waiting group in before host writes that arrive after it, so a host that keeps writing cannot starve the storage', async () => {
    await open(5_000);
    let hostWrites = 0;
    let hostDone = false;
    const started = gate();
    // Four host writers, each one write after another: some host write is nearly always in flight.
    const writers = Array.from({ length: 4 }, async (_, writer) => {
      for (let index = 0; index < 100; index++) {
        await host.query('INSERT INTO item (id) VALUES (?)', [1_000 + writer * 100 + index]);
        if (++hostWrites === 8) started.open();
      }
    });
    const allWritten = Promise.all(writers).then(() => (hostDone = true));
    await started.opened;

    await groupCommit.run(insert(1));
    expect(hostDone).toBe(false);
    await allWritten;
    expect(await stored()).toHaveLength(401);
  });

  it('goes ahead after maxGroupWaitMs when a host transaction outlasts it', async () => {
    await open(5_000, 100);
    const hostRead = gate();
    const release = gate();
    let hostOver = false;
    const hostTransaction = host
      .transaction(async (manager) => {
        await manager.query('SELECT count(*) FROM item');
        hostRead.open();
        await release.opened;
      })
      .then(() => (hostOver = true));
    await hostRead.opened;

    await groupCommit.run(insert(1));
    expect(hostOver).toBe(false);
    release.open();
    await hostTransaction;
    expect(await stored()).toEqual([1]);
  });

  it('leaves the host DataSource as it found it once detached', async () => {
    await open(5_000);
    expect(host.subscribers).toContain(turns.subscriber);
    turns.detach(host);
    expect(host.subscribers).not.toContain(turns.subscriber);
  });
});
