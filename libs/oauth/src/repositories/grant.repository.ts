import type { AccessTokenRecord } from './access-token.repository';
import type { RefreshTokenRecord } from './refresh-token.repository';

/**
 * One successful authorization: who (user, client), what (scope), since when. Every token belongs to exactly
 * one grant, so revoking the grant revokes its whole family of tokens at once.
 */
export interface OAuthGrant {
  id: string;
  clientId: string;
  /** The resource owner's id as `UserLookup` returned it; `null` when the client acts for itself. */
  userId: string | null;
  /** The widest scope any token of this grant may carry. */
  scope: string[];
  createdAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** The first tokens of a new grant, stored together with it. */
export interface GrantTokens {
  accessToken: AccessTokenRecord;
  refreshToken: RefreshTokenRecord | null;
}

export abstract class GrantRepository {
  /** Stores the grant and its first tokens in one atomic step: either all exist afterwards, or none. */
  abstract create(grant: OAuthGrant, tokens: GrantTokens): Promise<void>;
  /** Marks the grant revoked; its tokens stop working at once. Revoking twice keeps the first reason. */
  abstract revoke(grantId: string, reason: string, at: Date): Promise<void>;
  /** Revokes every live grant of a user (account disabled, password changed); returns how many. */
  abstract revokeAllForUser(userId: string, reason: string, at: Date): Promise<number>;
  /** Revokes every live grant of a client (client deleted); returns how many. */
  abstract revokeAllForClient(clientId: string, reason: string, at: Date): Promise<number>;
  /** Deletes up to `limit` grants revoked before `before`, together with their tokens; returns how many grants. */
  abstract deleteRevoked(before: Date, limit: number): Promise<number>;
}
