import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';

/*
 * The module's tables, written with TypeORM's schema API instead of SQL so that one migration serves sqlite and
 * PostgreSQL alike. It must produce exactly what the entities describe: a spec runs it and asks TypeORM for the
 * remaining difference, which must be none.
 */

const varchar = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  ...extra,
});
const text = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const instant = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });

export class CreateOAuthTables1764201600000 implements MigrationInterface {
  readonly name = 'CreateOAuthTables1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oauth_clients',
        columns: [
          varchar('id', 128, { isPrimary: true }),
          varchar('secret_hash', 255),
          varchar('name', 255, { isNullable: true }),
          varchar('grants', 255),
          text('scopes'),
          text('default_scopes'),
          instant('created_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oauth_grants',
        columns: [
          varchar('id', 36, { isPrimary: true }),
          varchar('client_id', 128),
          varchar('user_id', 128, { isNullable: true }),
          text('scope'),
          instant('created_at'),
          instant('revoked_at', true),
          varchar('revoked_reason', 64, { isNullable: true }),
        ],
        indices: [
          { name: 'idx_oauth_grants_client_id', columnNames: ['client_id'] },
          { name: 'idx_oauth_grants_user_id', columnNames: ['user_id'] },
          { name: 'idx_oauth_grants_revoked_at', columnNames: ['revoked_at'] },
        ],
      }),
    );
    for (const type of ['access', 'refresh'] as const) {
      await queryRunner.createTable(
        new Table({
          name: `oauth_${type}_tokens`,
          columns: [
            varchar('digest', 64, { isPrimary: true }),
            varchar('grant_id', 36),
            ...(type === 'refresh' ? [varchar('parent_digest', 64, { isNullable: true })] : []),
            text('scope'),
            instant('expires_at'),
            ...(type === 'refresh' ? [instant('used_at', true), text('sealed_successor', true)] : []),
            instant('created_at'),
          ],
          indices: [
            { name: `idx_oauth_${type}_tokens_grant_id`, columnNames: ['grant_id'] },
            { name: `idx_oauth_${type}_tokens_expires_at`, columnNames: ['expires_at'] },
          ],
          foreignKeys: [
            {
              name: `fk_oauth_${type}_tokens_grant`,
              columnNames: ['grant_id'],
              referencedTableName: 'oauth_grants',
              referencedColumnNames: ['id'],
              onDelete: 'CASCADE',
            },
          ],
        }),
      );
    }
    await queryRunner.createTable(
      new Table({
        name: 'oauth_login_attempts',
        columns: [
          varchar('username_key', 64, { isPrimary: true }),
          { name: 'failures', type: 'integer' },
          instant('window_started_at'),
          instant('locked_until', true),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['oauth_login_attempts', 'oauth_refresh_tokens', 'oauth_access_tokens', 'oauth_grants', 'oauth_clients']) {
      await queryRunner.dropTable(table);
    }
  }
}
