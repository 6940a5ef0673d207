import { rateLimitKey } from './token-rate-limit.guard';

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
