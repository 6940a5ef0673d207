import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan } from 'typeorm';
import type { TokenWithGrant } from '../repositories/access-token.repository';
import { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from '../repositories/refresh-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { fromAccessToken, fromRefreshToken } from './typeorm-mappers';
import { instant, TokenLookup } from './typeorm-token-lookup';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  private readonly lookup: TokenLookup<Pick<RefreshTokenRecord, 'parentDigest' | 'usedAt' | 'sealedSuccessor'>>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    this.lookup = new TokenLookup(dataSource, OAuthRefreshTokenEntity, ['parent_digest', 'used_at', 'sealed_successor'], (columns) => ({
      parentDigest: columns.parent_digest === null ? null : String(columns.parent_digest),
      usedAt: instant(columns.used_at),
      sealedSuccessor: columns.sealed_successor === null ? null : String(columns.sealed_successor),
    }));
  }

  findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null> {
    return this.lookup.find(digest);
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
