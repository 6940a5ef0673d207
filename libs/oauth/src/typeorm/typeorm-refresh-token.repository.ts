import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan } from 'typeorm';
import type { TokenWithGrant } from '../repositories/access-token.repository';
import { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from '../repositories/refresh-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { fromAccessToken, fromRefreshToken, toGrant, toRefreshToken } from './typeorm-mappers';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null> {
    const row = await this.dataSource
      .getRepository(OAuthRefreshTokenEntity)
      .createQueryBuilder('token')
      .innerJoinAndSelect('token.grant', 'grant')
      .where('token.digest = :digest', { digest })
      .getOne();
    return row?.grant ? { token: toRefreshToken(row), grant: toGrant(row.grant) } : null;
  }

  rotate(digest: string, usedAt: Date, successor: RotationSuccessor, sealedSuccessor: string | null): Promise<boolean> {
    return inTransaction(this.dataSource, async (manager) => {
      // The conditional UPDATE is the claim: of concurrent rotations only one finds `used_at` still NULL.
      const claim = await manager
        .createQueryBuilder()
        .update(OAuthRefreshTokenEntity)
        .set({ usedAt, sealedSuccessor })
        .where({ digest, usedAt: IsNull() })
        .execute();
      if (claim.affected !== 1) return false;
      await manager.createQueryBuilder().insert().into(OAuthRefreshTokenEntity).values(fromRefreshToken(successor.refreshToken)).updateEntity(false).execute();
      await manager.createQueryBuilder().insert().into(OAuthAccessTokenEntity).values(fromAccessToken(successor.accessToken)).updateEntity(false).execute();
      return true;
    });
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await inTransaction(this.dataSource, (manager) =>
      deleteBatch(manager, OAuthRefreshTokenEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
