import { Injectable } from '@nestjs/common';
import {
  AccessTokenRepository,
  AttemptCounterRepository,
  AuthorizationCodeRepository,
  BrowserSessionRepository,
  GrantRepository,
  RefreshTokenRepository,
} from '@nest-oauth/server';

export interface PurgeCounts {
  accessTokens: number;
  refreshTokens: number;
  revokedGrants: number;
  /** Brute-force counters (per username, per client id) whose window and lock had passed. */
  loginAttemptCounters: number;
  clientFailureCounters: number;
  authorizationCodes: number;
  /** Browser sessions past their absolute end. */
  browserSessions: number;
}

/**
 * Removes what can no longer be used: expired access and refresh tokens, grants revoked before `now` with all
 * their tokens, expired authorization codes, browser sessions past their absolute end, and brute-force counters
 * whose window and lock have passed (each row says itself when that is,
 * so a purge run with other settings than the app's never cuts a lock short). Each deletion runs in bounded batches, so a large purge never holds the database's write
 * lock long.
 */
@Injectable()
export class TokenPurgeService {
  constructor(
    private readonly accessTokens: AccessTokenRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly grants: GrantRepository,
    private readonly attemptCounters: AttemptCounterRepository,
    private readonly authorizationCodes: AuthorizationCodeRepository,
    private readonly browserSessions: BrowserSessionRepository,
  ) {}

  async purge(batchSize: number, now = new Date()): Promise<PurgeCounts> {
    return {
      accessTokens: await inBatches(batchSize, (limit) => this.accessTokens.deleteExpired(now, limit)),
      refreshTokens: await inBatches(batchSize, (limit) => this.refreshTokens.deleteExpired(now, limit)),
      revokedGrants: await inBatches(batchSize, (limit) => this.grants.deleteRevoked(now, limit)),
      loginAttemptCounters: await inBatches(batchSize, (limit) => this.attemptCounters.deleteExpired('login', now, limit)),
      clientFailureCounters: await inBatches(batchSize, (limit) => this.attemptCounters.deleteExpired('client', now, limit)),
      authorizationCodes: await inBatches(batchSize, (limit) => this.authorizationCodes.deleteExpired(now, limit)),
      browserSessions: await inBatches(batchSize, (limit) => this.browserSessions.deleteExpired(now, limit)),
    };
  }
}

/** Repeats `deleteBatch` until a batch comes back short; returns the total. */
async function inBatches(batchSize: number, deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(batchSize);
    total += deleted;
    if (deleted < batchSize) return total;
  }
}
