import { Injectable } from '@nestjs/common';
import { IsNull, QueryFailedError } from 'typeorm';
import { ClientRepository, sameOAuthClient, type OAuthClient } from '../repositories/client.repository';
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

  async create(client: OAuthClient): Promise<boolean> {
    try {
      return await this.connection.transaction(async (manager) => {
        if (await manager.existsBy(OAuthClientEntity, { id: client.id })) return false;
        await this.statements.insert(manager, fromClient(client));
        return true;
      });
    } catch (error) {
      // Two registrations of one id can both pass the check (PostgreSQL's READ COMMITTED); the primary key
      // refuses the later insert, and that registration lost.
      if (error instanceof QueryFailedError && (await this.rows.existsBy({ id: client.id }))) return false;
      throw error;
    }
  }

  async list(): Promise<OAuthClient[]> {
    return (await this.rows.find({ order: { id: 'ASC' } })).map(toClient);
  }

  async update(expected: OAuthClient, next: OAuthClient): Promise<boolean> {
    if (next.id !== expected.id) return false;
    return this.connection.transaction(async (manager) => {
      const row = await manager.findOneBy(OAuthClientEntity, { id: expected.id });
      if (!row || !sameOAuthClient(toClient(row), expected)) return false;
      // Conditional on the row as read, so that on PostgreSQL, where another transaction may write between the
      // read and this statement, a concurrent update makes this one affect nothing rather than be overwritten.
      const { createdAt: _createdAt, ...columns } = row;
      const { createdAt: _unused, id: _id, ...changes } = fromClient(next);
      const result = await manager.update(OAuthClientEntity, { ...columns, name: row.name ?? IsNull() }, changes);
      return (result.affected ?? 0) > 0;
    });
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.connection.transaction((manager) => manager.delete(OAuthClientEntity, { id }));
    return (result.affected ?? 0) > 0;
  }
}
