import { Injectable } from '@nestjs/common';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { OAuthClientEntity } from './entities/oauth-client.entity';
import { EntityStatements } from './typeorm-entity-statements';
import { fromClient, toClient } from './typeorm-mappers';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmClientRepository extends ClientRepository {
  private readonly statements: EntityStatements<OAuthClientEntity>;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    this.statements = new EntityStatements(connection, OAuthClientEntity);
  }

  private get rows() {
    return this.connection.reads.getRepository(OAuthClientEntity);
  }

  /** Every token request reads its client: one hand-written query. */
  async findById(id: string): Promise<OAuthClient | null> {
    const row = await this.statements.findOneBy('id', id);
    return row ? toClient(row) : null;
  }

  create(client: OAuthClient): Promise<boolean> {
    return this.connection.transaction(async (manager) => {
      // Checked inside the transaction, and the primary key refuses a duplicate that slips past the check.
      if (await manager.existsBy(OAuthClientEntity, { id: client.id })) return false;
      await this.statements.insert(manager, fromClient(client));
      return true;
    });
  }

  async list(): Promise<OAuthClient[]> {
    return (await this.rows.find({ order: { id: 'ASC' } })).map(toClient);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.connection.transaction((manager) => manager.delete(OAuthClientEntity, { id }));
    return (result.affected ?? 0) > 0;
  }
}
