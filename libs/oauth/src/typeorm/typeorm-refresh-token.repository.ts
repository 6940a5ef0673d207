import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import type { TokenWithGrant } from '../repositories/access-token.repository';
import { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from '../repositories/refresh-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { EntityStatements } from './typeorm-entity-statements';
import { fromAccessToken, fromRefreshToken } from './typeorm-mappers';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';
import { instant, TokenLookup } from './typeorm-token-lookup';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  private readonly lookup: TokenLookup<Pick<RefreshTokenRecord, 'parentDigest' | 'usedAt' | 'sealedSuccessor'>>;
  private readonly refreshRows: EntityStatements<OAuthRefreshTokenEntity>;
  private readonly accessRows: EntityStatements<OAuthAccessTokenEntity>;
  /** The claim: of concurrent rotations of one token, only one finds `used_at` still NULL. */
  private readonly claimSql: string;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    this.lookup = new TokenLookup(connection, OAuthRefreshTokenEntity, ['parent_digest', 'used_at', 'sealed_successor'], (columns) => ({
      parentDigest: columns.parent_digest === null ? null : String(columns.parent_digest),
      usedAt: instant(columns.used_at),
      sealedSuccessor: columns.sealed_successor === null ? null : String(columns.sealed_successor),
    }));
    this.refreshRows = new EntityStatements(connection, OAuthRefreshTokenEntity);
    this.accessRows = new EntityStatements(connection, OAuthAccessTokenEntity);
    const rows = this.refreshRows;
    this.claimSql =
      `UPDATE ${rows.table} SET ${rows.column('usedAt')} = ${rows.parameter(1)}, ${rows.column('sealedSuccessor')} = ${rows.parameter(2)} ` +
      `WHERE ${rows.column('digest')} = ${rows.parameter(3)} AND ${rows.column('usedAt')} IS NULL`;
  }

  findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null> {
    return this.lookup.find(digest);
  }

  rotate(digest: string, usedAt: Date, successor: RotationSuccessor, sealedSuccessor: string | null): Promise<boolean> {
    const rows = this.refreshRows;
    return this.connection.transaction(async (manager) => {
      const claimed = await this.connection.changes(this.claimSql, [rows.value('usedAt', usedAt), sealedSuccessor, digest], manager);
      if (claimed !== 1) return false;
      await this.refreshRows.insert(manager, fromRefreshToken(successor.refreshToken));
      await this.accessRows.insert(manager, fromAccessToken(successor.accessToken));
      return true;
    });
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await this.connection.transaction((manager) =>
      deleteBatch(manager, OAuthRefreshTokenEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
