import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { OAuthError } from '../errors/oauth.error';
import { BearerGuard } from './bearer.guard';
import type { OAuthPrincipal } from './oauth-principal.interface';

describe('BearerGuard.handleRequest (RFC 6750 §3.1)', () => {
  const guard = new BearerGuard(new Reflector());
  const context = {} as ExecutionContext;
  const principal: OAuthPrincipal = { userId: null, clientId: 'svc', scopes: [], grantId: 'g', expiresAt: new Date(0) };

  it('passes the principal through', () => {
    expect(guard.handleRequest(null, principal, undefined, context)).toBe(principal);
  });

  it('answers a request without any token with a bare Bearer challenge and 401', () => {
    const attempt = () => guard.handleRequest(null, false, undefined, context);
    expect(attempt).toThrow(OAuthError);
    expect(attempt).toThrow(expect.objectContaining({ status: 401, challenge: { scheme: 'Bearer' } }));
  });

  it('answers a malformed Authorization header with invalid_request and 400', () => {
    expect(() => guard.handleRequest(null, false, undefined, context, 400)).toThrow(
      expect.objectContaining({ error: 'invalid_request', status: 400, challenge: { scheme: 'Bearer', error: 'invalid_request' } }),
    );
  });

  it('rethrows an OAuthError as it is', () => {
    const error = OAuthError.invalidToken();
    expect(() => guard.handleRequest(error, false, undefined, context)).toThrow(error);
  });

  it('turns any other error into server_error, keeping it only as the cause', () => {
    const failure = new Error('database is down');
    let thrown: unknown;
    try {
      guard.handleRequest(failure, false, undefined, context);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ error: 'server_error', status: 500, cause: failure });
    expect((thrown as OAuthError).description).not.toContain('database');
  });
});
