import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/* Browser sessions and remembered consents of the authorization endpoint. Exactly what the entities describe. */
export class SessionsAndConsents1764979202000 implements MigrationInterface {
  readonly name = 'SessionsAndConsents1764979202000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oauth_sessions',
        columns: [
          { name: 'digest', type: 'varchar', length: '64', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '128' },
          { name: 'auth_time', type: 'bigint' },
          { name: 'user_revocation_mark', type: 'bigint' },
          { name: 'last_seen_at', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
        ],
        indices: [
          { name: 'idx_oauth_sessions_user_id', columnNames: ['user_id'] },
          { name: 'idx_oauth_sessions_expires_at', columnNames: ['expires_at'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'oauth_consents',
        columns: [
          { name: 'user_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'scope', type: 'text' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oauth_consents');
    await queryRunner.dropTable('oauth_sessions');
  }
}
