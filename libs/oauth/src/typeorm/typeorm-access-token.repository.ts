import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { TokenLookup } from './typeorm-token-lookup';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  private readonly lookup: TokenLookup<object>;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
    // An access token has no columns beyond those every token has.
    this.lookup = new TokenLookup(dataSource, OAuthAccessTokenEntity, [], () => ({}));
  }

  findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    return this.lookup.find(digest);
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
