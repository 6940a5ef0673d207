import type { OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type DataSourceOptions, type EntityManager } from 'typeorm';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { OAUTH_ENTITIES } from './entities';
import { HotSql } from './typeorm-hot-sql';
import { SqliteGroupCommit, type TransactionWork } from './typeorm-transactions';
import { SqliteWriteTurns } from './typeorm-write-turns';

/** Named through the DataSource's API: TypeORM's deep import paths differ between 0.3 and 1.x. */
type SqliteOptions = Extract<DataSourceOptions, { type: 'sqlite' }>;

/** TypeORM's drivers that keep one connection per DataSource instead of a pool. */
const SINGLE_CONNECTION_DRIVERS = new Set(['sqlite', 'better-sqlite3', 'sqljs', 'capacitor', 'cordova', 'react-native', 'nativescript', 'expo']);

/**
 * Where the TypeORM storage runs its statements, chosen so that it never acts on the host's connections behind
 * TypeORM's back.
 *
 * On PostgreSQL (and TypeORM's other pooled drivers) that is the host's DataSource: every write is a
 * `DataSource.transaction()`, which takes a pooled connection of its own, and no statement is prepared or cached
 * on the host's connections.
 *
 * On sqlite (node-sqlite3, TypeORM's `sqlite` driver) the host's DataSource is one connection that every query of
 * the host shares, so a transaction opened there would take in whatever the host ran meanwhile (and a rollback
 * would undo it), and the host's own `save()` would fail to begin its transaction. So the storage opens
 * connections of its own to the same database file, with the host's options (file, driver, flags, key, WAL,
 * busy timeout, naming) and only the OAuth entities: one for writes, where write transactions are group-committed
 * (`SqliteGroupCommit`), and one for reads outside a transaction, which so never see a group's uncommitted writes
 * nor wait behind its commit. The prepared statements of the hot paths live on these two. sqlite lets one
 * connection write at a time: the host's writes through TypeORM and the storage's commits take turns
 * (`SqliteWriteTurns`, through TypeORM's subscriber events), and anything else writing to the file (another
 * process, the host's raw driver calls) waits through sqlite's busy timeout, which is therefore required on the
 * host's DataSource. Everything opened here is closed when the application shuts down.
 */
export class TypeOrmStorageConnection implements OnApplicationShutdown {
  private closing: Promise<void> | null = null;

  private constructor(
    /** Where write transactions run; its metadata and driver also convert the hand-written statements' values. */
    readonly writes: DataSource,
    /** Where reads outside a write transaction run. */
    readonly reads: DataSource,
    private readonly writeSql: HotSql,
    private readonly readSql: HotSql,
    private readonly groupCommit: SqliteGroupCommit | null,
    /** The DataSources opened here, to close at shutdown; never the host's. */
    private readonly owned: DataSource[],
    /** Taken off the host's DataSource at shutdown. */
    private readonly detach: () => void = () => undefined,
  ) {}

  /**
   * Opens the storage's connection beside the host's initialized DataSource `host`.
   * @param entities the entities the storage reads and writes. @default OAUTH_ENTITIES
   * @throws MisconfigurationError on a database the storage cannot share safely: an in-memory sqlite database (a
   * second connection would open another, empty one), a sqlite DataSource without `busyTimeout`, or a
   * single-connection driver other than `sqlite`.
   */
  static async open(host: DataSource, entities: DataSourceOptions['entities'] = OAUTH_ENTITIES): Promise<TypeOrmStorageConnection> {
    const type = host.options.type;
    if (type === 'sqlite') return TypeOrmStorageConnection.openOwnSqlite(host, entities);
    if (SINGLE_CONNECTION_DRIVERS.has(type)) {
      throw new MisconfigurationError(
        `OAuthTypeOrmModule: the TypeORM storage runs on PostgreSQL (or another pooled driver) or on sqlite through TypeORM's 'sqlite' driver (node-sqlite3), not on '${type}'. ` +
          'Its writes need a connection that no other code shares, and this driver keeps one for the whole DataSource.',
      );
    }
    return new TypeOrmStorageConnection(host, host, new HotSql(host, false), new HotSql(host, false), null, []);
  }

  /** Runs `work` in a write transaction and resolves once it is committed. */
  transaction<T>(work: TransactionWork<T>): Promise<T> {
    return this.groupCommit ? this.groupCommit.run(work) : this.writes.transaction(work);
  }

  /** The rows a hand-written SELECT returns, outside any transaction. */
  rows(sql: string, parameters: unknown[]): Promise<Record<string, unknown>[]> {
    return this.readSql.rows(sql, parameters);
  }

  /** The rows a hand-written statement with RETURNING gives back, inside `manager`'s write transaction. */
  returning(sql: string, parameters: unknown[], manager: EntityManager): Promise<Record<string, unknown>[]> {
    return this.writeSql.rows(sql, parameters, manager);
  }

  /** How many rows a hand-written INSERT, UPDATE or DELETE changed, inside `manager`'s write transaction. */
  changes(sql: string, parameters: unknown[], manager: EntityManager): Promise<number> {
    return this.writeSql.changes(sql, parameters, manager);
  }

  /** Lets every queued write commit, then closes what was opened here. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.groupCommit?.idle();
      this.detach();
      await Promise.all([this.writeSql.close(), this.readSql.close()]);
      await Promise.all(this.owned.filter((dataSource) => dataSource.isInitialized).map((dataSource) => dataSource.destroy()));
    })();
    return this.closing;
  }

  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  private static async openOwnSqlite(hostDataSource: DataSource, entities: DataSourceOptions['entities']): Promise<TypeOrmStorageConnection> {
    const host = hostDataSource.options as SqliteOptions;
    if (isPrivateDatabase(host.database)) {
      throw new MisconfigurationError(
        "OAuthTypeOrmModule: on sqlite the TypeORM storage writes through a connection of its own to the host's database, and a second " +
          'connection to an in-memory database opens another, empty one. Use a database file (a temporary file in tests), or ' +
          "OAuthTestingModule's in-memory storage.",
      );
    }
    if (!(typeof host.busyTimeout === 'number' && host.busyTimeout > 0)) {
      throw new MisconfigurationError(
        "OAuthTypeOrmModule: on sqlite the TypeORM storage writes through a connection of its own to the host's database file. Set " +
          "`busyTimeout` (for example 5000, in milliseconds) in the DataSource's options, so that the host's writes wait while the " +
          'storage commits instead of failing with SQLITE_BUSY.',
      );
    }
    const options: SqliteOptions = {
      ...host,
      entities,
      // Nothing of the host's runs here: its subscribers, migrations and query cache stay on its own DataSource.
      subscribers: [],
      migrations: [],
      migrationsRun: false,
      synchronize: false,
      dropSchema: false,
      cache: false,
    };
    const opened: DataSource[] = [];
    try {
      for (let index = 0; index < 2; index++) opened.push(await new DataSource(options).initialize());
    } catch (error) {
      await Promise.all(opened.map((dataSource) => dataSource.destroy()));
      throw error;
    }
    const [writes, reads] = opened;
    const writeSql = new HotSql(writes, true);
    const turns = new SqliteWriteTurns(host.busyTimeout);
    turns.attach(hostDataSource);
    const groupCommit = new SqliteGroupCommit(writes, writeSql, turns);
    return new TypeOrmStorageConnection(writes, reads, writeSql, new HotSql(reads, true), groupCommit, opened, () => turns.detach(hostDataSource));
  }
}

/** A database only the connection that opened it sees: `:memory:`, `''` (a private temporary file), an in-memory URI. */
function isPrivateDatabase(database: string): boolean {
  if (database === '' || database === ':memory:') return true;
  // With the OPEN_URI flag, `cache=shared` is what lets a second connection of the process reach an in-memory database.
  return /^file:(:memory:|[^?]*\?(.*&)?mode=memory)/.test(database) && !/[?&]cache=shared(&|$)/.test(database);
}
