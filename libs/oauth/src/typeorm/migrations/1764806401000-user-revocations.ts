import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/*
 * The user-revocation sequence (`oauth_counters`, `oauth_user_revocations`), and the grant type each grant was
 * opened with (`oauth_grants.grant_type`). As with the first migration, the result must be exactly what the
 * entities describe.
 */
export class UserRevocations1764806401000 implements MigrationInterface {
  readonly name = 'UserRevocations1764806401000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oauth_counters',
        columns: [
          { name: 'name', type: 'varchar', length: '64', isPrimary: true },
          { name: 'value', type: 'bigint' },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oauth_user_revocations',
        columns: [
          { name: 'user_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'sequence', type: 'bigint' },
        ],
      }),
    );
    const grants = tablePath(queryRunner, 'oauth_grants');
    if (isSqlite(queryRunner)) {
      // TypeORM's addColumn rebuilds a sqlite table (copies every row into a new one, drops the old), which on a
      // large oauth_grants holds the write lock for long; sqlite adds a column with a constant default in place.
      await queryRunner.query(`ALTER TABLE ${grants} ADD COLUMN "grant_type" varchar(64) NOT NULL DEFAULT ('password')`);
    } else {
      await queryRunner.addColumn('oauth_grants', new TableColumn({ name: 'grant_type', type: 'varchar', length: '64', default: "'password'" }));
    }
    // Until now only two grant types opened grants, and only client_credentials without a user.
    await queryRunner.query(`UPDATE ${grants} SET "grant_type" = 'client_credentials' WHERE "user_id" IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (isSqlite(queryRunner)) await queryRunner.query(`ALTER TABLE ${tablePath(queryRunner, 'oauth_grants')} DROP COLUMN "grant_type"`);
    else await queryRunner.dropColumn('oauth_grants', 'grant_type');
    await queryRunner.dropTable('oauth_user_revocations');
    await queryRunner.dropTable('oauth_counters');
  }
}

function isSqlite(queryRunner: QueryRunner): boolean {
  return ['sqlite', 'better-sqlite3'].includes(queryRunner.connection.driver.options.type);
}

/** A table of the module, in the DataSource's schema when it names one, quoted for this database. */
function tablePath(queryRunner: QueryRunner, table: string): string {
  const { driver } = queryRunner.connection;
  const schema = (driver.options as { schema?: string }).schema;
  return [schema, table]
    .filter((part): part is string => part !== undefined)
    .map((part) => driver.escape(part))
    .join('.');
}
