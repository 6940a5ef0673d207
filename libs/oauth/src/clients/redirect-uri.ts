/** Bounds what a stranger's `redirect_uri` and an operator's registration may cost to parse and store. */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** RFC 8252 §7.3 and §8.3: loopback IP literals; `localhost` is accepted too, as development setups use it. */
const LOOPBACK_HOSTS = ['127.0.0.1', '[::1]', 'localhost'];

/**
 * Why `uri` cannot be registered as a redirect URI, or `null` when it can: an absolute URI without a fragment
 * (RFC 6749 §3.1.2), no spaces (lists are stored space-separated), and one of `https`, `http` on a loopback host
 * (RFC 8252 §7.3), or a private-use scheme with a period in it, the reverse domain name of a native app
 * (RFC 8252 §7.1). Other schemes (`http` elsewhere, `javascript:`, `data:`) would let a code leak or run.
 */
export function checkRedirectUri(uri: string): string | null {
  if (uri.length === 0 || uri.length > MAX_REDIRECT_URI_LENGTH) return `a redirect URI is 1 to ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (!/^[\x21-\x7e]+$/.test(uri)) return 'a redirect URI is printable ASCII without spaces (percent-encode the rest)';
  if (uri.includes('#')) return 'a redirect URI must not have a fragment (RFC 6749 section 3.1.2)';
  const url = parse(uri);
  if (!url || !/^[a-z][a-z0-9+.-]*:/i.test(uri)) return 'a redirect URI must be an absolute URI (RFC 6749 section 3.1.2)';
  if (url.username || url.password) return 'a redirect URI must not carry credentials';
  if (url.protocol === 'https:') return url.hostname ? null : 'an https redirect URI needs a host';
  if (url.protocol === 'http:') {
    return LOOPBACK_HOSTS.includes(url.hostname) ? null : 'http is allowed only on a loopback host (127.0.0.1, [::1], localhost); use https';
  }
  if (url.protocol.slice(0, -1).includes('.')) return null;
  return 'a redirect URI uses https, http on a loopback host, or a native app private-use scheme such as com.example.app: (RFC 8252 section 7.1)';
}

/**
 * Whether a request's `redirect_uri` is one of the registered ones: compared as strings, exactly (RFC 9700
 * §4.1.3), except that an `http` loopback IP literal may come with any port, since a native app binds whichever
 * is free (RFC 8252 §7.3).
 */
export function matchesRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  const requestedLoopback = withoutLoopbackPort(requested);
  return requestedLoopback !== null && registered.some((uri) => withoutLoopbackPort(uri) === requestedLoopback);
}

/** The URI with its port taken out when it is an `http` loopback IP literal; `null` otherwise. */
function withoutLoopbackPort(uri: string): string | null {
  const match = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?([/?].*)?$/.exec(uri);
  return match ? `http://${match[1]}${match[2] ?? ''}` : null;
}

function parse(uri: string): URL | null {
  try {
    return new URL(uri);
  } catch {
    return null;
  }
}
