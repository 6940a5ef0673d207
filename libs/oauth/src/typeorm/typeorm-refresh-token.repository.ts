import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, LessThan } from 'typeorm';
import type { TokenWithGrant } from '../repositories/access-token.repository';
import { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from '../repositories/refresh-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { fromAccessToken, fromRefreshToken, splitList } from './typeorm-mappers';
import { instant, TokenLookup } from './typeorm-token-lookup';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmRefreshTokenRepository extends RefreshTokenRepository {
  private readonly lookup: TokenLookup;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    this.lookup = new TokenLookup(dataSource, OAuthRefreshTokenEntity, [
      'digest',
      'grant_id',
      'parent_digest',
      'scope',
      'expires_at',
      'used_at',
      'sealed_successor',
      'created_at',
    ]);
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null> {
    const found = await this.lookup.find(digest);
    if (!found) return null;
    const { token, grant } = found;
    return {
      token: {
        digest: String(token.digest),
        grantId: String(token.grant_id),
        parentDigest: token.parent_digest === null ? null : String(token.parent_digest),
        scope: splitList(String(token.scope)),
        expiresAt: instant(token.expires_at)!,
        usedAt: instant(token.used_at),
        sealedSuccessor: token.sealed_successor === null ? null : String(token.sealed_successor),
        createdAt: instant(token.created_at)!,
      },
      grant,
    };
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
