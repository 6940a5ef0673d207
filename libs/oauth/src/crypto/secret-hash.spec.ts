import { randomBytes, scryptSync } from 'node:crypto';
import { constantTimeEqual, hashRandomSecret, hashSecret, verifySecret } from './secret-hash';

/** A low scrypt cost keeps the suite fast; the format and the checks are the same at any cost. */
const FAST = { cost: 10 };

describe('hashSecret / verifySecret (scrypt)', () => {
  it('verifies the secret it hashed', async () => {
    const stored = await hashSecret('correct horse battery staple', FAST);
    await expect(verifySecret('correct horse battery staple', stored)).resolves.toBe(true);
  });

  it('refuses a different secret', async () => {
    const stored = await hashSecret('correct horse battery staple', FAST);
    await expect(verifySecret('correct horse battery stapl', stored)).resolves.toBe(false);
    await expect(verifySecret('Correct horse battery staple', stored)).resolves.toBe(false);
    await expect(verifySecret('', stored)).resolves.toBe(false);
  });

  it('never stores the secret itself, and records its own parameters', async () => {
    const stored = await hashSecret('s3cret-value', FAST);
    expect(stored).not.toContain('s3cret-value');
    const [scheme, cost, r, p, salt, hash] = stored.split('$');
    expect([scheme, cost, r, p]).toEqual(['scrypt', '10', '8', '3']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32);
  });

  it('salts every hash: one secret hashed twice gives two different hashes that both verify', async () => {
    const [first, second] = await Promise.all([hashSecret('same secret', FAST), hashSecret('same secret', FAST)]);
    expect(first).not.toBe(second);
    expect(first.split('$')[4]).not.toBe(second.split('$')[4]);
    await expect(verifySecret('same secret', first)).resolves.toBe(true);
    await expect(verifySecret('same secret', second)).resolves.toBe(true);
  });

  it('verifies with the cost written in the hash, not the default, so the cost can be raised later', async () => {
    const cheap = await hashSecret('secret', { cost: 4 });
    const dearer = await hashSecret('secret', { cost: 11 });
    await expect(verifySecret('secret', cheap)).resolves.toBe(true);
    await expect(verifySecret('secret', dearer)).resolves.toBe(true);
  });

  it("defaults to OWASP's N = 2^15, r = 8, p = 3 (32 MiB)", async () => {
    const stored = await hashSecret('secret');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '15', '8', '3']);
    await expect(verifySecret('secret', stored)).resolves.toBe(true);
  });

  it('hashes with the parallelism asked for, and verifies with the one written in the hash', async () => {
    const stored = await hashSecret('secret', { cost: 10, parallelism: 5 });
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '10', '8', '5']);
    await expect(verifySecret('secret', stored)).resolves.toBe(true);
    await expect(verifySecret('secreT', stored)).resolves.toBe(false);
  });

  it('still verifies hashes written with p = 1, the format before p = 3 became the default', async () => {
    // Made with node:crypto directly, as the earlier hashSecret did (there at cost 17; 10 here for speed).
    const salt = randomBytes(16);
    const hash = scryptSync('old password', salt, 32, { N: 2 ** 10, r: 8, p: 1 });
    const stored = ['scrypt', 10, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
    await expect(verifySecret('old password', stored)).resolves.toBe(true);
    await expect(verifySecret('old passworD', stored)).resolves.toBe(false);
    // p is read from the hash: the same bytes claiming p = 3 no longer match.
    await expect(verifySecret('old password', stored.replace('scrypt$10$8$1$', 'scrypt$10$8$3$'))).resolves.toBe(false);
  });

  it('treats canonically equivalent Unicode spellings as the same secret (NFC)', async () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    const stored = await hashSecret(composed, FAST);
    await expect(verifySecret(decomposed, stored)).resolves.toBe(true);
  });

  it('refuses a hash whose bytes were altered', async () => {
    const stored = await hashSecret('secret', FAST);
    const parts = stored.split('$');
    const hash = Buffer.from(parts[5], 'base64url');
    hash[0] ^= 0x01;
    parts[5] = hash.toString('base64url');
    await expect(verifySecret('secret', parts.join('$'))).resolves.toBe(false);
  });

  it('refuses a hash whose salt was altered', async () => {
    const stored = await hashSecret('secret', FAST);
    const parts = stored.split('$');
    const salt = Buffer.from(parts[4], 'base64url');
    salt[0] ^= 0x01;
    parts[4] = salt.toString('base64url');
    await expect(verifySecret('secret', parts.join('$'))).resolves.toBe(false);
  });

  it('answers false, without throwing, for stored values that are not a known hash format', async () => {
    const stored = await hashSecret('secret', FAST);
    const malformed = [
      '',
      'secret',
      'not-a-hash',
      'bcrypt$10$abc',
      `${stored}$extra`,
      stored.split('$').slice(0, 5).join('$'),
      stored.replace(/^scrypt/, 'SCRYPT'),
      'sha256$',
      'sha256',
      `${hashRandomSecret('secret')}$`,
    ];
    for (const value of malformed) {
      await expect(verifySecret('secret', value)).resolves.toBe(false);
    }
  });
});

describe('verifySecret on damaged stored hashes', () => {
  it('refuses every secret when the hash field is empty or not base64url', async () => {
    const [scheme, cost, r, p, salt] = (await hashSecret('s', { cost: 10 })).split('$');
    for (const hash of ['', '!!!', '*', 'A']) {
      await expect(verifySecret('anything-at-all', [scheme, cost, r, p, salt, hash].join('$'))).resolves.toBe(false);
    }
  });

  it('answers false instead of throwing for parameters scrypt would refuse', async () => {
    const [scheme, cost, r, p, salt, hash] = (await hashSecret('s', { cost: 10 })).split('$');
    const damaged = [
      [scheme, 'abc', r, p, salt, hash],
      [scheme, '0', r, p, salt, hash],
      [scheme, '60', r, p, salt, hash],
      [scheme, '10.5', r, p, salt, hash],
      [scheme, cost, '-1', p, salt, hash],
      [scheme, cost, r, '0', salt, hash],
      [scheme, cost, r, '17', salt, hash],
      [scheme, cost, r, p, '', hash],
    ];
    for (const parts of damaged) await expect(verifySecret('s', parts.join('$'))).resolves.toBe(false);
  });
});

describe('hashRandomSecret (generated client secrets)', () => {
  it('verifies the secret it hashed and refuses any other', async () => {
    const stored = hashRandomSecret('Zm9vYmFyYmF6cXV4');
    expect(stored).toMatch(/^sha256\$[A-Za-z0-9_-]{43}$/);
    await expect(verifySecret('Zm9vYmFyYmF6cXV4', stored)).resolves.toBe(true);
    await expect(verifySecret('Zm9vYmFyYmF6cXV5', stored)).resolves.toBe(false);
  });

  it('is deterministic (no salt is needed for a random secret)', () => {
    expect(hashRandomSecret('a')).toBe(hashRandomSecret('a'));
    expect(hashRandomSecret('a')).not.toBe(hashRandomSecret('b'));
  });

  it('does not verify against a scrypt hash of another secret, nor the reverse', async () => {
    const scrypt = await hashSecret('one', FAST);
    await expect(verifySecret('two', scrypt)).resolves.toBe(false);
    await expect(verifySecret('two', hashRandomSecret('one'))).resolves.toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('compares contents, and treats a length mismatch as unequal instead of throwing', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(constantTimeEqual(Buffer.alloc(0), Buffer.from('a'))).toBe(false);
  });
});
