import { Injectable } from '@nestjs/common';
import { AccessTokenRepository, GrantRepository, RefreshTokenRepository } from '@nest-oauth/server';

export interface PurgeCounts {
  accessTokens: number;
  refreshTokens: number;
  revokedGrants: number;
}

/**
 * Removes what can no longer be used: expired access and refresh tokens, and grants revoked before `now` with
 * all their tokens. Each deletion runs in bounded batches, so a large purge never holds the database's write
 * lock long.
 */
@Injectable()
export class TokenPurgeService {
  constructor(
    private readonly accessTokens: AccessTokenRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly grants: GrantRepository,
  ) {}

  async purge(batchSize: number, now = new Date()): Promise<PurgeCounts> {
    return {
      accessTokens: await inBatches(batchSize, (limit) => this.accessTokens.deleteExpired(now, limit)),
      refreshTokens: await inBatches(batchSize, (limit) => this.refreshTokens.deleteExpired(now, limit)),
      revokedGrants: await inBatches(batchSize, (limit) => this.grants.deleteRevoked(now, limit)),
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
