import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import type { OAuthGrant } from '../repositories/grant.repository';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { InMemoryAccessTokenRepository } from '../testing/in-memory.repositories';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import { resolveOAuthOptions } from '../oauth-options';
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
    verifier = new AccessTokenVerifier(new InMemoryAccessTokenRepository(store), new JwtAccessTokenService(resolveOAuthOptions()));
    grant = { id: 'grant-1', clientId: 'web', userId: 'user-7', scope: ['read', 'write'], createdAt: issuedAt, revokedAt: null, revokedReason: null };
    token = generateOpaqueToken();
    store.grants.set(grant.id, grant);
    store.accessTokens.set(digestToken(token), { digest: digestToken(token), grantId: grant.id, scope: ['read'], expiresAt, createdAt: issuedAt });
  });

  it('resolves a valid token to its principal, with the token\'s own scope', async () => {
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
