import { createHash } from 'node:crypto';
import { digestToken, generateOpaqueToken } from './opaque-token';

describe('generateOpaqueToken (RFC 6749 §10.10)', () => {
  it('is 256 random bits as 43 characters of unpadded base64url', () => {
    const token = generateOpaqueToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
  });

  it('never repeats a value', () => {
    const tokens = Array.from({ length: 1000 }, () => generateOpaqueToken());
    expect(new Set(tokens).size).toBe(tokens.length);
  });
});

describe('digestToken', () => {
  it('is the hex SHA-256 of the token', () => {
    const token = generateOpaqueToken();
    const digest = digestToken(token);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).toBe(createHash('sha256').update(token).digest('hex'));
  });

  it('is deterministic, and different tokens give different digests', () => {
    const token = generateOpaqueToken();
    expect(digestToken(token)).toBe(digestToken(token));
    expect(digestToken(token)).not.toBe(digestToken(generateOpaqueToken()));
    expect(digestToken(token)).not.toContain(token);
  });
});
