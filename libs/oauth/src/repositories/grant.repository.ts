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
  /**
   * The grant type that opened this grant (`password`, `client_credentials`, ...): a refresh is refused once the
   * client may no longer use it.
   */
  grantType: string;
  /** The widest scope any token of this grant may carry. */
  scope: string[];
  /** When the login happened; `refreshTokenAbsoluteTtl` counts from here. */
  createdAt: Date;
  revokedAt: Date | null;
  revokedReason: string | null;
}

/** The first tokens of a new grant, stored together with it. */
export interface GrantTokens {
  accessToken: AccessTokenRecord;
  refreshToken: RefreshTokenRecord | null;
}

/** How `GrantRepository.create` guards a user's grant against a revocation it could have missed. */
export interface GrantCreation {
  /**
   * A `userRevocationMark()` read before the user's credentials were checked. The grant is refused when
   * `revokeAllForUser` has revoked its user since: the credentials checked may be the ones that revocation was for.
   */
  userRevocationMark?: number;
}

export abstract class GrantRepository {
  /**
   * Stores the grant and its first tokens in one atomic step: either all exist afterwards, or none. Returns
   * `false`, storing nothing, when `creation.userRevocationMark` is given and the grant's user was revoked after
   * it. That check and the insert must be atomic with respect to `revokeAllForUser` of the same user: either the
   * revocation sees (and revokes) the new grant, or this sees the revocation.
   */
  abstract create(grant: OAuthGrant, tokens: GrantTokens, creation?: GrantCreation): Promise<boolean>;
  /**
   * Where the user-revocation sequence stands now: a counter that every `revokeAllForUser` advances, and that
   * records, per user, where it stood at that user's last revocation. Not per user, because a login reads it
   * before it knows which user the credentials belong to.
   */
  abstract userRevocationMark(): Promise<number>;
  /**
   * Marks the grant revoked; its tokens stop working at once. Revoking twice keeps the first reason. This and
   * the two below advance the revocation mark (`AccessTokenRepository.revocationMark`) in the same transaction.
   */
  abstract revoke(grantId: string, reason: string, at: Date): Promise<void>;
  /**
   * Revokes every live grant of a user (account disabled, password changed) and, in the same transaction,
   * advances the user-revocation sequence and records it for the user, so that a login whose credentials were
   * checked before is refused by `create`. Returns how many grants were revoked.
   */
  abstract revokeAllForUser(userId: string, reason: string, at: Date): Promise<number>;
  /** Revokes every live grant of a client (client deleted); returns how many. */
  abstract revokeAllForClient(clientId: string, reason: string, at: Date): Promise<number>;
  /** Deletes up to `limit` grants revoked before `before`, together with their tokens; returns how many grants. */
  abstract deleteRevoked(before: Date, limit: number): Promise<number>;
}
