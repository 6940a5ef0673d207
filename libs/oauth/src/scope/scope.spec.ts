import { OAuthError } from '../errors/oauth.error';
import { hasScopes, parseScope, resolveScope } from './scope';

describe('scope (RFC 6749 §3.3)', () => {
  it('parses space-separated scope tokens and drops duplicates', () => {
    expect(parseScope('read write read')).toEqual(['read', 'write']);
  });

  it('refuses characters outside the scope-token grammar', () => {
    expect(() => parseScope('read "write"')).toThrow(OAuthError);
    expect(() => parseScope('read\\write')).toThrow(expect.objectContaining({ error: 'invalid_scope' }));
  });

  it('grants the defaults when nothing was requested', () => {
    expect(resolveScope(undefined, ['read', 'write'], ['read'])).toEqual(['read']);
  });

  it('grants a requested subset and refuses anything beyond what is allowed', () => {
    expect(resolveScope('write', ['read', 'write'], ['read'])).toEqual(['write']);
    expect(() => resolveScope('read admin', ['read', 'write'], ['read'])).toThrow(expect.objectContaining({ error: 'invalid_scope' }));
  });

  it('checks that every required scope is granted', () => {
    expect(hasScopes(['read', 'write'], ['read'])).toBe(true);
    expect(hasScopes(['read'], ['read', 'write'])).toBe(false);
  });
});
