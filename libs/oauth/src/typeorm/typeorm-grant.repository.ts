import { Injectable } from '@nestjs/common';
import { In, IsNull, LessThan } from 'typeorm';
import { GrantRepository, type GrantTokens, type OAuthGrant } from '../repositories/grant.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthGrantEntity } from './entities/oauth-grant.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { EntityStatements } from './typeorm-entity-statements';
import { fromAccessToken, fromGrant, fromRefreshToken } from './typeorm-mappers';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmGrantRepository extends GrantRepository {
  private readonly grantRows: EntityStatements<OAuthGrantEntity>;
  private readonly accessRows: EntityStatements<OAuthAccessTokenEntity>;
  private readonly refreshRows: EntityStatements<OAuthRefreshTokenEntity>;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    this.grantRows = new EntityStatements(connection, OAuthGrantEntity);
    this.accessRows = new EntityStatements(connection, OAuthAccessTokenEntity);
    this.refreshRows = new EntityStatements(connection, OAuthRefreshTokenEntity);
  }

  async create(grant: OAuthGrant, tokens: GrantTokens): Promise<void> {
    await this.connection.transaction(async (manager) => {
      await this.grantRows.insert(manager, fromGrant(grant));
      await this.accessRows.insert(manager, fromAccessToken(tokens.accessToken));
      if (tokens.refreshToken) await this.refreshRows.insert(manager, fromRefreshToken(tokens.refreshToken));
    });
  }

  async revoke(grantId: string, reason: string, at: Date): Promise<void> {
    await this.revokeWhere({ id: grantId }, reason, at);
  }

  revokeAllForUser(userId: string, reason: string, at: Date): Promise<number> {
    return this.revokeWhere({ userId }, reason, at);
  }

  revokeAllForClient(clientId: string, reason: string, at: Date): Promise<number> {
    return this.revokeWhere({ clientId }, reason, at);
  }

  deleteRevoked(before: Date, limit: number): Promise<number> {
    return this.connection.transaction(async (manager) => {
      const ids = await manager
        .getRepository(OAuthGrantEntity)
        // A range on revoked_at, which its index serves (sqlite will not use an index for IS NOT NULL).
        .find({ select: { id: true }, where: { revokedAt: LessThan(before) }, take: limit });
      if (ids.length === 0) return 0;
      const grantId = In(ids.map((grant) => grant.id));
      // Tokens first: not every database enforces the foreign keys' ON DELETE CASCADE (sqlite needs a pragma).
      await manager.delete(OAuthAccessTokenEntity, { grantId });
      await manager.delete(OAuthRefreshTokenEntity, { grantId });
      await manager.delete(OAuthGrantEntity, { id: grantId });
      return ids.length;
    });
  }

  private async revokeWhere(where: Partial<Pick<OAuthGrantEntity, 'id' | 'userId' | 'clientId'>>, reason: string, at: Date): Promise<number> {
    // Only grants still live: a second revocation keeps the first reason and time.
    const result = await this.connection.transaction((manager) =>
      manager.update(OAuthGrantEntity, { ...where, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason }),
    );
    return result.affected ?? 0;
  }
}
