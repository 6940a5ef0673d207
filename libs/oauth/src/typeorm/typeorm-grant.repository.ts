import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
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
    await inTransaction(this.dataSource, (manager) =>
      manager.update(OAuthGrantEntity, { id: grantId, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason }),
    );
  }
}
