import { Injectable } from '@nestjs/common';
import { LessThan } from 'typeorm';
import {
  AttemptCounterRepository,
  type AttemptCounterKind,
  type AttemptPolicy,
  type AttemptReservation,
  type AttemptSlot,
} from '../repositories/attempt-counter.repository';
import type { OAuthAttemptCounterColumns } from './entities/oauth-attempt-counter.columns';
import { OAuthClientFailureEntity } from './entities/oauth-client-failure.entity';
import { OAuthLoginAttemptEntity } from './entities/oauth-login-attempt.entity';
import { deleteBatch } from './typeorm-batch-delete';
import { EntityStatements } from './typeorm-entity-statements';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

type CounterEntity = OAuthLoginAttemptEntity | OAuthClientFailureEntity;

/** Each kind's table, and the property of its key. */
const TABLES = {
  login: { entity: OAuthLoginAttemptEntity, key: 'usernameKey' },
  client: { entity: OAuthClientFailureEntity, key: 'clientKey' },
} as const;

/** One kind's statements, written once from the entity's metadata. */
interface CounterStatements {
  reserve: string;
  state: string;
  settleFailure: string;
  settleSuccess: string;
}

/**
 * The attempt counters on sqlite and PostgreSQL. Every step is one conditional statement, so its check and its
 * write cannot be separated by another instance's: `reserve` is an upsert whose update only happens while a slot
 * is free (`INSERT … ON CONFLICT DO UPDATE … WHERE failures < max`, which both databases evaluate against the
 * current row under its lock), and settling updates only the window the slot was taken in.
 */
@Injectable()
export class TypeOrmAttemptCounterRepository extends AttemptCounterRepository {
  private readonly statements = new Map<AttemptCounterKind, CounterStatements>();

  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
  }

  reserve(kind: AttemptCounterKind, key: string, now: Date, policy: AttemptPolicy): Promise<AttemptReservation> {
    const sql = this.statementsFor(kind);
    const at = now.getTime();
    const lockEnd = at + policy.lockSeconds * 1000;
    // What a new window starts with; the first attempt is already the last when maxFailures is 1.
    const freshLock = policy.maxFailures <= 1 ? lockEnd : null;
    const freshExpiry = Math.max(at + policy.windowSeconds * 1000, freshLock ?? 0);
    return this.connection.transaction(async (manager): Promise<AttemptReservation> => {
      const [row] = await this.connection.returning(sql.reserve, [key, at, lockEnd, policy.maxFailures, freshLock, freshExpiry], manager);
      if (row) {
        const failures = Number(row.failures);
        const slot: AttemptSlot = {
          windowStartedAt: new Date(Number(row.window_started_at)),
          // Both counts include this slot, so the failures already settled are what remains.
          settledFailures: failures - Number(row.pending),
          lockedUntil: row.locked_until === null ? null : new Date(Number(row.locked_until)),
        };
        return { granted: true, slot };
      }
      const [state] = await this.connection.returning(sql.state, [key], manager);
      return { granted: false, lockedUntil: new Date(Number(state.locked_until ?? state.expires_at)) };
    });
  }

  async lockedUntil(kind: AttemptCounterKind, key: string, now: Date, policy: AttemptPolicy): Promise<Date | null> {
    const [state] = await this.connection.rows(this.statementsFor(kind).state, [key]);
    if (!state || Number(state.expires_at) <= now.getTime() || Number(state.failures) < policy.maxFailures) return null;
    return new Date(Number(state.locked_until ?? state.expires_at));
  }

  async settle(kind: AttemptCounterKind, key: string, slot: AttemptSlot, outcome: 'success' | 'failure', policy: AttemptPolicy): Promise<void> {
    const sql = this.statementsFor(kind);
    const window = slot.windowStartedAt.getTime();
    await this.connection.transaction((manager) =>
      outcome === 'failure'
        ? this.connection.changes(sql.settleFailure, [key, window], manager)
        : this.connection.changes(sql.settleSuccess, [key, window, slot.settledFailures + 1, policy.maxFailures], manager),
    );
  }

  async deleteExpired(kind: AttemptCounterKind, now: Date, limit: number): Promise<number> {
    const { entity, key } = TABLES[kind];
    const deleted = await this.connection.transaction((manager) =>
      deleteBatch<CounterEntity>(manager, entity, key as keyof CounterEntity & string, { expiresAt: LessThan(now) }, limit),
    );
    return deleted.length;
  }

  private statementsFor(kind: AttemptCounterKind): CounterStatements {
    let statements = this.statements.get(kind);
    if (!statements) {
      statements = buildStatements(this.connection, kind);
      this.statements.set(kind, statements);
    }
    return statements;
  }
}

function buildStatements(connection: TypeOrmStorageConnection, kind: AttemptCounterKind): CounterStatements {
  const { entity, key } = TABLES[kind];
  const entityStatements = new EntityStatements<CounterEntity>(connection, entity);
  const column = (property: keyof OAuthAttemptCounterColumns | typeof key) => entityStatements.column(property as keyof CounterEntity & string);
  // Numbered parameters, so one value can appear several times: $n on PostgreSQL, ?n on sqlite.
  const p = (index: number) => (connection.writes.options.type === 'postgres' ? `$${index}` : `?${index}`);
  const k = column(key);
  const failures = column('failures');
  const pending = column('pending');
  const windowStartedAt = column('windowStartedAt');
  const lockedUntil = column('lockedUntil');
  const expiresAt = column('expiresAt');
  const table = entityStatements.table;
  // Parameters of `reserve`: 1 key, 2 now, 3 when a lock started now would end, 4 maxFailures, 5 and 6 the
  // locked_until and expires_at of a new window. `c` is the stored row, `excluded` the new window's.
  const expired = `c.${expiresAt} <= ${p(2)}`;
  const takesLast = `c.${failures} + 1 >= ${p(4)}`;
  const reserve = [
    `INSERT INTO ${table} AS c (${k}, ${failures}, ${pending}, ${windowStartedAt}, ${lockedUntil}, ${expiresAt})`,
    `VALUES (${p(1)}, 1, 1, ${p(2)}, ${p(5)}, ${p(6)})`,
    `ON CONFLICT (${k}) DO UPDATE SET`,
    `${failures} = CASE WHEN ${expired} THEN 1 ELSE c.${failures} + 1 END,`,
    `${pending} = CASE WHEN ${expired} THEN 1 ELSE c.${pending} + 1 END,`,
    `${windowStartedAt} = CASE WHEN ${expired} THEN ${p(2)} ELSE c.${windowStartedAt} END,`,
    `${lockedUntil} = CASE WHEN ${expired} THEN excluded.${lockedUntil} WHEN ${takesLast} THEN ${p(3)} ELSE NULL END,`,
    `${expiresAt} = CASE WHEN ${expired} THEN excluded.${expiresAt} WHEN ${takesLast} AND ${p(3)} > c.${expiresAt} THEN ${p(3)} ELSE c.${expiresAt} END`,
    `WHERE ${expired} OR c.${failures} < ${p(4)}`,
    `RETURNING ${failures}, ${pending}, ${windowStartedAt}, ${lockedUntil}`,
  ].join(' ');
  const state = `SELECT ${failures}, ${lockedUntil}, ${expiresAt} FROM ${table} WHERE ${k} = ${p(1)}`;
  const inWindow = `WHERE ${k} = ${p(1)} AND ${windowStartedAt} = ${p(2)} AND ${pending} > 0`;
  const settleFailure = `UPDATE ${table} SET ${pending} = ${pending} - 1 ${inWindow}`;
  // Parameters 3, the failures this success clears (its own slot and those settled before it), and 4,
  // maxFailures. Attempts still pending stay counted however many another success cleared; the lock stays
  // while the window is still full.
  const remaining = `CASE WHEN ${failures} - ${p(3)} > ${pending} - 1 THEN ${failures} - ${p(3)} ELSE ${pending} - 1 END`;
  const settleSuccess = [
    `UPDATE ${table} SET ${failures} = ${remaining}, ${pending} = ${pending} - 1,`,
    `${lockedUntil} = CASE WHEN ${remaining} >= ${p(4)} THEN ${lockedUntil} ELSE NULL END`,
    inWindow,
  ].join(' ');
  return { reserve, state, settleFailure, settleSuccess };
}
