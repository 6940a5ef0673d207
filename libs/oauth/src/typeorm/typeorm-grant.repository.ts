import { Injectable } from '@nestjs/common';
import { In, IsNull, LessThan, type EntityManager } from 'typeorm';
import { GrantRepository, type GrantCreation, type GrantTokens, type OAuthGrant } from '../repositories/grant.repository';
import { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import { OAuthGrantEntity } from './entities/oauth-grant.entity';
import { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';
import { OAuthUserRevocationEntity } from './entities/oauth-user-revocation.entity';
import { COUNTERS, TypeOrmCounters } from './typeorm-counters';
import { EntityStatements } from './typeorm-entity-statements';
import { fromAccessToken, fromGrant, fromRefreshToken } from './typeorm-mappers';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmGrantRepository extends GrantRepository {
  private readonly grantRows: EntityStatements<OAuthGrantEntity>;
  private readonly accessRows: EntityStatements<OAuthAccessTokenEntity>;
  private readonly refreshRows: EntityStatements<OAuthRefreshTokenEntity>;
  private readonly revocationSql: RevocationSql;
  private readonly counters: TypeOrmCounters;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
    this.counters = new TypeOrmCounters(connection);
    this.grantRows = new EntityStatements(connection, OAuthGrantEntity);
    this.accessRows = new EntityStatements(connection, OAuthAccessTokenEntity);
    this.refreshRows = new EntityStatements(connection, OAuthRefreshTokenEntity);
    this.revocationSql = revocationStatements(connection);
  }

  create(grant: OAuthGrant, tokens: GrantTokens, creation: GrantCreation = {}): Promise<boolean> {
    const { userRevocationMark } = creation;
    return this.connection.transaction(async (manager) => {
      if (grant.userId !== null && userRevocationMark !== undefined) {
        if ((await this.lockUserRevocation(manager, grant.userId)) > userRevocationMark) return false;
      }
      await this.grantRows.insert(manager, fromGrant(grant));
      await this.accessRows.insert(manager, fromAccessToken(tokens.accessToken));
      if (tokens.refreshToken) await this.refreshRows.insert(manager, fromRefreshToken(tokens.refreshToken));
      return true;
    });
  }

  userRevocationMark(): Promise<number> {
    return this.counters.read(COUNTERS.userRevocations);
  }

  async revoke(grantId: string, reason: string, at: Date): Promise<void> {
    await this.revokeWhere({ id: grantId }, reason, at);
  }

  revokeAllForUser(userId: string, reason: string, at: Date): Promise<number> {
    return this.connection.transaction(async (manager) => {
      // Sequence first, then the user's row, then the grants: a creation holding the user's row (see
      // lockUserRevocation) makes this wait until its grant is committed, and the UPDATE below, a statement
      // started after that, then sees the grant and revokes it.
      const advanced = await this.counters.advance(COUNTERS.userRevocations, manager);
      await this.connection.changes(this.revocationSql.recordUser, [userId, advanced], manager);
      await this.counters.advance(COUNTERS.revocations, manager);
      const result = await manager.update(OAuthGrantEntity, { userId, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason });
      return result.affected ?? 0;
    });
  }

  revokeAllForClient(clientId: string, reason: string, at: Date): Promise<number> {
    return this.revokeWhere({ clientId }, reason, at);
  }

  deleteRevoked(before: Date, limit: number): Promise<number> {
    return this.connection.transaction(async (manager) => {
      const ids = await manager
        .getRepository(OAuthGrantEntity)
        // A range on revoked_at, which its index serves (sqlite will not use an index for IS NOT NULL).
        .find({ select: { id: true }, where: { revokedAt: LessThan(before) }, take: limit });
      if (ids.length === 0) return 0;
      const grantId = In(ids.map((grant) => grant.id));
      // Tokens first: not every database enforces the foreign keys' ON DELETE CASCADE (sqlite needs a pragma).
      await manager.delete(OAuthAccessTokenEntity, { grantId });
      await manager.delete(OAuthRefreshTokenEntity, { grantId });
      await manager.delete(OAuthGrantEntity, { id: grantId });
      return ids.length;
    });
  }

  /**
   * Where the sequence stood at the user's last revocation (0 if never), read so that no revocation of the user
   * can commit between this read and the end of the transaction. sqlite: the transaction holds the database's
   * write lock (BEGIN IMMEDIATE), so nothing else writes before it commits. PostgreSQL, in READ COMMITTED: a
   * shared lock on the user's row, created first when missing, so that a concurrent revocation's upsert waits
   * for this transaction, or this waits for the revocation and then reads the sequence it committed.
   */
  private async lockUserRevocation(manager: EntityManager, userId: string): Promise<number> {
    const { ensureUser, readUser } = this.revocationSql;
    if (ensureUser) await this.connection.changes(ensureUser, [userId], manager);
    const rows = await this.connection.returning(readUser, [userId], manager);
    return rows.length === 0 ? 0 : Number(rows[0].sequence);
  }

  private async revokeWhere(where: Partial<Pick<OAuthGrantEntity, 'id' | 'userId' | 'clientId'>>, reason: string, at: Date): Promise<number> {
    // Only grants still live: a second revocation keeps the first reason and time.
    return this.connection.transaction(async (manager) => {
      await this.counters.advance(COUNTERS.revocations, manager);
      const result = await manager.update(OAuthGrantEntity, { ...where, revokedAt: IsNull() }, { revokedAt: at, revokedReason: reason });
      return result.affected ?? 0;
    });
  }
}

interface RevocationSql {
  /** Records the sequence for a user. */
  recordUser: string;
  /** PostgreSQL only: creates the user's row at 0 when missing, so that there is a row to lock. */
  ensureUser: string | null;
  readUser: string;
}

function revocationStatements(connection: TypeOrmStorageConnection): RevocationSql {
  const users = new EntityStatements(connection, OAuthUserRevocationEntity);
  const [userId, sequence] = [users.column('userId'), users.column('sequence')];
  const p = (index: number) => users.parameter(index);
  const postgres = connection.writes.options.type === 'postgres';
  return {
    recordUser:
      `INSERT INTO ${users.table} (${userId}, ${sequence}) VALUES (${p(1)}, ${p(2)}) ` +
      `ON CONFLICT (${userId}) DO UPDATE SET ${sequence} = excluded.${sequence}`,
    ensureUser: postgres ? `INSERT INTO ${users.table} (${userId}, ${sequence}) VALUES (${p(1)}, 0) ON CONFLICT (${userId}) DO NOTHING` : null,
    readUser: `SELECT ${sequence} AS sequence FROM ${users.table} WHERE ${userId} = ${p(1)}${postgres ? ' FOR SHARE' : ''}`,
  };
}
