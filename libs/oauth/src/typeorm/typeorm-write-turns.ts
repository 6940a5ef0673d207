import type { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';

/**
 * Makes the host's writes on its own sqlite DataSource and the storage's group commits (on the storage's own
 * connection to the same file) take turns, instead of meeting inside sqlite.
 *
 * sqlite lets one connection write at a time, and a connection that finds the file locked waits in sqlite's busy
 * handler, polling. Left to that, a host write loses: the storage takes the lock again a moment after each
 * commit, so under load the host's polls keep finding it taken until its busy timeout runs out; the wait also
 * holds a thread of libuv's pool and the host connection's mutex, so the host's other queries pile up on the
 * pool's remaining threads, and with the pool full the storage cannot finish the commit the host waits for. And
 * a host transaction that has read before the storage commits can no longer write at all (SQLITE_BUSY_SNAPSHOT).
 *
 * So the host waits in JavaScript instead, through TypeORM's own events: a host transaction (its outermost
 * start) or a write outside one waits for the group being committed, and the next group waits until the host's
 * transactions and writes in flight are over. Whoever came first goes first; the host's reads never wait. The
 * subscriber is pushed onto the host DataSource's `subscribers`, as Nest's documentation does for subscribers,
 * and removed at shutdown.
 */
export class SqliteWriteTurns {
  /** Host transactions and writes admitted and not yet over. */
  private hostActive = 0;
  private groupActive = false;
  private groupWaiting: (() => void) | null = null;
  private readonly hostWaiting: (() => void)[] = [];
  /** Host query runners inside an admitted transaction: their statements are part of it. */
  private readonly admitted = new WeakSet<QueryRunner>();
  /** Host writes outside a transaction that were admitted, until their `afterQuery`. */
  private readonly writesInFlight = new Map<unknown, number>();
  readonly subscriber: EntitySubscriberInterface;

  constructor(
    /**
     * The longest a group waits for the host before it goes ahead anyway (and sqlite's busy timeout applies):
     * a host transaction that outlasts it, or one that calls the storage from inside, must not stop the storage.
     */
    private readonly maxGroupWaitMs: number,
  ) {
    this.subscriber = {
      beforeTransactionStart: ({ queryRunner }) => {
        if (this.admitted.has(queryRunner)) return;
        return this.afterHostEnters(() => this.admitted.add(queryRunner));
      },
      afterTransactionCommit: ({ queryRunner }) => this.transactionOver(queryRunner),
      afterTransactionRollback: ({ queryRunner }) => this.transactionOver(queryRunner),
      beforeQuery: ({ queryRunner, query, parameters }) => {
        if (this.admitted.has(queryRunner) || isRead(query)) return;
        // TypeORM hands `afterQuery` the same parameters array, which pairs the two; SQL text when there is none.
        const key = parameters ?? query;
        return this.afterHostEnters(() => this.writesInFlight.set(key, (this.writesInFlight.get(key) ?? 0) + 1));
      },
      afterQuery: ({ query, parameters }) => {
        const key = parameters ?? query;
        const inFlight = this.writesInFlight.get(key);
        if (!inFlight) return;
        if (inFlight === 1) this.writesInFlight.delete(key);
        else this.writesInFlight.set(key, inFlight - 1);
        this.hostLeave();
      },
    };
  }

  /** Subscribes to `host`'s transactions and queries. */
  attach(host: DataSource): void {
    host.subscribers.push(this.subscriber);
  }

  detach(host: DataSource): void {
    const index = host.subscribers.indexOf(this.subscriber);
    if (index >= 0) host.subscribers.splice(index, 1);
  }

  /**
   * Takes the storage's turn to commit a group: at once when the host has no write in flight (nothing to await),
   * else once its writes in flight are over. Call `groupDone()` after the group's COMMIT or ROLLBACK.
   */
  groupTurn(): Promise<void> | void {
    if (this.hostActive === 0) {
      this.groupActive = true;
      return;
    }
    return this.waitForHost();
  }

  groupDone(): void {
    this.groupActive = false;
    const waiting = this.hostWaiting.splice(0);
    this.hostActive += waiting.length;
    for (const admit of waiting) admit();
  }

  private async waitForHost(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const admitted = await Promise.race([
      new Promise<boolean>((resolve) => (this.groupWaiting = () => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), this.maxGroupWaitMs))),
    ]);
    clearTimeout(timer);
    if (admitted) return;
    // The host's turn outlasted the wait (or a turn was never handed back): go ahead, and count afresh.
    this.groupWaiting = null;
    this.hostActive = 0;
    this.groupActive = true;
  }

  /** Runs `admitted` once the host may write: at once, or when the group being committed (or waiting) is done. */
  private afterHostEnters(admitted: () => void): Promise<void> | void {
    if (!this.groupActive && !this.groupWaiting) {
      this.hostActive++;
      admitted();
      return;
    }
    return new Promise<void>((resolve) =>
      this.hostWaiting.push(() => {
        admitted();
        resolve();
      }),
    );
  }

  private hostLeave(): void {
    this.hostActive = Math.max(0, this.hostActive - 1);
    if (this.hostActive === 0 && this.groupWaiting) {
      const admit = this.groupWaiting;
      this.groupWaiting = null;
      this.groupActive = true;
      admit();
    }
  }

  private transactionOver(queryRunner: QueryRunner): void {
    // A nested transaction's end (a savepoint released or rolled back) leaves the outer one running.
    if (queryRunner.isTransactionActive || !this.admitted.has(queryRunner)) return;
    this.admitted.delete(queryRunner);
    this.hostLeave();
  }
}

/** A statement that only reads, which sqlite (in WAL mode) runs beside a writer without waiting. */
function isRead(query: string): boolean {
  return /^\s*(SELECT|EXPLAIN)\b/i.test(query);
}
