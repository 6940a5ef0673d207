import type { EntityManager } from 'typeorm';
import { OAuthCounterEntity } from './entities/oauth-counter.entity';
import { EntityStatements } from './typeorm-entity-statements';
import type { TypeOrmStorageConnection } from './typeorm-storage-connection';

/** The `oauth_counters` rows the storage keeps. */
export const COUNTERS = {
  /** The user-revocation sequence: `GrantRepository.userRevocationMark`. */
  userRevocations: 'user_revocations',
  /** The revocation mark: `AccessTokenRepository.revocationMark`. */
  revocations: 'revocations',
} as const;

export type CounterName = (typeof COUNTERS)[keyof typeof COUNTERS];

/** Named counters in `oauth_counters`, advanced inside the storage's own transactions; a missing row reads 0. */
export class TypeOrmCounters {
  private readonly readSql: string;
  private readonly advanceSql: string;

  constructor(private readonly connection: TypeOrmStorageConnection) {
    const counters = new EntityStatements(connection, OAuthCounterEntity);
    const [name, value, p] = [counters.column('name'), counters.column('value'), (index: number) => counters.parameter(index)];
    this.readSql = `SELECT ${value} AS value FROM ${counters.table} WHERE ${name} = ${p(1)}`;
    this.advanceSql =
      `INSERT INTO ${counters.table} AS c (${name}, ${value}) VALUES (${p(1)}, 1) ` +
      `ON CONFLICT (${name}) DO UPDATE SET ${value} = c.${value} + 1 RETURNING ${value} AS value`;
  }

  async read(name: CounterName): Promise<number> {
    const rows = await this.connection.rows(this.readSql, [name]);
    return rows.length === 0 ? 0 : Number(rows[0].value);
  }

  /** Advances the counter by one in `manager`'s transaction, creating it at 1; returns the new value. */
  async advance(name: CounterName, manager: EntityManager): Promise<number> {
    const [advanced] = await this.connection.returning(this.advanceSql, [name], manager);
    return Number(advanced.value);
  }
}
