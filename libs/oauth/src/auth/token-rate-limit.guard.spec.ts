import { rateLimitKey, TokenRateLimitCounter } from './token-rate-limit.guard';

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

describe('TokenRateLimitCounter', () => {
  const start = 1_700_000_000_000;

  it('lets `limit` requests through in a minute, then makes the address wait a minute', () => {
    const counter = new TokenRateLimitCounter();
    for (let i = 0; i < 3; i++) expect(counter.hit('10.0.0.1', 3, start + i)).toBeNull();
    expect(counter.hit('10.0.0.1', 3, start + 10)).toBe(60);
    // Still blocked later in the window, and after it, until the minute's wait is over.
    expect(counter.hit('10.0.0.1', 3, start + 30_010)).toBe(30);
    expect(counter.hit('10.0.0.1', 3, start + 60_005)).toBeCloseTo(0.005);
    expect(counter.hit('10.0.0.1', 3, start + 60_010)).toBeNull();
  });

  it('counts each address on its own', () => {
    const counter = new TokenRateLimitCounter();
    expect(counter.hit('10.0.0.1', 1, start)).toBeNull();
    expect(counter.hit('10.0.0.2', 1, start)).toBeNull();
    expect(counter.hit('10.0.0.1', 1, start)).toBe(60);
  });

  it('starts a fresh window once the minute has passed', () => {
    const counter = new TokenRateLimitCounter();
    expect(counter.hit('10.0.0.1', 2, start)).toBeNull();
    expect(counter.hit('10.0.0.1', 2, start + 1)).toBeNull();
    expect(counter.hit('10.0.0.1', 2, start + 60_000)).toBeNull();
    expect(counter.hit('10.0.0.1', 2, start + 60_001)).toBeNull();
    expect(counter.hit('10.0.0.1', 2, start + 60_002)).toBe(60);
  });
});
