import { Table, TableColumn, TableIndex, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/*
 * Attempts are counted before their secret is checked (see AttemptCounterRepository): `oauth_login_attempts`
 * gains the count of attempts still being checked and the instant the row expires, and client authentication
 * gets a counter of its own, `oauth_client_failures`. Written with TypeORM's schema API, as the first migration is.
 */

const pending: TableColumnOptions = { name: 'pending', type: 'integer', default: 0 };
const expiresAt: TableColumnOptions = { name: 'expires_at', type: 'bigint', default: 0 };

/** The window every existing row was counted in: `loginLockSeconds`' default, as the migration cannot know the setting. */
const EARLIER_WINDOW_MS = 900_000;

export class CountAttemptsBeforeChecking1764806400000 implements MigrationInterface {
  readonly name = 'CountAttemptsBeforeChecking1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('oauth_login_attempts', [new TableColumn(pending), new TableColumn(expiresAt)]);
    // Rows counted before: kept until their lock ends, or their window would have, so no lock is lifted early.
    const table = qualifiedName(queryRunner, 'oauth_login_attempts');
    await queryRunner.query(
      `UPDATE ${table} SET expires_at = CASE WHEN locked_until > window_started_at + ${EARLIER_WINDOW_MS} THEN locked_until ELSE window_started_at + ${EARLIER_WINDOW_MS} END`,
    );
    await queryRunner.createIndex(
      'oauth_login_attempts',
      new TableIndex({ name: 'idx_oauth_login_attempts_expires_at', columnNames: ['expires_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oauth_client_failures',
        columns: [
          { name: 'client_key', type: 'varchar', length: '64', isPrimary: true },
          { name: 'failures', type: 'integer' },
          pending,
          { name: 'window_started_at', type: 'bigint' },
          { name: 'locked_until', type: 'bigint', isNullable: true },
          expiresAt,
        ],
        indices: [{ name: 'idx_oauth_client_failures_expires_at', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oauth_client_failures');
    await queryRunner.dropIndex('oauth_login_attempts', 'idx_oauth_login_attempts_expires_at');
    await queryRunner.dropColumns('oauth_login_attempts', ['expires_at', 'pending']);
  }
}

/** The table's name for raw SQL, in the schema the DataSource is configured with (PostgreSQL), quoted. */
function qualifiedName(queryRunner: QueryRunner, table: string): string {
  const { driver } = queryRunner.connection;
  const schema = (driver.options as { schema?: string }).schema;
  return [schema, table]
    .filter((part): part is string => Boolean(part))
    .map((part) => driver.escape(part))
    .join('.');
}
