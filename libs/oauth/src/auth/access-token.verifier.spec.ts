import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import type { OAuthGrant } from '../repositories/grant.repository';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { InMemoryAccessTokenRepository, InMemoryGrantRepository } from '../testing/in-memory.repositories';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import { resolveOAuthOptions } from '../oauth-options';
import { AccessTokenCache } from './access-token-cache';
import { AccessTokenVerifier } from './access-token.verifier';

describe('AccessTokenVerifier (RFC 6750 §3.1 invalid_token)', () => {
  const issuedAt = new Date('2030-01-01T00:00:00.000Z');
  const expiresAt = new Date('2030-01-01T01:00:00.000Z');
  let store: InMemoryOAuthStore;
  let verifier: AccessTokenVerifier;
  let token: string;
  let grant: OAuthGrant;

  beforeEach(() => {
    store = new InMemoryOAuthStore();
    // No cache: every check reads storage, so a change written straight into the store shows at once.
    const options = resolveOAuthOptions({ accessTokenCacheSeconds: 0 });
    const repository = new InMemoryAccessTokenRepository(store);
    verifier = new AccessTokenVerifier(repository, new JwtAccessTokenService(options), new AccessTokenCache(options, repository));
    grant = {
      id: 'grant-1',
      clientId: 'web',
      userId: 'user-7',
      grantType: 'password',
      scope: ['read', 'write'],
      createdAt: issuedAt,
      revokedAt: null,
      revokedReason: null,
    };
    token = generateOpaqueToken();
    store.grants.set(grant.id, grant);
    store.accessTokens.set(digestToken(token), { digest: digestToken(token), grantId: grant.id, scope: ['read'], expiresAt, createdAt: issuedAt });
  });

  it("resolves a valid token to its principal, with the token's own scope", async () => {
    await expect(verifier.verify(token, issuedAt)).resolves.toEqual({
      userId: 'user-7',
      clientId: 'web',
      scopes: ['read'],
      grantId: 'grant-1',
      expiresAt,
    });
  });

  it('looks the token up by its digest only: the digest itself is not a token', async () => {
    await expect(verifier.verify(digestToken(token), issuedAt)).resolves.toBeNull();
  });

  it('refuses an unknown token', async () => {
    await expect(verifier.verify(generateOpaqueToken(), issuedAt)).resolves.toBeNull();
    await expect(verifier.verify('', issuedAt)).resolves.toBeNull();
  });

  it('accepts a token until the instant before it expires, and refuses it from its expiry on', async () => {
    await expect(verifier.verify(token, new Date(expiresAt.getTime() - 1))).resolves.not.toBeNull();
    await expect(verifier.verify(token, expiresAt)).resolves.toBeNull();
    await expect(verifier.verify(token, new Date(expiresAt.getTime() + 1))).resolves.toBeNull();
  });

  it('refuses a token whose grant was revoked', async () => {
    store.grants.set(grant.id, { ...grant, revokedAt: issuedAt, revokedReason: 'test' });
    await expect(verifier.verify(token, issuedAt)).resolves.toBeNull();
  });

  it('refuses a token whose grant no longer exists', async () => {
    store.grants.delete(grant.id);
    await expect(verifier.verify(token, issuedAt)).resolves.toBeNull();
  });

  it('uses the current time when none is given', async () => {
    // The fixture expires in 2030; move it into the past and the default clock must see it as expired.
    store.accessTokens.get(digestToken(token))!.expiresAt = new Date(Date.now() - 1000);
    await expect(verifier.verify(token)).resolves.toBeNull();
    store.accessTokens.get(digestToken(token))!.expiresAt = new Date(Date.now() + 60_000);
    await expect(verifier.verify(token)).resolves.not.toBeNull();
  });
});

describe('AccessTokenVerifier with the access-token cache (the default)', () => {
  const issuedAt = new Date('2030-01-01T00:00:00.000Z');
  const expiresAt = new Date('2030-01-01T01:00:00.000Z');
  let store: InMemoryOAuthStore;
  let repository: InMemoryAccessTokenRepository;
  let grants: InMemoryGrantRepository;
  let cache: AccessTokenCache;
  let verifier: AccessTokenVerifier;
  let token: string;
  const grant: OAuthGrant = {
    id: 'grant-1',
    clientId: 'web',
    userId: 'user-7',
    grantType: 'password',
    scope: ['read'],
    createdAt: issuedAt,
    revokedAt: null,
    revokedReason: null,
  };

  beforeEach(() => {
    store = new InMemoryOAuthStore();
    repository = new InMemoryAccessTokenRepository(store);
    grants = new InMemoryGrantRepository(store);
    const options = resolveOAuthOptions({ accessTokenCacheSeconds: 30 });
    cache = new AccessTokenCache(options, repository);
    verifier = new AccessTokenVerifier(repository, new JwtAccessTokenService(options), cache);
    token = generateOpaqueToken();
    store.grants.set(grant.id, { ...grant });
    store.accessTokens.set(digestToken(token), { digest: digestToken(token), grantId: grant.id, scope: ['read'], expiresAt, createdAt: issuedAt });
  });

  it('reads storage once for repeated checks of one token', async () => {
    const reads = jest.spyOn(repository, 'findByDigest');
    const first = await verifier.verify(token, issuedAt);
    const second = await verifier.verify(token, issuedAt);
    expect(second).toEqual(first);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('sees every revocation through the repositories at once: each moves the revocation mark', async () => {
    const other = generateOpaqueToken();
    store.accessTokens.set(digestToken(other), { digest: digestToken(other), grantId: grant.id, scope: ['read'], expiresAt, createdAt: issuedAt });
    await expect(verifier.verify(token, issuedAt)).resolves.not.toBeNull();
    await expect(verifier.verify(other, issuedAt)).resolves.not.toBeNull();
    await repository.delete(digestToken(other));
    await expect(verifier.verify(other, issuedAt)).resolves.toBeNull();
    await expect(verifier.verify(token, issuedAt)).resolves.not.toBeNull();

    for (const revoke of [
      () => grants.revoke(grant.id, 'test', issuedAt),
      () => grants.revokeAllForUser(grant.userId!, 'test', issuedAt),
      () => grants.revokeAllForClient(grant.clientId, 'test', issuedAt),
    ]) {
      store.grants.set(grant.id, { ...grant });
      await expect(verifier.verify(token, issuedAt)).resolves.not.toBeNull();
      await revoke();
      await expect(verifier.verify(token, issuedAt)).resolves.toBeNull();
    }
  });

  it('serves a change the storage cannot see (written past the repositories) until the lifetime ends, or at once after clear()', async () => {
    await verifier.verify(token, issuedAt);
    store.grants.set(grant.id, { ...grant, revokedAt: issuedAt, revokedReason: 'elsewhere' });
    await expect(verifier.verify(token, new Date(issuedAt.getTime() + 29_999))).resolves.not.toBeNull();
    await expect(verifier.verify(token, new Date(issuedAt.getTime() + 30_000))).resolves.toBeNull();

    store.grants.set(grant.id, { ...grant });
    await verifier.verify(token, issuedAt);
    store.grants.set(grant.id, { ...grant, revokedAt: issuedAt, revokedReason: 'here' });
    cache.clear();
    await expect(verifier.verify(token, issuedAt)).resolves.toBeNull();
  });

  it('answers a request only after a mark read that began after it arrived, sharing reads between concurrent requests', async () => {
    await verifier.verify(token, issuedAt);
    // Mark reads held until released, to see which request waits for which read.
    const held: (() => void)[] = [];
    const original = repository.revocationMark.bind(repository);
    const marks = jest.spyOn(repository, 'revocationMark').mockImplementation(async () => {
      await new Promise<void>((resolve) => held.push(resolve));
      return original();
    });
    const first = verifier.verify(token, issuedAt);
    await new Promise((resolve) => setImmediate(resolve));
    expect(marks).toHaveBeenCalledTimes(1);
    // A revocation commits while that read is out (it may or may not see it); then more requests arrive.
    await grants.revoke(grant.id, 'test', issuedAt);
    const late = Array.from({ length: 5 }, () => verifier.verify(token, issuedAt));
    await new Promise((resolve) => setImmediate(resolve));
    expect(marks).toHaveBeenCalledTimes(1);
    held.shift()!();
    await first;
    // The late requests wait for a second read, begun after they arrived, which all of them share.
    await new Promise((resolve) => setImmediate(resolve));
    expect(marks).toHaveBeenCalledTimes(2);
    held.shift()!();
    expect(await Promise.all(late)).toEqual([null, null, null, null, null]);
    expect(marks).toHaveBeenCalledTimes(2);
  });

  it('fails the request, rather than trusting the cache, when the mark cannot be read; the next read recovers', async () => {
    await verifier.verify(token, issuedAt);
    jest.spyOn(repository, 'revocationMark').mockRejectedValueOnce(new Error('database unreachable'));
    await expect(verifier.verify(token, issuedAt)).rejects.toThrow('database unreachable');
    await expect(verifier.verify(token, issuedAt)).resolves.not.toBeNull();
  });

  it('never serves a token past its own expiry, however recently it was validated', async () => {
    await verifier.verify(token, issuedAt);
    await expect(verifier.verify(token, expiresAt)).resolves.toBeNull();
  });

  it('remembers nothing about tokens it refused', async () => {
    const unknown = generateOpaqueToken();
    await expect(verifier.verify(unknown, issuedAt)).resolves.toBeNull();
    store.accessTokens.set(digestToken(unknown), {
      digest: digestToken(unknown),
      grantId: grant.id,
      scope: ['read'],
      expiresAt,
      createdAt: issuedAt,
    });
    await expect(verifier.verify(unknown, issuedAt)).resolves.not.toBeNull();
  });

  it('does not remember a validation read before a revocation cleared the cache', async () => {
    let release!: () => void;
    const original = repository.findByDigest.bind(repository);
    jest.spyOn(repository, 'findByDigest').mockImplementationOnce(async (digest) => {
      const found = await original(digest);
      // The read saw a live grant; the revocation lands while the answer is on its way.
      await new Promise<void>((resolve) => (release = resolve));
      return found;
    });
    const inFlight = verifier.verify(token, issuedAt);
    await new Promise((resolve) => setImmediate(resolve));
    store.grants.set(grant.id, { ...grant, revokedAt: issuedAt, revokedReason: 'here' });
    cache.clear();
    release();
    await inFlight;

    await expect(verifier.verify(token, issuedAt)).resolves.toBeNull();
  });

  it('hands out a frozen principal, so one request cannot change what the next one sees', async () => {
    await verifier.verify(token, issuedAt);
    const principal = (await verifier.verify(token, issuedAt))!;
    expect(Object.isFrozen(principal)).toBe(true);
    expect(Object.isFrozen(principal.scopes)).toBe(true);
  });
});

describe('AccessTokenCache', () => {
  it('is on by default, and off with a lifetime of 0, remembering nothing', () => {
    const repository = new InMemoryAccessTokenRepository(new InMemoryOAuthStore());
    expect(new AccessTokenCache(resolveOAuthOptions(), repository).enabled).toBe(true);
    const cache = new AccessTokenCache(resolveOAuthOptions({ accessTokenCacheSeconds: 0 }), repository);
    const principal = { userId: null, clientId: 'c', scopes: [], grantId: 'g', expiresAt: new Date(Date.now() + 60_000) };
    cache.remember('digest', principal, new Date(), cache.generation);
    expect(cache.enabled).toBe(false);
    expect(cache.get('digest', new Date())).toBeUndefined();
  });

  it('refuses a negative lifetime at boot', () => {
    expect(() => resolveOAuthOptions({ accessTokenCacheSeconds: -1 })).toThrow('accessTokenCacheSeconds must be a whole number');
  });
});
