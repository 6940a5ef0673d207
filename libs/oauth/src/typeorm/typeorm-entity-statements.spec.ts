import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Column, CreateDateColumn, DataSource, Entity, type EntityManager, PrimaryColumn } from 'typeorm';
import { instantColumn } from './epoch-ms.transformer';
import { EntityStatements } from './typeorm-entity-statements';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

/** Column types the hand-written statements must convert exactly as TypeORM does. */
@Entity('sample')
class Sample {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id: string;

  @Column({ name: 'display_name', type: 'varchar', length: 64, nullable: true })
  displayName: string | null;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  @Column({ type: 'simple-array' })
  roles: string[];

  @Column(instantColumn('expires_at', true))
  expiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at' })
  createdAt: Date;
}

/** The two places statements run: a DataSource (through its `query()`), or the storage's own connections (prepared). */
const SOURCES = [
  {
    name: 'on a DataSource',
    async open(dataSource: DataSource) {
      return {
        statements: new EntityStatements(dataSource, Sample),
        write: <T>(work: (manager: EntityManager) => Promise<T>) => dataSource.transaction(work),
        close: async () => undefined,
      };
    },
  },
  {
    name: "on the storage's own connection",
    async open(dataSource: DataSource) {
      const connection = await TypeOrmStorageConnection.open(dataSource, [Sample]);
      return {
        statements: new EntityStatements(connection, Sample),
        write: <T>(work: (manager: EntityManager) => Promise<T>) => connection.transaction(work),
        close: () => connection.close(),
      };
    },
  },
];

describe.each(SOURCES)('EntityStatements $name', (source) => {
  let directory: string;
  let dataSource: DataSource;
  let statements: EntityStatements<Sample>;
  let write: <T>(work: (manager: EntityManager) => Promise<T>) => Promise<T>;
  let close: () => Promise<void>;
  const createdAt = new Date('2030-01-02T03:04:05.000Z');

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'oauth-entity-statements-'));
    dataSource = new DataSource({
      type: 'sqlite',
      database: join(directory, 'db.sqlite'),
      entities: [Sample],
      synchronize: true,
      enableWAL: true,
      busyTimeout: 5000,
    });
    await dataSource.initialize();
    ({ statements, write, close } = await source.open(dataSource));
  });

  afterEach(async () => {
    await close();
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads back what TypeORM wrote, with each column converted as TypeORM converts it', async () => {
    const written = { id: 'a', displayName: 'Ada', disabled: true, roles: ['ADMIN', 'USER'], expiresAt: new Date(1_900_000_000_123), createdAt };
    await dataSource.getRepository(Sample).insert(written);

    const read = await statements.findOneBy('id', 'a');

    expect(read).toEqual(written);
    expect(read).toEqual(await dataSource.getRepository(Sample).findOneBy({ id: 'a' }));
  });

  it('writes rows TypeORM reads back unchanged, nulls included', async () => {
    const row = { id: 'b', displayName: null, disabled: false, roles: ['USER'], expiresAt: new Date(1_900_000_000_123), createdAt };
    await write((manager) => statements.insert(manager, row));

    expect(await dataSource.getRepository(Sample).findOneBy({ id: 'b' })).toEqual(row);
    // Stored as the transformer says: epoch milliseconds.
    const [raw] = await dataSource.query("SELECT expires_at FROM sample WHERE id = 'b'");
    expect(Number(raw.expires_at)).toBe(1_900_000_000_123);
  });

  it('finds by any column, converting the value as the column stores it, and answers null when nothing matches', async () => {
    const expiresAt = new Date(1_900_000_000_000);
    await dataSource.getRepository(Sample).insert({ id: 'c', displayName: 'C', disabled: false, roles: [], expiresAt, createdAt });

    await expect(statements.findOneBy('expiresAt', expiresAt)).resolves.toMatchObject({ id: 'c' });
    await expect(statements.findOneBy('displayName', 'C')).resolves.toMatchObject({ id: 'c' });
    await expect(statements.findOneBy('id', 'nobody')).resolves.toBeNull();
  });

  it('names an unknown property instead of building broken SQL', () => {
    expect(() => statements.column('nope' as keyof Sample & string)).toThrow('has no column for the property "nope"');
  });
});
