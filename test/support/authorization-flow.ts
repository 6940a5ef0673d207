import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from './test-app';

/** A PKCE pair (RFC 7636 §4.1, §4.2): a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The hidden fields of the first form of an HTML page, unescaped. */
export function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields[unescape(match[1])] = unescape(match[2]);
  return fields;
}

function unescape(value: string): string {
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** The `name=value` part of each Set-Cookie of a response. */
export function cookiesOf(response: request.Response): string[] {
  const header = response.headers['set-cookie'] as unknown as string[] | undefined;
  return (header ?? []).map((cookie) => cookie.split(';')[0]);
}

/** The parameters of a redirect's Location, split from the redirect URI they were added to. */
export function redirectParameters(response: request.Response): { base: string; params: Record<string, string> } {
  const location = String(response.headers.location);
  const url = new URL(location);
  const params = Object.fromEntries(url.searchParams.entries());
  return { base: `${url.origin === 'null' ? `${url.protocol}` : url.origin}${url.pathname}`, params };
}

/**
 * A browser, as far as these flows need one: it keeps the cookies the server sets and sends them back, and follows
 * nothing on its own, so each test sees every redirect.
 */
export class TestBrowser {
  private readonly jar = new Map<string, string>();

  constructor(private readonly http: TestApp['http']) {}

  get cookieHeader(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  cookie(name: string): string | undefined {
    return this.jar.get(name);
  }

  async get(path: string): Promise<request.Response> {
    return this.keep(await request(this.http).get(path).set('Cookie', this.cookieHeader));
  }

  async post(path: string, form: Record<string, string>): Promise<request.Response> {
    return this.keep(await request(this.http).post(path).set('Cookie', this.cookieHeader).type('form').send(form));
  }

  private keep(response: request.Response): request.Response {
    for (const cookie of cookiesOf(response)) {
      const [name, ...value] = cookie.split('=');
      if (value.join('=') === '') this.jar.delete(name);
      else this.jar.set(name, value.join('='));
    }
    return response;
  }
}

/** An authorization request's query (RFC 6749 §4.1.1) with PKCE, for `client`. */
export function authorizeUrl(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.append(name, value);
  return `/oauth/authorize?${query.toString()}`;
}

/** Where each form of a page posts. */
export function formAction(html: string): string {
  const match = /<form method="post" action="([^"]*)">/.exec(html);
  if (!match) throw new Error(`no form in:\n${html}`);
  return unescape(match[1]);
}

/** The token request of the authorization code grant (RFC 6749 §4.1.3, RFC 7636 §4.5). */
export function exchangeCode(http: TestApp['http'], fields: Record<string, string>, authorization?: string) {
  const call = request(http).post('/oauth/token').type('form');
  return (authorization ? call.set('Authorization', authorization) : call).send({ grant_type: 'authorization_code', ...fields });
}
