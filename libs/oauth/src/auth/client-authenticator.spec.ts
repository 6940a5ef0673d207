import * as secretHash from '../crypto/secret-hash';
import { hashRandomSecret, hashSecret } from '../crypto/secret-hash';
import type { OAuthClient } from '../repositories/client.repository';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { InMemoryClientRepository } from '../testing/in-memory.repositories';
import { ClientAuthenticator } from './client-authenticator';

const FAST = { cost: 10 };

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
    authenticator = new ClientAuthenticator(new InMemoryClientRepository(store));
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

  it('returns null for an unknown client, even with another client\'s secret', async () => {
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

  it('keeps what it remembered per client: one client\'s secret never passes for another', async () => {
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
