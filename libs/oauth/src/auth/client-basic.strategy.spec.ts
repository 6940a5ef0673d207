import { OAuthError } from '../errors/oauth.error';
import type { OAuthClient } from '../repositories/client.repository';
import type { ClientAuthenticator } from './client-authenticator';
import { ClientBasicStrategy, decodeFormComponent } from './client-basic.strategy';

describe('decodeFormComponent (RFC 6749 §2.3.1, application/x-www-form-urlencoded)', () => {
  it('leaves a plain value as it is', () => {
    expect(decodeFormComponent('s6BhdRkqt3')).toBe('s6BhdRkqt3');
    expect(decodeFormComponent('')).toBe('');
  });

  it('reads "+" as a space, every one of them', () => {
    expect(decodeFormComponent('my+client')).toBe('my client');
    expect(decodeFormComponent('a+b+c++')).toBe('a b c  ');
  });

  it('decodes %XX, so "%2B" is a literal plus and "%3A" a colon', () => {
    expect(decodeFormComponent('a%2Bb')).toBe('a+b');
    expect(decodeFormComponent('id%3Awith%3Acolons')).toBe('id:with:colons');
    expect(decodeFormComponent('100%25')).toBe('100%');
    expect(decodeFormComponent('%7e%7E')).toBe('~~');
  });

  it('decodes percent-encoded UTF-8 into characters', () => {
    expect(decodeFormComponent('caf%C3%A9')).toBe('caf\u00e9');
    expect(decodeFormComponent('%E2%82%AC+5')).toBe('\u20ac 5');
  });

  it.each(['%', 'abc%', '%4', '%zz', '%G1', '%C3', '%C3%28', '%FF', '%E2%82'])('gives null for broken percent-encoding: %j', (value) => {
    expect(decodeFormComponent(value)).toBeNull();
  });
});

describe('ClientBasicStrategy.validate (RFC 6749 §2.3.1)', () => {
  const client: OAuthClient = { id: 'my client', secretHash: 'unused', name: null, grants: [], scopes: [], defaultScopes: [] };

  const request = (body?: unknown) => ({ headers: {}, body });

  function strategyWith(result: OAuthClient | null) {
    const authenticate = jest.fn(async (_id: string, _secret: string) => result);
    const strategy = new ClientBasicStrategy({ authenticate } as unknown as ClientAuthenticator);
    return { strategy, authenticate };
  }

  it('decodes the id and secret before authenticating them', async () => {
    const { strategy, authenticate } = strategyWith(client);
    await expect(strategy.validate(request(), 'my+client', 'p%40ss+word%2B')).resolves.toBe(client);
    expect(authenticate).toHaveBeenCalledWith('my client', 'p@ss word+');
  });

  it('refuses malformed credentials as invalid_client without consulting the authenticator', async () => {
    const { strategy, authenticate } = strategyWith(client);
    await expect(strategy.validate(request(), 'my%client', 'secret')).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
    await expect(strategy.validate(request(), 'client', 'secret%')).rejects.toMatchObject({ error: 'invalid_client', status: 401 });
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('answers failed authentication with invalid_client, 401 and a Basic challenge (RFC 6749 §5.2)', async () => {
    const { strategy } = strategyWith(null);
    const failure = strategy.validate(request(), 'client', 'wrong');
    await expect(failure).rejects.toBeInstanceOf(OAuthError);
    await expect(failure).rejects.toMatchObject({ error: 'invalid_client', status: 401, challenge: { scheme: 'Basic' } });
  });

  it('accepts a body client_id that names the same client (RFC 6749 §3.2.1)', async () => {
    const { strategy, authenticate } = strategyWith(client);
    await expect(strategy.validate(request({ client_id: 'my client', grant_type: 'password' }), 'my+client', 'secret')).resolves.toBe(client);
    expect(authenticate).toHaveBeenCalledWith('my client', 'secret');
  });

  it('refuses a body client_id naming another client, or sent twice, with invalid_request before any secret is checked', async () => {
    const { strategy, authenticate } = strategyWith(client);
    for (const clientIdInBody of ['other', 'my+client', '', ['my client', 'my client']]) {
      await expect(strategy.validate(request({ client_id: clientIdInBody }), 'my+client', 'secret')).rejects.toMatchObject({
        error: 'invalid_request',
        status: 400,
      });
    }
    expect(authenticate).not.toHaveBeenCalled();
  });
});
