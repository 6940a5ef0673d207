import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { AuthorizationCodeRepository, type AuthorizationCodeRecord } from '../repositories/authorization-code.repository';
import { OAuthAuthorizationCodeEntity } from './entities/oauth-authorization-code.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { EntityStatements } from './typeorm-entity-statements';
import { joinList, splitList } from './typeorm-mappers';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmAuthorizationCodeRepository extends AuthorizationCodeRepository {
  private readonly rows: EntityStatements<OAuthAuthorizationCodeEntity>;
  /** The claim: of concurrent exchanges of one code, only one finds `used_at` still NULL. */
  private readonly consumeSql: string;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    const rows = (this.rows = new EntityStatements(connection, OAuthAuthorizationCodeEntity));
    this.consumeSql =
      `UPDATE ${rows.table} SET ${rows.column('usedAt')} = ${rows.parameter(1)}, ${rows.column('grantId')} = ${rows.parameter(2)} ` +
      `WHERE ${rows.column('digest')} = ${rows.parameter(3)} AND ${rows.column('usedAt')} IS NULL`;
  }

  async save(code: AuthorizationCodeRecord): Promise<void> {
    await this.connection.transaction((manager) => this.rows.insert(manager, { ...code, scope: joinList(code.scope) }));
  }

  async findByDigest(digest: string): Promise<AuthorizationCodeRecord | null> {
    const row = await this.rows.findOneBy('digest', digest);
    return row ? { ...row, scope: splitList(row.scope) } : null;
  }

  consume(digest: string, grantId: string, at: Date): Promise<boolean> {
    return this.connection.transaction(
      async (manager) => (await this.connection.changes(this.consumeSql, [this.rows.value('usedAt', at), grantId, digest], manager)) === 1,
    );
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await this.connection.transaction((manager) =>
      deleteBatch(manager, OAuthAuthorizationCodeEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
