import { availableParallelism } from 'node:os';
import { OAuthError } from '../errors/oauth.error';
import type { OAuthEvent } from '../events/oauth-events';
import { defaultHashConcurrency, HashLimiter } from './hash-limiter';

/** A hash that runs until the test ends it, and records that it started. */
class HeldHash {
  started = false;
  private finish!: (value: string) => void;
  private fail!: (error: Error) => void;
  readonly result: Promise<string>;

  constructor(
    private readonly limiter: HashLimiter,
    private readonly name: string,
  ) {
    this.result = limiter.run(
      () =>
        new Promise<string>((resolve, reject) => {
          this.started = true;
          this.finish = resolve;
          this.fail = reject;
        }),
    );
    // Observed by the tests through `settled()`; keeps an expected rejection from being reported as unhandled.
    this.result.catch(() => undefined);
  }

  end(): Promise<string> {
    this.finish(this.name);
    return this.result;
  }

  crash(): void {
    this.fail(new Error(`${this.name} failed`));
  }
}

/** Lets p-limit's microtasks run, so that a freed slot has been handed on. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

const expectBusy = async (result: Promise<unknown>) => {
  await expect(result).rejects.toBeInstanceOf(OAuthError);
  await expect(result).rejects.toMatchObject({ error: 'temporarily_unavailable', status: 503, retryAfterSeconds: 1 });
};

describe('HashLimiter', () => {
  it('runs at most `concurrency` hashes at once and starts the next when one ends', async () => {
    const limiter = new HashLimiter({ concurrency: 2, queueMax: 10, queueTimeoutMs: 0 });
    const hashes = ['a', 'b', 'c', 'd'].map((name) => new HeldHash(limiter, name));
    await settle();
    expect(hashes.map((hash) => hash.started)).toEqual([true, true, false, false]);

    await expect(hashes[1].end()).resolves.toBe('b');
    await settle();
    expect(hashes.map((hash) => hash.started)).toEqual([true, true, true, false]);

    await Promise.all([hashes[0].end(), hashes[2].end()]);
    await settle();
    await expect(hashes[3].end()).resolves.toBe('d');
  });

  it('refuses at once, with 503 temporarily_unavailable and Retry-After, a hash beyond `queueMax` waiting ones; it never runs', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 2, queueTimeoutMs: 0 });
    const admitted = ['running', 'waiting 1', 'waiting 2'].map((name) => new HeldHash(limiter, name));
    const refused = new HeldHash(limiter, 'refused');

    await expectBusy(refused.result);
    for (const hash of admitted) await hash.end();
    await settle();
    expect(refused.started).toBe(false);
  });

  it('admits again as soon as the queue has room', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 0, queueTimeoutMs: 0 });
    const first = new HeldHash(limiter, 'first');
    await expectBusy(new HeldHash(limiter, 'refused').result);
    await first.end();
    const next = new HeldHash(limiter, 'next');
    await settle();
    expect(next.started).toBe(true);
    await next.end();
  });

  it('refuses a hash still waiting when its deadline passes; it never runs, and its place goes to the next one', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 5, queueTimeoutMs: 20 });
    const running = new HeldHash(limiter, 'running');
    const expired = new HeldHash(limiter, 'expired');

    // The slot stays taken until the test frees it, so the deadline passes first however slow the machine is.
    await expectBusy(expired.result);
    await running.end();
    await settle();
    expect(expired.started).toBe(false);

    const later = new HeldHash(limiter, 'later');
    await settle();
    expect(later.started).toBe(true);
    await expect(later.end()).resolves.toBe('later');
  });

  it('puts no deadline on a hash that has started, however long it runs', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 0, queueTimeoutMs: 20 });
    const slow = new HeldHash(limiter, 'slow');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(slow.end()).resolves.toBe('slow');
  });

  it('hands a failing hash its own error and frees its slot', async () => {
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 1, queueTimeoutMs: 0 });
    const failing = new HeldHash(limiter, 'failing');
    const next = new HeldHash(limiter, 'next');
    await settle();
    failing.crash();
    await expect(failing.result).rejects.toThrow('failing failed');
    await settle();
    expect(next.started).toBe(true);
    await next.end();
  });
});

describe('defaultHashConcurrency', () => {
  const original = process.env.UV_THREADPOOL_SIZE;
  afterEach(() => {
    if (original === undefined) delete process.env.UV_THREADPOOL_SIZE;
    else process.env.UV_THREADPOOL_SIZE = original;
  });

  it("is half of libuv's pool, 4 threads unless UV_THREADPOOL_SIZE says otherwise, and at most one per core", () => {
    delete process.env.UV_THREADPOOL_SIZE;
    expect(defaultHashConcurrency()).toBe(Math.min(availableParallelism(), 2));
    process.env.UV_THREADPOOL_SIZE = '64';
    expect(defaultHashConcurrency()).toBe(Math.min(availableParallelism(), 32));
    process.env.UV_THREADPOOL_SIZE = '1';
    expect(defaultHashConcurrency()).toBe(1);
    process.env.UV_THREADPOOL_SIZE = 'lots';
    expect(defaultHashConcurrency()).toBe(Math.min(availableParallelism(), 2));
  });
});

describe('HashLimiter: what it reports', () => {
  it('counts the hashes running and waiting, and reports each refusal with its reason', async () => {
    const events: OAuthEvent[] = [];
    const limiter = new HashLimiter({ concurrency: 1, queueMax: 1, queueTimeoutMs: 20 }, { emit: (event) => events.push(event) });
    const running = new HeldHash(limiter, 'running');
    const waiting = new HeldHash(limiter, 'waiting');
    await settle();
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 1, waiting: 1 });

    await expectBusy(new HeldHash(limiter, 'refused').result);
    await expectBusy(waiting.result);
    expect(events).toEqual([
      { type: 'hash.rejected', reason: 'queue_full' },
      { type: 'hash.rejected', reason: 'deadline' },
    ]);
    await running.end();
    await settle();
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 0, waiting: 0 });
  });
});
