import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan } from 'typeorm';
import { GrantRepository, type GrantTokens, type OAuthGrant } from '../repositories/grant.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthGrantEntity } from './entities/oauth-grant.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { fromAccessToken, fromGrant, fromRefreshToken } from './typeorm-mappers';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmGrantRepository extends GrantRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async create(grant: OAuthGrant, tokens: GrantTokens): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      // Plain INSERTs: save() would SELECT first, and nothing here needs a value back from the database.
      await manager.createQueryBuilder().insert().into(OAuthGrantEntity).values(fromGrant(grant)).updateEntity(false).execute();
      await manager.createQueryBuilder().insert().into(OAuthAccessTokenEntity).values(fromAccessToken(tokens.accessToken)).updateEntity(false).execute();
      if (tokens.refreshToken) {
        await manager.createQueryBuilder().insert().into(OAuthRefreshTokenEntity).values(fromRefreshToken(tokens.refreshToken)).updateEntity(false).execute();
      }
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
    return inTransaction(this.dataSource, async (manager) => {
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
    const result = await inTransaction(this.dataSource, (manager) =>
      manager.update(OAuthGrantEntity, { ...where, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason }),
    );
    return result.affected ?? 0;
  }
}
