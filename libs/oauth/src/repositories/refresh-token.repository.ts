import type { AccessTokenRecord, TokenWithGrant } from './access-token.repository';

/** An issued refresh token; like access tokens, stored by digest only. */
export interface RefreshTokenRecord {
  digest: string;
  grantId: string;
  /** The refresh token this one replaced, `null` for the first of a grant. */
  parentDigest: string | null;
  scope: string[];
  expiresAt: Date;
  /** When this token was exchanged for a successor; a token is used at most once. */
  usedAt: Date | null;
  /**
   * The tokens that replaced this one, sealed with this token's own value (see `sealSuccessor`); kept only
   * while a reuse grace window is configured, so a retry inside it can get the same tokens back.
   */
  sealedSuccessor: string | null;
  createdAt: Date;
}

/** The tokens that replace a refresh token when it is used. */
export interface RotationSuccessor {
  refreshToken: RefreshTokenRecord;
  accessToken: AccessTokenRecord;
}

export abstract class RefreshTokenRepository {
  abstract findByDigest(digest: string): Promise<TokenWithGrant<RefreshTokenRecord> | null>;
  /**
   * In one atomic step: mark the token `digest` used at `usedAt` (recording `sealedSuccessor`) if, and only if,
   * it is still unused, and store its successors. Returns `false`, storing nothing, when the token was already used, so that of any number of
   * concurrent rotations of one token exactly one succeeds (RFC 9700 §4.14.2).
   */
  abstract rotate(digest: string, usedAt: Date, successor: RotationSuccessor, sealedSuccessor: string | null): Promise<boolean>;
  /**
   * Deletes up to `limit` tokens that expired before `before`; returns how many. Used tokens that have not
   * expired stay: they are what recognises a replayed refresh token.
   */
  abstract deleteExpired(before: Date, limit: number): Promise<number>;
}
