import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';

/** The app's own table. Written with the schema API so that it serves sqlite and PostgreSQL alike. */
export class CreateUsers1764201600001 implements MigrationInterface {
  readonly name = 'CreateUsers1764201600001';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The same column type and default TypeORM gives @CreateDateColumn on this database.
    const { createDate, createDateDefault, updateDate, updateDateDefault } = queryRunner.connection.driver.mappedDataTypes;
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
          { name: 'email', type: 'varchar', length: '320' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'firstname', type: 'varchar', length: '255', default: "''" },
          { name: 'lastname', type: 'varchar', length: '255', default: "''" },
          { name: 'roles', type: 'text' },
          { name: 'disabled', type: 'boolean', default: queryRunner.connection.driver.options.type === 'postgres' ? 'false' : '0' },
          { name: 'created_at', type: String(createDate), default: createDateDefault },
          { name: 'updated_at', type: String(updateDate), default: updateDateDefault },
        ],
        indices: [{ name: 'uq_users_email', columnNames: ['email'], isUnique: true }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('users');
  }
}
