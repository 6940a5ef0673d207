import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { COUNTERS, TypeOrmCounters } from './typeorm-counters';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';
import { TokenLookup } from './typeorm-token-lookup';

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  private readonly lookup: TokenLookup<object>;
  private readonly counters: TypeOrmCounters;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    this.counters = new TypeOrmCounters(connection);
    // An access token has no columns beyond those every token has.
    this.lookup = new TokenLookup(connection, OAuthAccessTokenEntity, [], () => ({}));
  }

  findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    return this.lookup.find(digest);
  }

  async delete(digest: string): Promise<void> {
    await this.connection.transaction(async (manager) => {
      await this.counters.advance(COUNTERS.revocations, manager);
      await manager.delete(OAuthAccessTokenEntity, { digest });
    });
  }

  revocationMark(): Promise<number> {
    return this.counters.read(COUNTERS.revocations);
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await this.connection.transaction((manager) =>
      deleteBatch(manager, OAuthAccessTokenEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
