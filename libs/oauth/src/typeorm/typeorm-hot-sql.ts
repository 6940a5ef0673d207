import type { DataSource, EntityManager } from 'typeorm';

/** The part of node-sqlite3's prepared `Statement` used here. */
interface Sqlite3Statement {
  all(parameters: unknown[], callback: (error: Error | null, rows: Record<string, unknown>[]) => void): void;
  run(parameters: unknown[], callback: (this: { changes: number }, error: Error | null) => void): void;
  finalize(callback: () => void): void;
}

interface Sqlite3Database {
  prepare(sql: string): Sqlite3Statement;
}

/** Each node-sqlite3 DataSource's prepared statements, by SQL text. */
const preparedByDataSource = new WeakMap<DataSource, Map<string, Sqlite3Statement>>();

/**
 * Runs the hand-written SQL of the hot paths: in `manager`'s transaction when given, else on the DataSource.
 *
 * On node-sqlite3 (TypeORM's `sqlite` driver) each SQL text is prepared once and the statement reused. Its
 * `Database#all()` and `#run()` compile the SQL, run it and finalize it on every call, three trips through
 * libuv's pool, and under load that was the largest single cost on the main thread. sqlite has one connection
 * per DataSource here, so a prepared statement runs inside whatever transaction that connection is in, exactly
 * as `manager.query()` would. (Being the driver's own statements, they do not show in TypeORM's query log.)
 * Everywhere else this is `manager.query()`.
 */
export class HotSql {
  private readonly prepared: Map<string, Sqlite3Statement> | null;

  constructor(private readonly dataSource: DataSource) {
    this.prepared = dataSource.options.type === 'sqlite' ? preparedStatements(dataSource) : null;
  }

  /** The rows a SELECT returns. */
  async rows(sql: string, parameters: unknown[], manager?: EntityManager): Promise<Record<string, unknown>[]> {
    const statement = this.statement(sql);
    if (!statement) return (manager ?? this.dataSource.manager).query(sql, parameters);
    return new Promise((resolve, reject) => statement.all(parameters, (error, rows) => (error ? reject(error) : resolve(rows))));
  }

  /** How many rows an INSERT, UPDATE or DELETE changed; inside `manager`'s transaction. */
  async changes(sql: string, parameters: unknown[], manager: EntityManager): Promise<number> {
    const statement = this.statement(sql);
    if (!statement) return (await manager.queryRunner!.query(sql, parameters, true)).affected ?? 0;
    return new Promise((resolve, reject) =>
      statement.run(parameters, function (error) {
        if (error) reject(error);
        else resolve(this.changes);
      }),
    );
  }

  private statement(sql: string): Sqlite3Statement | null {
    if (!this.prepared) return null;
    let statement = this.prepared.get(sql);
    if (!statement) {
      statement = (this.dataSource.driver as unknown as { databaseConnection: Sqlite3Database }).databaseConnection.prepare(sql);
      this.prepared.set(sql, statement);
    }
    return statement;
  }
}

/**
 * The DataSource's statement cache, created on first use. sqlite refuses to close a connection while prepared
 * statements are open, and TypeORM has no hook for a closing DataSource, so the driver's `disconnect()` is
 * wrapped once to finalize them first.
 */
function preparedStatements(dataSource: DataSource): Map<string, Sqlite3Statement> {
  const existing = preparedByDataSource.get(dataSource);
  if (existing) return existing;
  const statements = new Map<string, Sqlite3Statement>();
  preparedByDataSource.set(dataSource, statements);
  const driver = dataSource.driver as unknown as { disconnect(): Promise<void> };
  const disconnect = driver.disconnect.bind(driver);
  driver.disconnect = async () => {
    const open = [...statements.values()];
    statements.clear();
    await Promise.all(open.map((statement) => new Promise<void>((resolve) => statement.finalize(resolve))));
    return disconnect();
  };
  return statements;
}
