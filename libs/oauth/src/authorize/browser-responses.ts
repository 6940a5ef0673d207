import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../crypto/secret-hash';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

/** What the pages read of a request, on Express and Fastify alike. */
export interface BrowserRequest {
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
  body?: unknown;
  protocol?: string;
}

/** The cookie holding the CSRF token every form must echo (double submit). */
export const CSRF_COOKIE = 'oauth_csrf';
export const CSRF_FIELD = 'csrf_token';

/**
 * Headers of every page and redirect of the authorization endpoint: never cached (they carry codes and forms,
 * RFC 6749 §10.12), never framed (clickjacking, RFC 6749 §10.13), no scripts at all, no Referer leaking the request.
 */
const PAGE_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Frame-Options': 'DENY',
  // No form-action: Chromium applies it to the redirect a form's response makes, which goes to the client.
  'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
};

/** A cookie to set: a value and a lifetime in seconds, or `null` to delete it. */
export interface CookieToSet {
  name: string;
  value: string | null;
  /** Seconds; absent for a cookie that lasts as long as the browser. */
  maxAge?: number;
}

/**
 * Writes the authorization endpoint's pages and redirects through Nest's HTTP adapter, so they work on Express and
 * Fastify alike, with the headers every one of them needs.
 */
@Injectable()
export class BrowserResponses {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
  ) {}

  html(response: unknown, status: number, body: string, cookies: CookieToSet[] = []): void {
    const adapter = this.adapterHost.httpAdapter;
    this.headers(response, cookies);
    adapter.setHeader(response, 'Content-Type', 'text/html; charset=utf-8');
    adapter.reply(response, body, status);
  }

  /** 303 after a form's POST, so the browser follows with a GET and never re-sends the form (RFC 9700 §4.12). */
  redirect(response: unknown, location: string, afterPost: boolean, cookies: CookieToSet[] = []): void {
    this.headers(response, cookies);
    this.adapterHost.httpAdapter.redirect(response, afterPost ? 303 : 302, location);
  }

  private headers(response: unknown, cookies: CookieToSet[]): void {
    const adapter = this.adapterHost.httpAdapter;
    for (const [name, value] of Object.entries(PAGE_HEADERS)) adapter.setHeader(response, name, value);
    if (cookies.length > 0) adapter.setHeader(response, 'Set-Cookie', cookies.map((cookie) => this.serialize(cookie)) as unknown as string);
  }

  private serialize({ name, value, maxAge }: CookieToSet): string {
    // HttpOnly: no script needs them; SameSite=Lax: sent on the top-level navigation back from a client, never on
    // a cross-site POST, which is the first line against CSRF.
    const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(this.options.secureCookies ? ['Secure'] : [])];
    if (value === null) return [`${name}=`, 'Max-Age=0', ...attributes].join('; ');
    return [`${name}=${value}`, ...(maxAge !== undefined ? [`Max-Age=${maxAge}`] : []), ...attributes].join('; ');
  }
}

/**
 * The name a module cookie goes by: with `secureCookies`, prefixed `__Host-`, which browsers accept only from a
 * secure origin, for `Path=/` and without `Domain`; so neither a sibling subdomain nor a plain-http page of the
 * same site can plant one (RFC 9700 §4.7: a planted CSRF token or session would let another site sign a user in,
 * or consent, in their name).
 */
export function cookieName(base: string, options: Pick<ResolvedOAuthOptions, 'secureCookies'>): string {
  return options.secureCookies ? `__Host-${base}` : base;
}

/**
 * One cookie's value from the `Cookie` header (RFC 6265 §5.4: `name=value` pairs separated by "; "), or
 * `undefined`. Only the module's own cookies are read, whose values are base64url, so no decoding is needed. A
 * name sent twice reads as absent: the second one was set by someone else (another path or domain), and
 * neither can be trusted to be this origin's.
 */
export function readCookie(request: BrowserRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (typeof header !== 'string' || header.length > 8192) return undefined;
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) {
      if (found !== undefined) return undefined;
      found = pair.slice(separator + 1).trim();
    }
  }
  return found !== undefined && /^[A-Za-z0-9_-]{1,128}$/.test(found) ? found : undefined;
}

/** The browser's CSRF token, and the cookie to set when it had none yet. */
export function csrfToken(
  request: BrowserRequest,
  options: Pick<ResolvedOAuthOptions, 'secureCookies'>,
): { token: string; cookie: CookieToSet | null } {
  const name = cookieName(CSRF_COOKIE, options);
  const existing = readCookie(request, name);
  if (existing) return { token: existing, cookie: null };
  const token = randomBytes(32).toString('base64url');
  return { token, cookie: { name, value: token } };
}

/**
 * Double submit: a form is accepted only when its `csrf_token` equals the cookie. Another site can make a browser
 * post a form here, but can neither read nor set this origin's cookie, so it cannot know the value to post.
 */
export function hasValidCsrfToken(request: BrowserRequest, options: Pick<ResolvedOAuthOptions, 'secureCookies'>): boolean {
  const cookie = readCookie(request, cookieName(CSRF_COOKIE, options));
  const body = typeof request.body === 'object' && request.body !== null ? (request.body as Record<string, unknown>) : {};
  const field = body[CSRF_FIELD];
  return cookie !== undefined && typeof field === 'string' && constantTimeEqual(Buffer.from(cookie), Buffer.from(field));
}

/** The issuer identifier: the configured one, or in development the request's origin, as the metadata says it. */
export function issuerOf(options: ResolvedOAuthOptions, request: BrowserRequest): string {
  return options.issuer ?? `${request.protocol ?? 'http'}://${String(request.headers.host ?? 'localhost')}`;
}
