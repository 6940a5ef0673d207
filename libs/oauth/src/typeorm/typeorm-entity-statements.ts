import type { DataSource, EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { HotSql } from './typeorm-hot-sql';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

/** Named through the DataSource's API: TypeORM's deep import paths differ between 0.3 and 1.x. */
type ColumnMetadata = ReturnType<DataSource['getMetadata']>['columns'][number];

/** Where the statements run: reads outside a transaction, and writes inside a given one. */
type StatementRunner = Pick<TypeOrmStorageConnection, 'rows' | 'changes'>;

/**
 * Hand-written SQL for the statements an entity's hot paths run, built once from TypeORM's metadata. Every token
 * request and every protected call runs a few of them: TypeORM's query builder spends longer building SQL and
 * hydrating entities than the database spends answering, and `save()` reads before it writes. Values still go
 * through the driver's own conversions (and the columns' transformers), so a row written or read here is the
 * row TypeORM itself would write or read.
 *
 * Built on the storage's `TypeOrmStorageConnection`, the statements run on its connections (prepared once, on
 * sqlite). Built on a DataSource, they run through its `query()`, as any TypeORM query there does.
 */
export class EntityStatements<T extends ObjectLiteral> {
  /** The table, schema-qualified and quoted for this database. */
  readonly table: string;
  private readonly columns: ColumnMetadata[];
  private readonly insertSql: string;
  private readonly selectList: string;
  private readonly selectByColumn = new Map<string, string>();
  private readonly dataSource: DataSource;
  private readonly runner: StatementRunner;

  constructor(source: TypeOrmStorageConnection | DataSource, entity: EntityTarget<T>) {
    const dataSource = source instanceof TypeOrmStorageConnection ? source.writes : source;
    this.dataSource = dataSource;
    this.runner = source instanceof TypeOrmStorageConnection ? source : new HotSql(source, false);
    const metadata = dataSource.getMetadata(entity);
    this.table = metadata.tablePath
      .split('.')
      .map((part) => dataSource.driver.escape(part))
      .join('.');
    this.columns = metadata.columns.filter((column) => !column.isVirtual);
    const names = this.columns.map((column) => dataSource.driver.escape(column.databaseName));
    this.insertSql = `INSERT INTO ${this.table} (${names.join(', ')}) VALUES (${names.map((_, index) => this.parameter(index + 1)).join(', ')})`;
    this.selectList = names.join(', ');
  }

  /** The `index`th (from 1) bound parameter, as this database writes it. */
  parameter(index: number): string {
    return this.dataSource.options.type === 'postgres' ? `$${index}` : '?';
  }

  /** The quoted name of a property's column. */
  column(property: keyof T & string): string {
    return this.dataSource.driver.escape(this.columnOf(property).databaseName);
  }

  /** A property's value as this database stores it (the column's transformer applied). */
  value(property: keyof T & string, value: unknown): unknown {
    return this.dataSource.driver.preparePersistentValue(value, this.columnOf(property));
  }

  /**
   * One plain INSERT of every column: nothing is read before or after. The row carries every value itself;
   * column defaults (a `@CreateDateColumn`'s, say) are not applied.
   */
  async insert(manager: EntityManager, row: T): Promise<void> {
    const values = this.columns.map((column) => this.dataSource.driver.preparePersistentValue(column.getEntityValue(row), column));
    await this.runner.changes(this.insertSql, values, manager);
  }

  /** The first row whose `property` equals `value`, or `null`. */
  async findOneBy(property: keyof T & string, value: unknown): Promise<T | null> {
    const column = this.columnOf(property);
    const parameter = this.dataSource.driver.preparePersistentValue(value, column);
    let sql = this.selectByColumn.get(property);
    if (!sql) {
      sql = `SELECT ${this.selectList} FROM ${this.table} WHERE ${this.column(property)} = ${this.parameter(1)}`;
      this.selectByColumn.set(property, sql);
    }
    const rows = await this.runner.rows(sql, [parameter]);
    return rows[0] ? this.hydrate(rows[0]) : null;
  }

  /** A raw row, keyed by column name, as an entity. */
  hydrate(raw: Record<string, unknown>): T {
    const entity: Record<string, unknown> = {};
    for (const column of this.columns) {
      entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(raw[column.databaseName], column);
    }
    return entity as T;
  }

  private columnOf(property: string): ColumnMetadata {
    const column = this.columns.find((candidate) => candidate.propertyName === property);
    if (!column) throw new Error(`${this.table} has no column for the property "${property}"`);
    return column;
  }
}
