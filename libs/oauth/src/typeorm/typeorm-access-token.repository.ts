import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';
import { TokenLookup } from './typeorm-token-lookup';

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  private readonly lookup: TokenLookup<object>;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    // An access token has no columns beyond those every token has.
    this.lookup = new TokenLookup(connection, OAuthAccessTokenEntity, [], () => ({}));
  }

  findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    return this.lookup.find(digest);
  }

  async delete(digest: string): Promise<void> {
    await this.connection.transaction((manager) => manager.delete(OAuthAccessTokenEntity, { digest }));
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await this.connection.transaction((manager) =>
      deleteBatch(manager, OAuthAccessTokenEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
