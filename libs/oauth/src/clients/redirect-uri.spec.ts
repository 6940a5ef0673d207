import { checkRedirectUri, matchesRegisteredRedirectUri } from './redirect-uri';

describe('redirect URIs', () => {
  describe('registration (RFC 6749 §3.1.2, RFC 8252 §7)', () => {
    it.each([
      'https://app.example.com/callback',
      'https://app.example.com/cb?tenant=1',
      'http://127.0.0.1/callback',
      'http://127.0.0.1:8080/callback',
      'http://[::1]/callback',
      'http://localhost:3000/callback',
      'com.example.app:/oauth2redirect',
    ])('accepts %s', (uri) => expect(checkRedirectUri(uri)).toBeNull());

    it.each([
      ['a fragment', 'https://app.example.com/cb#frag', /fragment/],
      ['a relative URI', '/callback', /absolute/],
      ['http on a public host', 'http://app.example.com/cb', /loopback/],
      ['javascript:', 'javascript:alert(1)', /private-use scheme/],
      ['data:', 'data:text/html,hi', /private-use scheme/],
      ['a space', 'https://app.example.com/a b', /without spaces/],
      ['credentials', 'https://user:pw@app.example.com/cb', /credentials/],
      ['an empty string', '', /1 to 2000/],
      ['a long URI', `https://app.example.com/${'a'.repeat(2000)}`, /1 to 2000/],
    ])('refuses %s', (_what, uri, message) => expect(checkRedirectUri(uri)).toMatch(message));
  });

  describe('matching an authorization request (RFC 9700 §4.1.3: exact; RFC 8252 §7.3: loopback ports vary)', () => {
    const registered = ['https://app.example.com/cb', 'http://127.0.0.1/callback', 'http://[::1]:9000/cb'];

    it('matches a registered URI exactly', () => {
      expect(matchesRegisteredRedirectUri('https://app.example.com/cb', registered)).toBe(true);
    });

    it.each(['https://app.example.com/cb/', 'https://app.example.com/cb?x=1', 'https://APP.example.com/cb', 'https://app.example.com:443/cb'])(
      'refuses %s, which is not the same string',
      (uri) => expect(matchesRegisteredRedirectUri(uri, registered)).toBe(false),
    );

    it('lets a loopback IP literal vary its port, and nothing else', () => {
      expect(matchesRegisteredRedirectUri('http://127.0.0.1:51234/callback', registered)).toBe(true);
      expect(matchesRegisteredRedirectUri('http://[::1]/cb', registered)).toBe(true);
      expect(matchesRegisteredRedirectUri('http://127.0.0.1:51234/other', registered)).toBe(false);
      expect(matchesRegisteredRedirectUri('http://127.0.0.2:51234/callback', registered)).toBe(false);
      expect(matchesRegisteredRedirectUri('https://app.example.com:8443/cb', registered)).toBe(false);
    });
  });
});
