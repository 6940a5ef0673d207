import type { ExecutionContext } from '@nestjs/common';
import { FormBodyGuard } from './form-body.guard';

describe('FormBodyGuard (RFC 6749 §3.2: application/x-www-form-urlencoded only)', () => {
  const guard = new FormBodyGuard();
  const contextWith = (headers: Record<string, unknown> | undefined) =>
    ({ switchToHttp: () => ({ getRequest: () => ({ headers }) }) }) as unknown as ExecutionContext;

  it.each([
    'application/x-www-form-urlencoded',
    'application/x-www-form-urlencoded; charset=UTF-8',
    'Application/X-WWW-Form-URLEncoded',
    ' application/x-www-form-urlencoded ;charset=utf-8',
  ])('lets %j through', (contentType) => {
    expect(guard.canActivate(contextWith({ 'content-type': contentType }))).toBe(true);
  });

  it.each(['application/json', 'multipart/form-data; boundary=x', 'text/plain', 'application/x-www-form-urlencoded-extra', ''])(
    'refuses %j with invalid_request',
    (contentType) => {
      expect(() => guard.canActivate(contextWith({ 'content-type': contentType }))).toThrow(
        expect.objectContaining({ error: 'invalid_request', status: 400 }),
      );
    },
  );

  it.each([
    'application/x-www-form-urlencoded; charset=iso-8859-1',
    'application/x-www-form-urlencoded; charset="windows-1252"',
    'application/x-www-form-urlencoded; charset=utf8',
    'application/x-www-form-urlencoded; charset=utf-16',
  ])('refuses %j with 415 invalid_request: parameters are UTF-8 (RFC 6749 Appendix B)', (contentType) => {
    expect(() => guard.canActivate(contextWith({ 'content-type': contentType }))).toThrow(
      expect.objectContaining({ error: 'invalid_request', status: 415 }),
    );
  });

  it.each([
    'application/x-www-form-urlencoded; foo',
    'application/x-www-form-urlencoded; charset=',
    'application/x-www-form-urlencoded;;',
    'application/x-www-form-urlencoded, application/json',
  ])('refuses the malformed %j as no form (RFC 9110 §8.3.1)', (contentType) => {
    expect(() => guard.canActivate(contextWith({ 'content-type': contentType }))).toThrow(
      expect.objectContaining({ error: 'invalid_request', status: 400 }),
    );
  });

  it('refuses a request without a Content-Type, or with a repeated one', () => {
    expect(() => guard.canActivate(contextWith({}))).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => guard.canActivate(contextWith(undefined))).toThrow(expect.objectContaining({ error: 'invalid_request' }));
    expect(() => guard.canActivate(contextWith({ 'content-type': ['application/x-www-form-urlencoded'] }))).toThrow(
      expect.objectContaining({ error: 'invalid_request' }),
    );
  });
});
