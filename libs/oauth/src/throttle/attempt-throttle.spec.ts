import { OAuthError } from '../errors/oauth.error';
import { resolveOAuthOptions } from '../oauth-options';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { InMemoryAttemptCounterRepository } from '../testing/in-memory.repositories';
import { AttemptThrottle } from './attempt-throttle';

describe('AttemptThrottle (RFC 6749 §10.10)', () => {
  let store: InMemoryOAuthStore;
  let throttle: AttemptThrottle;

  beforeEach(() => {
    store = new InMemoryOAuthStore();
    throttle = new AttemptThrottle(
      resolveOAuthOptions({ loginMaxFailures: 3, loginLockSeconds: 900, clientMaxFailures: 2, clientLockSeconds: 300 }),
      new InMemoryAttemptCounterRepository(store),
    );
  });

  const refusalOf = (promise: Promise<unknown>) =>
    promise.then(
      () => Promise.reject(new Error('expected a refusal')),
      (error: OAuthError) => error,
    );

  it('checks at most loginMaxFailures of a concurrent burst; the rest are refused with 429 and never checked', async () => {
    const verify = jest.fn(async () => null);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => throttle.attempt('login', 'user', verify)));
    expect(verify).toHaveBeenCalledTimes(3);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    const refusals = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as OAuthError] : []));
    expect(refusals).toHaveLength(17);
    for (const refusal of refusals) {
      expect({ error: refusal.error, status: refusal.status }).toEqual({ error: 'invalid_grant', status: 429 });
      expect(refusal.retryAfterSeconds).toBeGreaterThan(890);
      expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(900);
    }
  });

  it('refuses client attempts beyond clientMaxFailures with 401 invalid_client, the Basic challenge and Retry-After', async () => {
    for (let i = 0; i < 2; i++) await expect(throttle.attempt('client', 'app', async () => null)).resolves.toBeNull();
    const verify = jest.fn(async () => ({ id: 'app' }));
    const refusal = await refusalOf(throttle.attempt('client', 'app', verify));
    expect(verify).not.toHaveBeenCalled();
    expect({ error: refusal.error, status: refusal.status, challenge: refusal.challenge }).toEqual({
      error: 'invalid_client',
      status: 401,
      challenge: { scheme: 'Basic' },
    });
    expect(refusal.retryAfterSeconds).toBeGreaterThan(290);
  });

  it('refuses a remembered secret (admit) only while the key is locked', async () => {
    await expect(throttle.admit('client', 'app')).resolves.toBeUndefined();
    await throttle.attempt('client', 'app', async () => null);
    await expect(throttle.admit('client', 'app')).resolves.toBeUndefined();
    await throttle.attempt('client', 'app', async () => null);
    await expect(refusalOf(throttle.admit('client', 'app'))).resolves.toMatchObject({ error: 'invalid_client', status: 401 });
  });

  it('gives concurrent attempts with the same credential one slot and one check', async () => {
    let release!: () => void;
    const verify = jest.fn(() => new Promise<{ id: string }>((resolve) => (release = () => resolve({ id: 'app' }))));
    const attempts = Array.from({ length: 10 }, () => throttle.attempt('client', 'app', verify, { credential: 'digest-1' }));
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await expect(Promise.all(attempts)).resolves.toEqual(Array(10).fill({ id: 'app' }));
    expect(verify).toHaveBeenCalledTimes(1);
    // Different credentials are checked one by one, each in its own slot.
    const guess = jest.fn(async () => null);
    await Promise.allSettled(['a', 'b', 'c'].map((credential) => throttle.attempt('client', 'app', guess, { credential })));
    expect(guess).toHaveBeenCalledTimes(2);
  });

  it('counts a check that throws as a failure, and passes the error on', async () => {
    for (let i = 0; i < 3; i++) {
      await expect(throttle.attempt('login', 'user', () => Promise.reject(new Error('hash limiter full')))).rejects.toThrow('hash limiter full');
    }
    await expect(refusalOf(throttle.attempt('login', 'user', async () => ({ id: '1' })))).resolves.toMatchObject({ status: 429 });
  });

  it('reports each failure, with the lock the last slot started', async () => {
    const failures: (Date | null)[] = [];
    for (let i = 0; i < 3; i++) await throttle.attempt('login', 'user', async () => null, { onFailure: (lockedUntil) => failures.push(lockedUntil) });
    expect(failures.slice(0, 2)).toEqual([null, null]);
    expect(failures[2]!.getTime()).toBeGreaterThan(Date.now() + 890_000);
  });

  it('checks every attempt, counting none, when the kind is turned off', async () => {
    const off = new AttemptThrottle(resolveOAuthOptions({ loginMaxFailures: 0, clientMaxFailures: 0 }), new InMemoryAttemptCounterRepository(store));
    const verify = jest.fn(async () => null);
    await Promise.all(Array.from({ length: 20 }, () => off.attempt('login', 'user', verify)));
    await Promise.all(Array.from({ length: 20 }, () => off.attempt('client', 'app', verify)));
    expect(verify).toHaveBeenCalledTimes(40);
    expect(store.attemptCounters.login.size + store.attemptCounters.client.size).toBe(0);
  });
});
