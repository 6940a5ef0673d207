import type { AccessTokenRecord } from '../repositories/access-token.repository';
import type { AuthorizationCodeRecord } from '../repositories/authorization-code.repository';
import type { BrowserSessionRecord } from '../repositories/browser-session.repository';
import type { ConsentRecord } from '../repositories/consent.repository';
import type { OAuthClient } from '../repositories/client.repository';
import type { OAuthGrant } from '../repositories/grant.repository';
import type { AttemptCounterKind } from '../repositories/attempt-counter.repository';
import type { RefreshTokenRecord } from '../repositories/refresh-token.repository';

/** One key's attempt counter, as `AttemptCounterRepository` describes it. */
export interface AttemptCounterState {
  failures: number;
  pending: number;
  windowStartedAt: Date;
  lockedUntil: Date | null;
  expiresAt: Date;
}

/** The rows the in-memory repositories share; tests may read and seed it directly. */
export class InMemoryOAuthStore {
  readonly clients = new Map<string, OAuthClient>();
  readonly grants = new Map<string, OAuthGrant>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly authorizationCodes = new Map<string, AuthorizationCodeRecord>();
  readonly browserSessions = new Map<string, BrowserSessionRecord>();
  /** Keyed by JSON.stringify([userId, clientId]). */
  readonly consents = new Map<string, ConsentRecord>();
  readonly attemptCounters: Record<AttemptCounterKind, Map<string, AttemptCounterState>> = { login: new Map(), client: new Map() };
  /** The user-revocation sequence (see `GrantRepository.userRevocationMark`), and where it stood per user. */
  readonly userRevocations = { sequence: 0, byUser: new Map<string, number>() };
  /** The revocation mark (see `AccessTokenRepository.revocationMark`). */
  revocationMark = 0;
}
