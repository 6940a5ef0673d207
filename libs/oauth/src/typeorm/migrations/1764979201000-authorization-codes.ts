import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/* Authorization codes (RFC 6749 §4.1), stored by digest. As with the other migrations, exactly what the entity describes. */
export class AuthorizationCodes1764979201000 implements MigrationInterface {
  readonly name = 'AuthorizationCodes1764979201000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'oauth_authorization_codes',
        columns: [
          { name: 'digest', type: 'varchar', length: '64', isPrimary: true },
          { name: 'client_id', type: 'varchar', length: '128' },
          { name: 'user_id', type: 'varchar', length: '128' },
          { name: 'redirect_uri', type: 'text' },
          { name: 'code_challenge', type: 'varchar', length: '128' },
          { name: 'scope', type: 'text' },
          { name: 'nonce', type: 'text', isNullable: true },
          { name: 'auth_time', type: 'bigint' },
          { name: 'user_revocation_mark', type: 'bigint' },
          { name: 'expires_at', type: 'bigint' },
          { name: 'created_at', type: 'bigint' },
          { name: 'used_at', type: 'bigint', isNullable: true },
          { name: 'grant_id', type: 'varchar', length: '36', isNullable: true },
        ],
        indices: [{ name: 'idx_oauth_authorization_codes_expires_at', columnNames: ['expires_at'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('oauth_authorization_codes');
  }
}
