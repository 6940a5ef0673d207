import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, LessThan } from 'typeorm';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { toAccessToken, toGrant } from './typeorm-mappers';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    // One query: the token by its primary key, joined to its grant.
    const row = await this.dataSource
      .getRepository(OAuthAccessTokenEntity)
      .createQueryBuilder('token')
      .innerJoinAndSelect('token.grant', 'grant')
      .where('token.digest = :digest', { digest })
      .getOne();
    return row?.grant ? { token: toAccessToken(row), grant: toGrant(row.grant) } : null;
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
