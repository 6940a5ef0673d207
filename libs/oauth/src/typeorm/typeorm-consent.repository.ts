import { Injectable } from '@nestjs/common';
import { ConsentRepository, type ConsentRecord } from '../repositories/consent.repository';
import { OAuthConsentEntity } from './entities/oauth-consent.entity';
import { joinList, splitList } from './typeorm-mappers';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmConsentRepository extends ConsentRepository {
  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
  }

  async find(userId: string, clientId: string): Promise<ConsentRecord | null> {
    const row = await this.connection.reads.getRepository(OAuthConsentEntity).findOneBy({ userId, clientId });
    return row ? { ...row, scope: splitList(row.scope) } : null;
  }

  async save(consent: ConsentRecord): Promise<void> {
    // One statement (INSERT ... ON CONFLICT DO UPDATE on both databases), so two consents at once cannot collide.
    await this.connection.transaction((manager) =>
      manager.upsert(OAuthConsentEntity, { ...consent, scope: joinList(consent.scope) }, ['userId', 'clientId']),
    );
  }

  async delete(userId: string, clientId: string): Promise<void> {
    await this.connection.transaction((manager) => manager.delete(OAuthConsentEntity, { userId, clientId }));
  }

  async deleteForClient(clientId: string): Promise<number> {
    const result = await this.connection.transaction((manager) => manager.delete(OAuthConsentEntity, { clientId }));
    return result.affected ?? 0;
  }
}
