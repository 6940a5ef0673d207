import { Injectable, Optional } from '@nestjs/common';
import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { BrowserSessionRepository } from '../repositories/browser-session.repository';
import { UserLookup, type OAuthSubject } from '../repositories/user-lookup';
import { cookieName, readCookie, type BrowserRequest, type CookieToSet } from './browser-responses';

export const SESSION_COOKIE = 'oauth_session';

/** A browser session in force: who is signed in, and since when. */
export interface ActiveSession {
  digest: string;
  user: OAuthSubject;
  authTime: Date;
  userRevocationMark: number;
}

/**
 * The browser's sign-in at the authorization endpoint: a random 256-bit cookie value, stored as its digest, that
 * ends when idle for `sessionIdleSeconds`, after `sessionMaxSeconds` in any case, and as soon as the host's user
 * lookup no longer knows the user (disabled, deleted).
 */
@Injectable()
export class BrowserSessions {
  constructor(
    private readonly sessions: BrowserSessionRepository,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    @Optional() private readonly userLookup?: UserLookup,
  ) {}

  /** The session the request's cookie names, if it is still in force; recorded as used. */
  async current(request: BrowserRequest): Promise<ActiveSession | null> {
    const value = readCookie(request, cookieName(SESSION_COOKIE, this.options));
    if (!value) return null;
    const digest = digestToken(value);
    const session = await this.sessions.findByDigest(digest);
    const now = new Date();
    if (!session || session.expiresAt <= now || session.lastSeenAt.getTime() + this.options.sessionIdleSeconds * 1000 <= now.getTime()) return null;
    const user = await this.userLookup?.findById(session.userId);
    if (!user) return null;
    await this.sessions.touch(digest, now);
    return { digest, user, authTime: session.authTime, userRevocationMark: session.userRevocationMark };
  }

  /** Signs the browser in as `user`, ending the session it had; returns the session and the cookie to set. */
  async start(request: BrowserRequest, user: OAuthSubject, userRevocationMark: number): Promise<{ session: ActiveSession; cookie: CookieToSet }> {
    const previous = readCookie(request, cookieName(SESSION_COOKIE, this.options));
    // A new value on every sign-in, so a value planted before it (session fixation) signs nobody in.
    if (previous) await this.sessions.delete(digestToken(previous));
    const value = generateOpaqueToken();
    const now = new Date();
    const session = {
      digest: digestToken(value),
      userId: user.id,
      authTime: now,
      userRevocationMark,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.options.sessionMaxSeconds * 1000),
      createdAt: now,
    };
    await this.sessions.save(session);
    return {
      session: { digest: session.digest, user, authTime: now, userRevocationMark },
      cookie: { name: cookieName(SESSION_COOKIE, this.options), value, maxAge: this.options.sessionMaxSeconds },
    };
  }
}
