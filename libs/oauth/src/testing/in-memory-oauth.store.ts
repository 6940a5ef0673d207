import type { AccessTokenRecord } from '../repositories/access-token.repository';
import type { OAuthClient } from '../repositories/client.repository';
import type { OAuthGrant } from '../repositories/grant.repository';
import type { LoginLock } from '../repositories/login-attempt.repository';
import type { RefreshTokenRecord } from '../repositories/refresh-token.repository';

/** The rows the in-memory repositories share; tests may read and seed it directly. */
export class InMemoryOAuthStore {
  readonly clients = new Map<string, OAuthClient>();
  readonly grants = new Map<string, OAuthGrant>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly loginAttempts = new Map<string, LoginLock & { windowStartedAt: Date }>();
  /** The user-revocation sequence (see `GrantRepository.userRevocationMark`), and where it stood per user. */
  readonly userRevocations = { sequence: 0, byUser: new Map<string, number>() };
}
