import { resolveOAuthOptions } from '../oauth-options';
import { rateLimitKey, TokenRateLimitCounter, type RateLimitStorage } from './token-rate-limit.guard';

describe('rateLimitKey', () => {
  it('keys an IPv4 client by its address, also when it arrives IPv4-mapped', () => {
    expect(rateLimitKey('192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(rateLimitKey('192.0.2.8')).not.toBe(rateLimitKey('192.0.2.7'));
  });

  it('keys an IPv6 client by its /64, however the address is written', () => {
    const key = rateLimitKey('2001:db8:1:2::1');
    expect(key).toBe('2001:db8:1:2::/64');
    expect(rateLimitKey('2001:DB8:1:2:ffff:ffff:ffff:ffff')).toBe(key);
    expect(rateLimitKey('2001:0db8:0001:0002:0000:0000:0000:0009')).toBe(key);
    expect(rateLimitKey('fe80::1%eth0')).toBe('fe80::/64');
    expect(rateLimitKey('2001:db8:1:3::1')).not.toBe(key);
  });

  it('puts requests without a readable address under one key', () => {
    expect(rateLimitKey(undefined)).toBe('unknown');
    expect(rateLimitKey('not an address')).toBe('unknown');
  });
});

describe('TokenRateLimitCounter in memory', () => {
  const start = 1_700_000_000_000;

  it('lets `limit` requests through in a minute, then makes the address wait a minute', () => {
    const counter = new TokenRateLimitCounter(resolveOAuthOptions());
    for (let i = 0; i < 3; i++) expect(counter.hitInMemory('10.0.0.1', 3, start + i)).toBeNull();
    expect(counter.hitInMemory('10.0.0.1', 3, start + 10)).toBe(60);
    // Still blocked later in the window, and after it, until the minute's wait is over.
    expect(counter.hitInMemory('10.0.0.1', 3, start + 30_010)).toBe(30);
    expect(counter.hitInMemory('10.0.0.1', 3, start + 60_005)).toBeCloseTo(0.005);
    expect(counter.hitInMemory('10.0.0.1', 3, start + 60_010)).toBeNull();
  });

  it('counts each address on its own', () => {
    const counter = new TokenRateLimitCounter(resolveOAuthOptions());
    expect(counter.hitInMemory('10.0.0.1', 1, start)).toBeNull();
    expect(counter.hitInMemory('10.0.0.2', 1, start)).toBeNull();
    expect(counter.hitInMemory('10.0.0.1', 1, start)).toBe(60);
  });

  it('starts a fresh window once the minute has passed', () => {
    const counter = new TokenRateLimitCounter(resolveOAuthOptions());
    expect(counter.hitInMemory('10.0.0.1', 2, start)).toBeNull();
    expect(counter.hitInMemory('10.0.0.1', 2, start + 1)).toBeNull();
    expect(counter.hitInMemory('10.0.0.1', 2, start + 60_000)).toBeNull();
    expect(counter.hitInMemory('10.0.0.1', 2, start + 60_001)).toBeNull();
    expect(counter.hitInMemory('10.0.0.1', 2, start + 60_002)).toBe(60);
  });
});

describe('TokenRateLimitCounter with a shared storage', () => {
  /** A ThrottlerStorage-shaped store that can be made to fail. */
  function storage() {
    const hits = new Map<string, number>();
    const store = {
      failing: false,
      calls: [] as unknown[][],
      async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
        store.calls.push([key, ttl, limit, blockDuration, throttlerName]);
        if (store.failing) throw new Error('connection refused');
        const total = (hits.get(key) ?? 0) + 1;
        hits.set(key, total);
        return { totalHits: total, timeToExpire: 60, isBlocked: total > limit, timeToBlockExpire: total > limit ? 42 : 0 };
      },
    };
    return store satisfies RateLimitStorage;
  }

  it('counts in the storage, one-minute windows and waits, and answers its wait', async () => {
    const shared = storage();
    const counter = new TokenRateLimitCounter(resolveOAuthOptions({ rateLimitStorage: shared }));
    expect(counter.mode).toBe('shared');
    await expect(counter.hit('10.0.0.1', 2)).resolves.toBeNull();
    await expect(counter.hit('10.0.0.1', 2)).resolves.toBeNull();
    await expect(counter.hit('10.0.0.1', 2)).resolves.toBe(42);
    expect(shared.calls[0]).toEqual(['10.0.0.1', 60_000, 2, 60_000, 'oauth']);
  });

  it('counts in memory while the storage fails, says so, and goes back to it once it answers', async () => {
    const shared = storage();
    const counter = new TokenRateLimitCounter(resolveOAuthOptions({ rateLimitStorage: shared }));
    shared.failing = true;
    await expect(counter.hit('10.0.0.1', 1)).resolves.toBeNull();
    expect(counter.mode).toBe('local-fallback');
    // The memory count still limits: this instance allows `limit`, as it would alone.
    await expect(counter.hit('10.0.0.1', 1)).resolves.toBe(60);
    shared.failing = false;
    await expect(counter.hit('10.0.0.2', 1)).resolves.toBeNull();
    expect(counter.mode).toBe('shared');
  });
});
