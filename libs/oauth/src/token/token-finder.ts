import { Injectable } from '@nestjs/common';
import { digestToken } from '../crypto/opaque-token';
import { AccessTokenRepository, type AccessTokenRecord, type TokenWithGrant } from '../repositories/access-token.repository';
import { RefreshTokenRepository, type RefreshTokenRecord } from '../repositories/refresh-token.repository';

export type FoundToken =
  ({ type: 'access_token' } & TokenWithGrant<AccessTokenRecord>) | ({ type: 'refresh_token' } & TokenWithGrant<RefreshTokenRecord>);

/**
 * Finds a token of either type by its value. The `token_type_hint` only decides which table is read first
 * (RFC 7009 §2.1, RFC 7662 §2.1): a wrong or unknown hint still finds the token.
 */
@Injectable()
export class TokenFinder {
  constructor(
    private readonly accessTokens: AccessTokenRepository,
    private readonly refreshTokens: RefreshTokenRepository,
  ) {}

  async find(token: string, hint?: string): Promise<FoundToken | null> {
    const digest = digestToken(token);
    const findAccess = async (): Promise<FoundToken | null> => {
      const found = await this.accessTokens.findByDigest(digest);
      return found && { type: 'access_token', ...found };
    };
    const findRefresh = async (): Promise<FoundToken | null> => {
      const found = await this.refreshTokens.findByDigest(digest);
      return found && { type: 'refresh_token', ...found };
    };
    const [first, second] = hint === 'refresh_token' ? [findRefresh, findAccess] : [findAccess, findRefresh];
    return (await first()) ?? (await second());
  }
}

/** Whether a found token can still be used at `now`: unexpired, its grant live, and (refresh) not yet used. */
export function isActive(found: FoundToken, now: Date): boolean {
  if (found.grant.revokedAt || found.token.expiresAt <= now) return false;
  return found.type === 'access_token' || found.token.usedAt === null;
}
