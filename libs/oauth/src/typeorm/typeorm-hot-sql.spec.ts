import { DataSource } from 'typeorm';
import { HotSql } from './typeorm-hot-sql';

describe('HotSql on node-sqlite3', () => {
  let dataSource: DataSource;
  let sql: HotSql;
  let prepare: jest.SpyInstance;

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'sqlite', database: ':memory:' });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT)');
    prepare = jest.spyOn((dataSource.driver as unknown as { databaseConnection: { prepare(sql: string): unknown } }).databaseConnection, 'prepare');
    sql = new HotSql(dataSource, true);
  });

  afterEach(async () => {
    await sql.close();
    if (dataSource.isInitialized) await dataSource.destroy();
  });

  const insert = (id: number, name: string) =>
    dataSource.transaction((manager) => sql.changes('INSERT INTO item (id, name) VALUES (?, ?)', [id, name], manager));

  it('prepares each SQL text once and reuses the statement', async () => {
    await insert(1, 'a');
    await insert(2, 'b');
    expect(await sql.rows('SELECT name FROM item WHERE id = ?', [1])).toEqual([{ name: 'a' }]);
    expect(await sql.rows('SELECT name FROM item WHERE id = ?', [2])).toEqual([{ name: 'b' }]);
    expect(prepare).toHaveBeenCalledTimes(2);
  });

  it('counts the rows a write changed', async () => {
    await insert(1, 'a');
    await insert(2, 'a');
    const changed = await dataSource.transaction((manager) => sql.changes('UPDATE item SET name = ? WHERE name = ?', ['z', 'a'], manager));
    expect(changed).toBe(2);
  });

  it('keeps a statement usable after it failed', async () => {
    await insert(1, 'a');
    await expect(insert(1, 'again')).rejects.toThrow(/SQLITE_CONSTRAINT/);
    await insert(2, 'b');
    expect(await sql.rows('SELECT id FROM item ORDER BY id', [])).toEqual([{ id: 1 }, { id: 2 }]);
  });

  it("writes inside the connection's transaction: a rollback undoes them", async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await sql.changes('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'a'], manager);
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    expect(await sql.rows('SELECT id FROM item', [])).toEqual([]);
  });

  it('finalizes its statements on close(), after which the DataSource closes (sqlite refuses to close over open ones)', async () => {
    await sql.rows('SELECT id FROM item', []);
    await expect(dataSource.destroy()).rejects.toThrow(/unfinalized statements/);
    await sql.close();
    await expect(dataSource.destroy()).resolves.toBeUndefined();
  });

  it('prepares nothing without `prepare`: the SQL goes through TypeORM, as any query on that DataSource', async () => {
    const plain = new HotSql(dataSource, false);
    const query = jest.spyOn(dataSource, 'query');
    await dataSource.transaction((manager) => plain.changes('INSERT INTO item (id, name) VALUES (?, ?)', [1, 'a'], manager));
    expect(await plain.rows('SELECT name FROM item WHERE id = ?', [1])).toEqual([{ name: 'a' }]);
    expect(prepare).not.toHaveBeenCalled();
    expect(query).toHaveBeenCalledWith('SELECT name FROM item WHERE id = ?', [1]);
  });
});
