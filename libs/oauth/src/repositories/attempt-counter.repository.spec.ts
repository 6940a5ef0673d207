import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { withClient } from '../../../../test/support/test-database';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { InMemoryAttemptCounterRepository } from '../testing/in-memory.repositories';
import { OAUTH_ENTITIES } from '../typeorm/entities';
import { TypeOrmStorageConnection } from '../typeorm/typeorm-storage-connection';
import { TypeOrmAttemptCounterRepository } from '../typeorm/typeorm-attempt-counter.repository';
import type { AttemptCounterRepository, AttemptPolicy, AttemptReservation, AttemptSlot } from './attempt-counter.repository';

/**
 * One conformance suite for every `AttemptCounterRepository`: the in-memory one, TypeORM on sqlite and, when
 * `TEST_POSTGRES_URL` names a server, TypeORM on PostgreSQL. The database ones run their concurrent cases on two
 * DataSources at once, as two instances of the server would.
 */

const NOW = new Date('2030-05-06T07:08:09.000Z');
const later = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
const POLICY: AttemptPolicy = { maxFailures: 5, windowSeconds: 900, lockSeconds: 900 };

interface Storage {
  /** The repository under test, and a second one on the same data (another instance). */
  first: AttemptCounterRepository;
  second: AttemptCounterRepository;
  close(): Promise<void>;
}

const POSTGRES_URL = process.env.TEST_POSTGRES_URL;

/**
 * Two DataSources on one database, each with the storage's own connections, as two instances of the server have;
 * the first creates the tables. `cleanup` runs once both are closed.
 */
async function openPair(options: DataSourceOptions, cleanup: () => Promise<unknown>): Promise<Storage> {
  const a = await new DataSource({ ...options, entities: OAUTH_ENTITIES, synchronize: true }).initialize();
  const b = await new DataSource({ ...options, entities: OAUTH_ENTITIES, synchronize: false }).initialize();
  const [storageA, storageB] = [await TypeOrmStorageConnection.open(a), await TypeOrmStorageConnection.open(b)];
  return {
    first: new TypeOrmAttemptCounterRepository(storageA),
    second: new TypeOrmAttemptCounterRepository(storageB),
    close: async () => {
      await storageA.close();
      await storageB.close();
      await a.destroy();
      await b.destroy();
      await cleanup();
    },
  };
}

const storages: [string, () => Promise<Storage>][] = [
  [
    'in memory',
    async () => {
      const store = new InMemoryOAuthStore();
      return {
        first: new InMemoryAttemptCounterRepository(store),
        second: new InMemoryAttemptCounterRepository(store),
        close: async () => undefined,
      };
    },
  ],
  [
    'TypeORM on sqlite (two connections to one file)',
    async () => {
      const directory = mkdtempSync(join(tmpdir(), 'oauth-attempts-'));
      return openPair({ type: 'sqlite', database: join(directory, 'db.sqlite'), enableWAL: true, busyTimeout: 10_000 }, async () =>
        rmSync(directory, { recursive: true, force: true }),
      );
    },
  ],
];

if (POSTGRES_URL) {
  storages.push([
    'TypeORM on PostgreSQL (two pools on one database)',
    async () => {
      const schema = `unit_${randomBytes(6).toString('hex')}`;
      await withClient(POSTGRES_URL, (client) => client.query(`CREATE SCHEMA ${schema}`));
      return openPair({ type: 'postgres', url: POSTGRES_URL, schema, extra: { options: `-c search_path=${schema}` } }, () =>
        withClient(POSTGRES_URL, (client) => client.query(`DROP SCHEMA ${schema} CASCADE`)),
      );
    },
  ]);
} else {
  describe('AttemptCounterRepository on PostgreSQL', () => {
    it.skip('runs only when TEST_POSTGRES_URL names a server (e.g. postgres://root@127.0.0.1:5432/test)', () => undefined);
  });
}

function slotOf(reservation: AttemptReservation): AttemptSlot {
  if (!reservation.granted) throw new Error(`expected a slot, got a refusal until ${reservation.lockedUntil.toISOString()}`);
  return reservation.slot;
}

describe.each(storages)('AttemptCounterRepository, %s', (_name, createStorage) => {
  jest.setTimeout(60_000);
  let storage: Storage;
  let counters: AttemptCounterRepository;

  beforeEach(async () => {
    storage = await createStorage();
    counters = storage.first;
  });
  afterEach(() => storage.close());

  /** Takes `count` slots one after another and settles each as a failure. */
  async function fail(count: number, key = 'k', at = NOW): Promise<void> {
    for (let i = 0; i < count; i++) await counters.settle('login', key, slotOf(await counters.reserve('login', key, at, POLICY)), 'failure', POLICY);
  }

  it('grants maxFailures slots per window, then refuses until the lock that the last slot started ends', async () => {
    const slots: AttemptSlot[] = [];
    for (let i = 0; i < 5; i++) slots.push(slotOf(await counters.reserve('login', 'k', later(i), POLICY)));
    expect(slots.map((slot) => slot.lockedUntil)).toEqual([null, null, null, null, later(4 + 900)]);
    expect(slots.every((slot) => slot.windowStartedAt.getTime() === NOW.getTime())).toBe(true);

    await expect(counters.reserve('login', 'k', later(10), POLICY)).resolves.toEqual({ granted: false, lockedUntil: later(904) });
    await expect(counters.lockedUntil('login', 'k', later(10), POLICY)).resolves.toEqual(later(904));
  });

  it('grants exactly maxFailures of 40 concurrent reservations, spread over two instances', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? storage.first : storage.second).reserve('login', 'burst', NOW, POLICY)),
    );
    expect(results.filter((result) => result.granted)).toHaveLength(5);
    // The five slots are five different ones: each saw a different number of attempts before it.
    const lastSlots = results.filter((result) => result.granted && result.slot.lockedUntil !== null);
    expect(lastSlots).toHaveLength(1);
    expect(results.filter((result) => !result.granted)).toEqual(Array(35).fill({ granted: false, lockedUntil: later(900) }));
  });

  it('counts a slot as a failure from the moment it is taken', async () => {
    for (let i = 0; i < 5; i++) slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    // None settled yet: still no slot left.
    await expect(counters.reserve('login', 'k', NOW, POLICY)).resolves.toMatchObject({ granted: false });
  });

  it('lets a success clear its own slot and the failures settled before it, never those still pending', async () => {
    await fail(2);
    const pending = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    const success = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    expect(success.settledFailures).toBe(2);
    await counters.settle('login', 'k', success, 'success', POLICY);
    // Left counted: the pending one. So four slots are free, not five.
    for (let i = 0; i < 4; i++) slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    await expect(counters.reserve('login', 'k', NOW, POLICY)).resolves.toMatchObject({ granted: false });
    await counters.settle('login', 'k', pending, 'failure', POLICY);
    await expect(counters.reserve('login', 'k', NOW, POLICY)).resolves.toMatchObject({ granted: false });
  });

  it('keeps failures that settled after a success took its slot', async () => {
    const failing = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    const success = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    await counters.settle('login', 'k', failing, 'failure', POLICY);
    await counters.settle('login', 'k', success, 'success', POLICY);
    for (let i = 0; i < 4; i++) slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    await expect(counters.reserve('login', 'k', NOW, POLICY)).resolves.toMatchObject({ granted: false });
  });

  it('never lets concurrent successes clear more than was settled, nor the attempts still pending', async () => {
    await fail(1);
    slotOf(await counters.reserve('login', 'k', NOW, POLICY)); // still being checked
    const first = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    const second = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    await Promise.all([counters.settle('login', 'k', first, 'success', POLICY), storage.second.settle('login', 'k', second, 'success', POLICY)]);
    // Both saw the one settled failure; together they clear it and themselves, and the pending slot stays.
    for (let i = 0; i < 4; i++) slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    await expect(counters.reserve('login', 'k', NOW, POLICY)).resolves.toMatchObject({ granted: false });
  });

  it('lifts the lock when the slot that started it succeeds', async () => {
    await fail(4);
    const last = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    expect(last.lockedUntil).toEqual(later(900));
    await counters.settle('login', 'k', last, 'success', POLICY);
    await expect(counters.lockedUntil('login', 'k', NOW, POLICY)).resolves.toBeNull();
    expect(slotOf(await counters.reserve('login', 'k', NOW, POLICY)).lockedUntil).toBeNull();
  });

  it('starts a new window once the lock has ended, where a slot of the old window settles nothing', async () => {
    const old = slotOf(await counters.reserve('login', 'k', NOW, POLICY));
    await fail(4);
    await expect(counters.reserve('login', 'k', later(899), POLICY)).resolves.toMatchObject({ granted: false });
    await expect(counters.lockedUntil('login', 'k', later(900), POLICY)).resolves.toBeNull();

    const fresh = slotOf(await counters.reserve('login', 'k', later(900), POLICY));
    expect(fresh).toEqual({ windowStartedAt: later(900), settledFailures: 0, lockedUntil: null });
    await counters.settle('login', 'k', old, 'success', POLICY);
    await counters.settle('login', 'k', old, 'failure', POLICY);
    // The new window still has its own four slots left, no more, no fewer.
    for (let i = 0; i < 4; i++) slotOf(await counters.reserve('login', 'k', later(901), POLICY));
    await expect(counters.reserve('login', 'k', later(901), POLICY)).resolves.toEqual({ granted: false, lockedUntil: later(1801) });
  });

  it('keeps kinds and keys apart', async () => {
    await fail(5, 'k');
    await expect(counters.lockedUntil('login', 'k', NOW, POLICY)).resolves.not.toBeNull();
    await expect(counters.lockedUntil('client', 'k', NOW, POLICY)).resolves.toBeNull();
    await expect(counters.lockedUntil('login', 'other', NOW, POLICY)).resolves.toBeNull();
    expect(slotOf(await counters.reserve('client', 'k', NOW, POLICY)).settledFailures).toBe(0);
  });

  it('locks at the first attempt when maxFailures is 1', async () => {
    const policy = { ...POLICY, maxFailures: 1 };
    expect(slotOf(await counters.reserve('client', 'k', NOW, policy)).lockedUntil).toEqual(later(900));
    await expect(counters.reserve('client', 'k', NOW, policy)).resolves.toEqual({ granted: false, lockedUntil: later(900) });
  });

  it('deletes, in batches, only the keys whose window and lock have passed', async () => {
    await fail(1, 'early', NOW);
    await fail(1, 'also early', NOW);
    await fail(5, 'locked', later(100));
    await fail(1, 'late', later(500));
    await counters.settle('client', 'c', slotOf(await counters.reserve('client', 'c', NOW, POLICY)), 'failure', POLICY);

    expect(await counters.deleteExpired('login', later(950), 1)).toBe(1);
    expect(await counters.deleteExpired('login', later(950), 10)).toBe(1);
    expect(await counters.deleteExpired('login', later(950), 10)).toBe(0);
    await expect(counters.lockedUntil('login', 'locked', later(950), POLICY)).resolves.toEqual(later(1000));
    expect(slotOf(await counters.reserve('login', 'late', later(950), POLICY)).settledFailures).toBe(1);
    // The other kind's rows are not touched.
    expect(await counters.deleteExpired('client', later(950), 10)).toBe(1);
  });
});
