import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/*
 * What the authorization code flow needs to know of a client: its redirect URIs, how it authenticates (public
 * clients have no secret) and whether it is the operator's own. Every existing client is a confidential one with
 * no redirect URI, which the defaults say. `oauth_clients` is small, so sqlite's rebuild of it costs nothing.
 */
export class ClientRedirectUris1764979200000 implements MigrationInterface {
  readonly name = 'ClientRedirectUris1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('oauth_clients', [
      new TableColumn({ name: 'redirect_uris', type: 'text', default: "''" }),
      new TableColumn({ name: 'token_endpoint_auth_method', type: 'varchar', length: '32', default: "'client_secret_basic'" }),
      // As TypeORM writes a boolean default for each database, so that the schema matches the entity exactly.
      new TableColumn({ name: 'first_party', type: 'boolean', default: isSqlite(queryRunner) ? '0' : 'false' }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('oauth_clients', ['first_party', 'token_endpoint_auth_method', 'redirect_uris']);
  }
}

function isSqlite(queryRunner: QueryRunner): boolean {
  return ['sqlite', 'better-sqlite3'].includes(queryRunner.connection.driver.options.type);
}
