import type { IncomingMessage } from 'node:http';
import type { AccessTokenVerifier } from './access-token.verifier';
import { BearerStrategy } from './bearer.strategy';
import type { OAuthPrincipal } from './oauth-principal.interface';

describe('BearerStrategy.validate', () => {
  const principal: OAuthPrincipal = { userId: 'u1', clientId: 'web', scopes: ['read'], grantId: 'g1', expiresAt: new Date(0) };

  function strategyWith(result: OAuthPrincipal | null) {
    const verify = jest.fn(async (_token: string) => result);
    return { strategy: new BearerStrategy({ verify } as unknown as AccessTokenVerifier), verify };
  }

  const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;

  it('accepts a token from the Authorization header (RFC 6750 §2.1), whatever the case of the scheme', async () => {
    const { strategy, verify } = strategyWith(principal);
    await expect(strategy.validate(request('Bearer abc.DEF-123'), 'abc.DEF-123')).resolves.toBe(principal);
    await expect(strategy.validate(request('bearer abc'), 'abc')).resolves.toBe(principal);
    await expect(strategy.validate(request('BEARER abc'), 'abc')).resolves.toBe(principal);
    expect(verify.mock.calls.map(([token]) => token)).toEqual(['abc.DEF-123', 'abc', 'abc']);
  });

  it('refuses a token sent in the body or query (RFC 6750 §2.2, §2.3; RFC 9700 §4.3.2) with invalid_request', async () => {
    const { strategy, verify } = strategyWith(principal);
    await expect(strategy.validate(request(), 'from-query')).rejects.toMatchObject({
      error: 'invalid_request',
      status: 400,
      challenge: { scheme: 'Bearer', error: 'invalid_request' },
    });
    // A header for another token does not vouch for the one passport found elsewhere.
    await expect(strategy.validate(request('Bearer header-token'), 'body-token')).rejects.toMatchObject({ error: 'invalid_request' });
    await expect(strategy.validate(request('Basic abc'), 'abc')).rejects.toMatchObject({ error: 'invalid_request' });
    expect(verify).not.toHaveBeenCalled();
  });

  it('answers an unknown, expired or revoked token with invalid_token and 401 (RFC 6750 §3.1)', async () => {
    const { strategy } = strategyWith(null);
    await expect(strategy.validate(request('Bearer stale'), 'stale')).rejects.toMatchObject({
      error: 'invalid_token',
      status: 401,
      challenge: { scheme: 'Bearer', error: 'invalid_token' },
    });
  });
});
