import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { BrowserSessionRepository, type BrowserSessionRecord } from '../repositories/browser-session.repository';
import { OAuthBrowserSessionEntity } from './entities/oauth-browser-session.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { EntityStatements } from './typeorm-entity-statements';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmBrowserSessionRepository extends BrowserSessionRepository {
  private readonly rows: EntityStatements<OAuthBrowserSessionEntity>;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    this.rows = new EntityStatements(connection, OAuthBrowserSessionEntity);
  }

  async save(session: BrowserSessionRecord): Promise<void> {
    await this.connection.transaction((manager) => this.rows.insert(manager, session));
  }

  findByDigest(digest: string): Promise<BrowserSessionRecord | null> {
    return this.rows.findOneBy('digest', digest);
  }

  async touch(digest: string, at: Date): Promise<void> {
    await this.connection.transaction((manager) => manager.update(OAuthBrowserSessionEntity, { digest }, { lastSeenAt: at }));
  }

  async delete(digest: string): Promise<void> {
    await this.connection.transaction((manager) => manager.delete(OAuthBrowserSessionEntity, { digest }));
  }

  async deleteForUser(userId: string): Promise<number> {
    const result = await this.connection.transaction((manager) => manager.delete(OAuthBrowserSessionEntity, { userId }));
    return result.affected ?? 0;
  }

  async deleteExpired(before: Date, limit: number): Promise<number> {
    const deleted = await this.connection.transaction((manager) =>
      deleteBatch(manager, OAuthBrowserSessionEntity, 'digest', { expiresAt: LessThan(before) }, limit),
    );
    return deleted.length;
  }
}
