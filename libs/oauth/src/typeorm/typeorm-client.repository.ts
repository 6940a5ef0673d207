import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { OAuthClientEntity } from './entities/oauth-client.entity';
import { toClient } from './typeorm-mappers';

@Injectable()
export class TypeOrmClientRepository extends ClientRepository {
  constructor(@InjectRepository(OAuthClientEntity) private readonly rows: Repository<OAuthClientEntity>) {
    super();
  }

  async findById(id: string): Promise<OAuthClient | null> {
    const row = await this.rows.findOneBy({ id });
    return row ? toClient(row) : null;
  }
}
