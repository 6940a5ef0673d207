import { csrfToken, hasValidCsrfToken, readCookie, type BrowserRequest } from './browser-responses';

const withCookie = (cookie: string | undefined, body: unknown = {}) => ({ headers: { cookie }, body }) as unknown as BrowserRequest;

describe('module cookies (RFC 9700 §4.7)', () => {
  it('reads a cookie sent once, and treats a name sent twice as absent: the other copy was planted', () => {
    expect(readCookie(withCookie('oauth_csrf=abc; other=x'), 'oauth_csrf')).toBe('abc');
    expect(readCookie(withCookie('oauth_csrf=abc; oauth_csrf=planted'), 'oauth_csrf')).toBeUndefined();
    expect(readCookie(withCookie('oauth_csrf=a b'), 'oauth_csrf')).toBeUndefined();
    expect(readCookie(withCookie(undefined), 'oauth_csrf')).toBeUndefined();
  });

  it('names its cookies __Host- with secureCookies, so no sibling subdomain or plain-http page can set them', () => {
    const secure = csrfToken(withCookie(undefined), { secureCookies: true });
    expect(secure.cookie?.name).toBe('__Host-oauth_csrf');
    expect(csrfToken(withCookie(undefined), { secureCookies: false }).cookie?.name).toBe('oauth_csrf');
    // A token planted under the plain name is not the secure one.
    const planted = withCookie('oauth_csrf=planted-token', { csrf_token: 'planted-token' });
    expect(hasValidCsrfToken(planted, { secureCookies: true })).toBe(false);
    expect(hasValidCsrfToken(withCookie(`__Host-oauth_csrf=${secure.token}`, { csrf_token: secure.token }), { secureCookies: true })).toBe(true);
  });

  it('refuses a form when the CSRF cookie was sent twice, even if one copy matches', () => {
    const request = withCookie('oauth_csrf=mine; oauth_csrf=planted', { csrf_token: 'planted' });
    expect(hasValidCsrfToken(request, { secureCookies: false })).toBe(false);
  });
});
