import { HashLimiter } from '../crypto/hash-limiter';
import * as secretHash from '../crypto/secret-hash';
import { LoggingOAuthEvents } from '../events/oauth-events';
import { hashRandomSecret, hashSecret } from '../crypto/secret-hash';
import { OAuthError } from '../errors/oauth.error';
import { resolveOAuthOptions } from '../oauth-options';
import type { OAuthClient } from '../repositories/client.repository';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { InMemoryAttemptCounterRepository, InMemoryClientRepository } from '../testing/in-memory.repositories';
import { AttemptThrottle } from '../throttle/attempt-throttle';
import { ClientThrottle } from '../throttle/client-throttle';
import { ClientAuthenticator } from './client-authenticator';
import { ClientSecretVerifier } from './client-secret.verifier';

const FAST = { cost: 10 };

function authenticatorFor(
  store: InMemoryOAuthStore,
  limiter = new HashLimiter({ concurrency: 2, queueMax: 16, queueTimeoutMs: 0 }),
): ClientAuthenticator {
  // Typed secrets are hashed at FAST here, so that is what the module is told.
  const options = resolveOAuthOptions({ clientSecretHash: FAST });
  const verifier = new ClientSecretVerifier(limiter, options);
  const throttle = new ClientThrottle(new AttemptThrottle(options, new InMemoryAttemptCounterRepository(store)), new LoggingOAuthEvents());
  return new ClientAuthenticator(new InMemoryClientRepository(store), throttle, verifier);
}

function client(id: string, secretHash: string): OAuthClient {
  return { id, secretHash, name: null, grants: ['password'], scopes: ['read'], defaultScopes: ['read'] };
}

describe('ClientAuthenticator (RFC 6749 §2.3.1)', () => {
  let store: InMemoryOAuthStore;
  let authenticator: ClientAuthenticator;
  let verifySpy: jest.SpyInstance;

  beforeEach(async () => {
    store = new InMemoryOAuthStore();
    store.clients.set('web', client('web', await hashSecret('web-secret', FAST)));
    store.clients.set('cli', client('cli', hashRandomSecret('cli-random-secret')));
    authenticator = authenticatorFor(store);
    verifySpy = jest.spyOn(secretHash, 'verifySecret');
  });

  afterEach(() => verifySpy.mockRestore());

  it('returns the client for its right secret (scrypt and sha256 hashes alike)', async () => {
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.toMatchObject({ id: 'web', grants: ['password'] });
    await expect(authenticator.authenticate('cli', 'cli-random-secret')).resolves.toMatchObject({ id: 'cli' });
  });

  it('returns null for a wrong secret', async () => {
    await expect(authenticator.authenticate('web', 'web-secret ')).resolves.toBeNull();
    await expect(authenticator.authenticate('web', '')).resolves.toBeNull();
    await expect(authenticator.authenticate('cli', 'web-secret')).resolves.toBeNull();
  });

  it("returns null for an unknown client, even with another client's secret", async () => {
    await expect(authenticator.authenticate('nobody', 'web-secret')).resolves.toBeNull();
    await expect(authenticator.authenticate('WEB', 'web-secret')).resolves.toBeNull();
  });

  it('never asks storage for an id no client can have (NUL, empty, over 128 characters)', async () => {
    const findById = jest.spyOn(InMemoryClientRepository.prototype, 'findById');
    try {
      for (const id of ['we\u0000b', '', 'x'.repeat(129)]) await expect(authenticator.authenticate(id, 'web-secret')).resolves.toBeNull();
      expect(findById).not.toHaveBeenCalled();
    } finally {
      findById.mockRestore();
    }
  });

  it('checks the stored hash once; later requests with the same secret skip scrypt', async () => {
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    expect(verifySpy).toHaveBeenCalledTimes(1);
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    expect(verifySpy).toHaveBeenCalledTimes(1);
  });

  it('does not let a remembered success admit a wrong secret', async () => {
    await authenticator.authenticate('web', 'web-secret');
    await expect(authenticator.authenticate('web', 'not-the-secret')).resolves.toBeNull();
    expect(verifySpy).toHaveBeenCalledTimes(2);
    // A failure forgets nothing: the right secret still passes without scrypt.
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    expect(verifySpy).toHaveBeenCalledTimes(2);
  });

  it('does not remember a failure as a success', async () => {
    await expect(authenticator.authenticate('web', 'guess')).resolves.toBeNull();
    await expect(authenticator.authenticate('web', 'guess')).resolves.toBeNull();
    expect(verifySpy).toHaveBeenCalledTimes(2);
  });

  it("keeps what it remembered per client: one client's secret never passes for another", async () => {
    store.clients.set('twin', client('twin', await hashSecret('twin-secret', FAST)));
    await authenticator.authenticate('web', 'web-secret');
    await authenticator.authenticate('twin', 'twin-secret');
    await expect(authenticator.authenticate('twin', 'web-secret')).resolves.toBeNull();
    await expect(authenticator.authenticate('web', 'twin-secret')).resolves.toBeNull();
  });

  it('stops accepting the old secret as soon as the stored hash changes (secret rotation)', async () => {
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    store.clients.set('web', client('web', await hashSecret('rotated-secret', FAST)));
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.toBeNull();
    await expect(authenticator.authenticate('web', 'rotated-secret')).resolves.not.toBeNull();
  });

  it('checks again with scrypt when the hash was re-made for the same secret', async () => {
    await authenticator.authenticate('web', 'web-secret');
    store.clients.set('web', client('web', await hashSecret('web-secret', FAST)));
    verifySpy.mockClear();
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    expect(verifySpy).toHaveBeenCalledTimes(1);
  });

  it('remembers at most 1,000 clients, dropping the least recently used first', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `c${i}`);
    for (const id of ids) store.clients.set(id, client(id, hashRandomSecret(`${id}-secret`)));
    for (const id of ids.slice(0, 1000)) await authenticator.authenticate(id, `${id}-secret`);
    // c0 is used again, so c1 is now the least recently used, and the 1,001st client pushes it out.
    await authenticator.authenticate('c0', 'c0-secret');
    await authenticator.authenticate('c1000', 'c1000-secret');
    verifySpy.mockClear();
    await authenticator.authenticate('c0', 'c0-secret');
    expect(verifySpy).not.toHaveBeenCalled();
    await authenticator.authenticate('c1', 'c1-secret');
    expect(verifySpy).toHaveBeenCalledTimes(1);
  });

  it('stops authenticating a client that was deleted', async () => {
    await authenticator.authenticate('web', 'web-secret');
    store.clients.delete('web');
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.toBeNull();
  });

  it('returns the stored client as it is now, not as it was when the secret was first checked', async () => {
    await authenticator.authenticate('web', 'web-secret');
    const current = store.clients.get('web')!;
    store.clients.set('web', { ...current, grants: ['refresh_token'] });
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.toMatchObject({ grants: ['refresh_token'] });
  });
});

describe('ClientAuthenticator: every scrypt check through the HashLimiter, the same work for unknown ids', () => {
  let store: InMemoryOAuthStore;
  let limiter: HashLimiter;
  let authenticator: ClientAuthenticator;
  let runs: jest.SpyInstance;
  let verifications: jest.SpyInstance;

  /** The scrypt parameters (cost, r, p) of each hash verified since the last call, in order. */
  const verifiedParameters = () =>
    verifications.mock.calls.map(([, stored]: [string, string]) =>
      stored.startsWith('scrypt$') ? stored.split('$').slice(0, 4).join('$') : stored.split('$')[0],
    );

  beforeEach(async () => {
    store = new InMemoryOAuthStore();
    store.clients.set('web', client('web', await hashSecret('web-secret', FAST)));
    store.clients.set('cli', client('cli', hashRandomSecret('cli-random-secret')));
    limiter = new HashLimiter({ concurrency: 2, queueMax: 16, queueTimeoutMs: 0 });
    authenticator = authenticatorFor(store, limiter);
    runs = jest.spyOn(limiter, 'run');
    verifications = jest.spyOn(secretHash, 'verifySecret');
  });

  afterEach(() => verifications.mockRestore());

  it('runs the scrypt check of a typed secret through the limiter', async () => {
    await expect(authenticator.authenticate('web', 'web-secret')).resolves.not.toBeNull();
    expect(runs).toHaveBeenCalledTimes(1);
    expect(verifiedParameters()).toEqual(['scrypt$10$8$3']);
  });

  it('does for an unknown client id exactly the hash work of a wrong secret of a known client', async () => {
    await expect(authenticator.authenticate('web', 'wrong')).resolves.toBeNull();
    const known = { runs: runs.mock.calls.length, parameters: verifiedParameters() };
    runs.mockClear();
    verifications.mockClear();

    await expect(authenticator.authenticate('nobody', 'wrong')).resolves.toBeNull();

    expect({ runs: runs.mock.calls.length, parameters: verifiedParameters() }).toEqual(known);
    expect(known).toEqual({ runs: 1, parameters: ['scrypt$10$8$3'] });
  });

  it('makes a wrong generated secret cost the same scrypt check too, though its own digest is checked at once', async () => {
    await expect(authenticator.authenticate('cli', 'wrong')).resolves.toBeNull();
    expect(runs).toHaveBeenCalledTimes(1);
    expect(verifiedParameters()).toEqual(['sha256', 'scrypt$10$8$3']);
  });

  it('takes no slot for a right generated secret: its check is one digest', async () => {
    await expect(authenticator.authenticate('cli', 'cli-random-secret')).resolves.not.toBeNull();
    expect(runs).not.toHaveBeenCalled();
  });

  it('uses the parameters it is configured with for the dummy check', async () => {
    const options = resolveOAuthOptions({ clientSecretHash: { cost: 11, parallelism: 2 } });
    const throttle = new ClientThrottle(new AttemptThrottle(options, new InMemoryAttemptCounterRepository(store)), new LoggingOAuthEvents());
    await new ClientAuthenticator(new InMemoryClientRepository(store), throttle, new ClientSecretVerifier(limiter, options)).authenticate(
      'nobody',
      'x',
    );
    expect(verifiedParameters()).toEqual(['scrypt$11$8$2']);
  });

  it('answers 503 temporarily_unavailable, not "wrong secret", when the limiter is full, for known and unknown ids alike', async () => {
    const full = new HashLimiter({ concurrency: 1, queueMax: 0, queueTimeoutMs: 0 });
    const busy = authenticatorFor(store, full);
    let release!: () => void;
    const held = full.run(() => new Promise<void>((resolve) => (release = resolve)));

    for (const id of ['web', 'nobody', 'cli']) {
      const refusal = busy.authenticate(id, 'wrong');
      await expect(refusal).rejects.toBeInstanceOf(OAuthError);
      await expect(refusal).rejects.toMatchObject({ error: 'temporarily_unavailable', status: 503, retryAfterSeconds: 1 });
    }
    expect(verifications.mock.calls.filter(([, stored]: [string, string]) => stored.startsWith('scrypt$'))).toHaveLength(0);
    release();
    await held;
    await expect(busy.authenticate('web', 'web-secret')).resolves.not.toBeNull();
  });
});
