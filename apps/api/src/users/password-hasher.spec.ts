import { randomBytes, scryptSync } from 'node:crypto';
import { HashLimiter, hashSecret, OAuthError, verifySecret } from '@nest-oauth/server';
import { compare as bcryptCompare, hashSync } from 'bcryptjs';
import { PasswordHasher } from './password-hasher';

// The real functions, behind mocks a test can wrap to see when each call starts and ends.
jest.mock('@nest-oauth/server', () => {
  const actual = jest.requireActual('@nest-oauth/server');
  return { ...actual, hashSecret: jest.fn(actual.hashSecret), verifySecret: jest.fn(actual.verifySecret) };
});
jest.mock('bcryptjs', () => {
  const actual = jest.requireActual('bcryptjs');
  return { ...actual, compare: jest.fn(actual.compare) };
});

const actual = {
  hashSecret: jest.requireActual<typeof import('@nest-oauth/server')>('@nest-oauth/server').hashSecret,
  verifySecret: jest.requireActual<typeof import('@nest-oauth/server')>('@nest-oauth/server').verifySecret,
  bcryptCompare: jest.requireActual<typeof import('bcryptjs')>('bcryptjs').compare,
};

/** Makes each underlying hash function log `<name> start` and `<name> end` around its real work. */
function observeHashing(): string[] {
  const events: string[] = [];
  const logged =
    <A extends unknown[], R>(name: string, fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      events.push(`${name} start`);
      try {
        return await fn(...args);
      } finally {
        events.push(`${name} end`);
      }
    };
  jest.mocked(hashSecret).mockImplementation(logged('hashSecret', actual.hashSecret));
  jest.mocked(verifySecret).mockImplementation(logged('verifySecret', actual.verifySecret));
  jest.mocked(bcryptCompare as (password: string, hash: string) => Promise<boolean>).mockImplementation(logged('bcrypt', actual.bcryptCompare));
  return events;
}

/** The OAuth module's limiter as the app configures it, with room for every test's hashes to wait. */
function limiter(concurrency: number): HashLimiter {
  return new HashLimiter({ concurrency, queueMax: 16, queueTimeoutMs: 0 });
}

/** The format hashes had before p = 3, made with node:crypto directly; cost 10 rather than 17 for speed. */
function oldFormatHash(password: string, cost = 10): string {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, 32, { N: 2 ** cost, r: 8, p: 1 });
  return ['scrypt', cost, 8, 1, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

afterEach(() => {
  jest.mocked(hashSecret).mockImplementation(actual.hashSecret);
  jest.mocked(verifySecret).mockImplementation(actual.verifySecret);
  jest.mocked(bcryptCompare as (password: string, hash: string) => Promise<boolean>).mockImplementation(actual.bcryptCompare);
});

describe('PasswordHasher: scrypt parameters', () => {
  const hasher = new PasswordHasher({ passwordHashCost: 10 }, limiter(4));

  it('writes scrypt at the configured cost with r = 8, p = 3', async () => {
    const stored = await hasher.hash('correct horse');
    expect(stored.split('$').slice(0, 4)).toEqual(['scrypt', '10', '8', '3']);
    expect(await hasher.verify('correct horse', stored)).toBe(true);
    expect(hasher.needsRehash(stored)).toBe(false);
  });

  it('verifies a hash in the old p = 1 format', async () => {
    const stored = oldFormatHash('correct horse');
    expect(await hasher.verify('correct horse', stored)).toBe(true);
    expect(await hasher.verify('correct horsE', stored)).toBe(false);
  });

  it('wants a scrypt hash replaced only when its N × p is below the configured 2^cost × 3', () => {
    const at15 = new PasswordHasher({ passwordHashCost: 15 }, limiter(1));
    const stored = (cost: number, p: number) => `scrypt$${cost}$8$${p}$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g`;
    // The default before p = 3: 2^17 × 1 is more work than 2^15 × 3, so those users' hashes are left alone.
    expect(at15.needsRehash(stored(17, 1))).toBe(false);
    expect(at15.needsRehash(stored(15, 3))).toBe(false);
    expect(at15.needsRehash(stored(16, 2))).toBe(false);
    expect(at15.needsRehash(stored(13, 16))).toBe(false);
    expect(at15.needsRehash(stored(16, 1))).toBe(true);
    expect(at15.needsRehash(stored(15, 1))).toBe(true);
    expect(at15.needsRehash(stored(14, 5))).toBe(true);
    expect(at15.needsRehash(stored(14, 3))).toBe(true);
    expect(at15.needsRehash('scrypt$x$8$3$salt$hash')).toBe(true);
    expect(at15.needsRehash('scrypt$15$8')).toBe(true);
  });

  it('still wants every bcrypt hash replaced', () => {
    expect(hasher.needsRehash(hashSync('pw', 4))).toBe(true);
  });
});

describe('PasswordHasher: concurrent hashes', () => {
  it('with a concurrency of 1, runs two verifications started together one after the other', async () => {
    const hasher = new PasswordHasher({ passwordHashCost: 10 }, limiter(1));
    const stored = await hasher.hash('pw');
    const events = observeHashing();

    await expect(Promise.all([hasher.verify('pw', stored), hasher.verify('nope', stored)])).resolves.toEqual([true, false]);

    expect(events).toEqual(['verifySecret start', 'verifySecret end', 'verifySecret start', 'verifySecret end']);
  });

  it('puts hashing and both verification paths, scrypt and bcrypt, under the same limit', async () => {
    const hasher = new PasswordHasher({ passwordHashCost: 10 }, limiter(1));
    const scrypt = await hasher.hash('pw');
    const bcrypt = hashSync('pw', 4);
    const events = observeHashing();

    await Promise.all([hasher.verify('pw', bcrypt), hasher.hash('other'), hasher.verify('pw', scrypt), hasher.verify('pw', bcrypt)]);

    expect(events).toEqual([
      'bcrypt start',
      'bcrypt end',
      'hashSecret start',
      'hashSecret end',
      'verifySecret start',
      'verifySecret end',
      'bcrypt start',
      'bcrypt end',
    ]);
  });

  it('runs as many at once as configured', async () => {
    const hasher = new PasswordHasher({ passwordHashCost: 10 }, limiter(2));
    const stored = await hasher.hash('pw');
    const events = observeHashing();

    await Promise.all([hasher.verify('pw', stored), hasher.verify('pw', stored), hasher.verify('pw', stored)]);

    expect(events.slice(0, 2)).toEqual(['verifySecret start', 'verifySecret start']);
    expect(events.filter((event) => event === 'verifySecret start')).toHaveLength(3);
  });

  it('frees the slot of a verification that failed', async () => {
    const hasher = new PasswordHasher({ passwordHashCost: 10 }, limiter(1));
    const stored = await hasher.hash('pw');
    jest.mocked(verifySecret).mockRejectedValueOnce(new Error('scrypt failed'));

    await expect(hasher.verify('pw', stored)).rejects.toThrow('scrypt failed');
    await expect(hasher.verify('pw', stored)).resolves.toBe(true);
  });

  it("refuses at once with the limiter's 503 when its queue is full, and runs no hash for it", async () => {
    const hasher = new PasswordHasher({ passwordHashCost: 10 }, new HashLimiter({ concurrency: 1, queueMax: 1, queueTimeoutMs: 0 }));
    const stored = await hasher.hash('pw');
    const events = observeHashing();

    const results = await Promise.allSettled([hasher.verify('pw', stored), hasher.verify('pw', stored), hasher.verify('pw', stored)]);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    const refusal = (results[2] as PromiseRejectedResult).reason;
    expect(refusal).toBeInstanceOf(OAuthError);
    expect(refusal).toMatchObject({ error: 'temporarily_unavailable', status: 503 });
    expect(events.filter((event) => event === 'verifySecret start')).toHaveLength(2);
  });

  it('hashes without a limit where no OAuth module is loaded (the admin CLI)', async () => {
    const hasher = new PasswordHasher({ passwordHashCost: 10 });
    const stored = await hasher.hash('pw');
    const events = observeHashing();

    await Promise.all([hasher.verify('pw', stored), hasher.verify('pw', stored)]);

    expect(events.slice(0, 2)).toEqual(['verifySecret start', 'verifySecret start']);
  });
});
