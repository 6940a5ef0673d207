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

/**
 * Runs the hand-written SQL of the hot paths on one DataSource.
 *
 * With `prepare` (only ever on a node-sqlite3 DataSource the library opened itself, see `TypeOrmStorageConnection`),
 * each SQL text is prepared once and the statement reused. node-sqlite3's `Database#all()` and `#run()` compile
 * the SQL, run it and finalize it on every call, three trips through libuv's pool, and under load that was the
 * largest single cost on the main thread. A prepared statement runs on the DataSource's one connection, inside
 * whatever transaction that connection is in, exactly as `manager.query()` would there. (Being the driver's own
 * statements, they do not show in TypeORM's query log.) Without `prepare` this is `manager.query()`.
 */
export class HotSql {
  private readonly prepared: Map<string, Sqlite3Statement> | null;

  constructor(
    private readonly dataSource: DataSource,
    prepare: boolean,
  ) {
    this.prepared = prepare ? new Map() : null;
  }

  /** The rows a SELECT (or a statement with RETURNING) returns: inside `manager`'s transaction when given. */
  async rows(sql: string, parameters: unknown[], manager?: EntityManager): Promise<Record<string, unknown>[]> {
    const statement = this.statement(sql);
    if (!statement) return (manager ?? this.dataSource).query(sql, parameters);
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

  /** Finalizes the prepared statements: sqlite refuses to close a connection while any is open. */
  async close(): Promise<void> {
    if (!this.prepared) return;
    const open = [...this.prepared.values()];
    this.prepared.clear();
    await Promise.all(open.map((statement) => new Promise<void>((resolve) => statement.finalize(resolve))));
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
