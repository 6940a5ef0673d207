import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { toAccessToken, toGrant } from './typeorm-mappers';

@Injectable()
export class TypeOrmAccessTokenRepository extends AccessTokenRepository {
  constructor(@InjectRepository(OAuthAccessTokenEntity) private readonly rows: Repository<OAuthAccessTokenEntity>) {
    super();
  }

  async findByDigest(digest: string): Promise<TokenWithGrant<AccessTokenRecord> | null> {
    // One query: the token by its primary key, joined to its grant.
    const row = await this.rows
      .createQueryBuilder('token')
      .innerJoinAndSelect('token.grant', 'grant')
      .where('token.digest = :digest', { digest })
      .getOne();
    return row?.grant ? { token: toAccessToken(row), grant: toGrant(row.grant) } : null;
  }
}
