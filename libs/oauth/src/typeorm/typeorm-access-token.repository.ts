import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { splitList } from './typeorm-mappers';
import { instant, TokenLookup } from './typeorm-token-lookup';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  private readonly lookup: TokenLookup;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    this.lookup = new TokenLookup(dataSource, OAuthAccessTokenEntity, ['digest', 'grant_id', 'scope', 'expires_at', 'created_at']);
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    const found = await this.lookup.find(digest);
    if (!found) return null;
    const { token, grant } = found;
    return {
      token: {
        digest: String(token.digest),
        grantId: String(token.grant_id),
        scope: splitList(String(token.scope)),
        expiresAt: instant(token.expires_at)!,
        createdAt: instant(token.created_at)!,
      },
      grant,
    };
  }

  async delete(digest: string): Promise<void> {
    await inTransaction(this.dataSource, (manager) => manager.delete(OAuthAccessTokenEntity, { digest }));
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await inTransaction(this.dataSource, (manager) =>
      deleteBatch(manager, OAuthAccessTokenEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
