import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import { openSuccessor, sealSuccessor } from '../crypto/successor-seal';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { AccessTokenRepository, type AccessTokenRecord } from '../repositories/access-token.repository';
import type { OAuthClient } from '../repositories/client.repository';
import { GrantRepository, type OAuthGrant } from '../repositories/grant.repository';
import { RefreshTokenRepository, type RefreshTokenRecord } from '../repositories/refresh-token.repository';
import { formatScope } from '../scope/scope';
import type { TokenResponse } from './token-response';

interface Minted<T> {
  value: string;
  record: T;
}

/** Mints tokens and stores their digests; the raw values leave this class only inside the response. */
@Injectable()
export class TokenIssuer {
  constructor(
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    private readonly grants: GrantRepository,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly accessTokens: AccessTokenRepository,
    private readonly events: OAuthEvents,
    private readonly jwt: JwtAccessTokenService,
  ) {}

  /**
   * Opens a new grant (a new token family) and issues its first tokens. A refresh token comes with them only
   * when `refreshable` and the client may refresh. With `userRevocationMark` (see
   * `GrantRepository.userRevocationMark`, read before the user's credentials were checked), a grant whose user
   * was revoked since is refused with `invalid_grant`: the credentials checked may be the ones just changed.
   */
  async issueForNewGrant(input: {
    /** The new grant's id, when the caller must know it before the grant exists. @default a random UUID */
    grantId?: string;
    grantType: string;
    client: OAuthClient;
    userId: string | null;
    scope: string[];
    refreshable: boolean;
    userRevocationMark?: number;
  }): Promise<TokenResponse> {
    const now = new Date();
    const grant: OAuthGrant = {
      id: input.grantId ?? randomUUID(),
      clientId: input.client.id,
      userId: input.userId,
      grantType: input.grantType,
      scope: input.scope,
      createdAt: now,
      revokedAt: null,
      revokedReason: null,
    };
    const access = await this.mintAccessToken(grant, input.scope, now);
    const refresh = input.refreshable && this.mayRefresh(input.client) ? this.mintRefreshToken(grant, null, input.scope, now) : null;
    const created = await this.grants.create(
      grant,
      { accessToken: access.record, refreshToken: refresh?.record ?? null },
      { userRevocationMark: input.userRevocationMark },
    );
    if (!created) throw OAuthError.invalidGrant('The account changed while signing in; sign in again');
    this.events.emit({ type: 'token.issued', grantType: input.grantType, clientId: grant.clientId, userId: grant.userId, grantId: grant.id });
    return this.response(access, refresh);
  }

  /**
   * When the grant's login ends (`refreshTokenAbsoluteTtl` after it was created), after which its refresh
   * tokens no longer rotate; `null` without that option.
   */
  loginExpiresAt(grant: OAuthGrant): Date | null {
    const absoluteTtl = this.options.refreshTokenAbsoluteTtl;
    return absoluteTtl > 0 ? new Date(grant.createdAt.getTime() + absoluteTtl * 1000) : null;
  }

  /** Replaces a refresh token by a new one and a new access token; fails if another request used it first. */
  async rotate(input: {
    grant: OAuthGrant;
    previous: RefreshTokenRecord;
    /** The refresh token's value, as the client presented it. */
    previousValue: string;
    accessScope: string[];
    now: Date;
  }): Promise<TokenResponse> {
    const { grant, previous, accessScope, now } = input;
    const access = await this.mintAccessToken(grant, accessScope, now);
    const refresh = this.mintRefreshToken(grant, previous.digest, previous.scope, now);
    const sealed =
      this.options.refreshTokenReuseGraceSeconds > 0
        ? sealSuccessor(input.previousValue, { accessToken: access.value, refreshToken: refresh.value })
        : null;
    const won = await this.refreshTokens.rotate(previous.digest, now, { accessToken: access.record, refreshToken: refresh.record }, sealed);
    if (!won) throw OAuthError.invalidGrant('The refresh token is invalid, expired or revoked');
    this.events.emit({ type: 'token.issued', grantType: 'refresh_token', clientId: grant.clientId, userId: grant.userId, grantId: grant.id });
    return this.response(access, refresh);
  }

  /**
   * The reuse grace window (`refreshTokenReuseGraceSeconds`): a client that presents a refresh token it already
   * used, shortly after, and whose successor is still unused, most likely lost the response. It gets the same
   * tokens again. `null` when the retry does not qualify, which the caller treats as reuse.
   */
  async replay(input: { previous: RefreshTokenRecord; previousValue: string; now: Date }): Promise<TokenResponse | null> {
    const { previous, previousValue, now } = input;
    const graceMs = this.options.refreshTokenReuseGraceSeconds * 1000;
    if (graceMs === 0 || !previous.usedAt || !previous.sealedSuccessor || now.getTime() - previous.usedAt.getTime() > graceMs) return null;
    const successor = openSuccessor(previousValue, previous.sealedSuccessor);
    if (!successor) return null;
    const [refresh, access] = await Promise.all([
      this.refreshTokens.findByDigest(digestToken(successor.refreshToken)),
      this.accessTokens.findByDigest(digestToken(successor.accessToken)),
    ]);
    // Only the immediate successor, and only while the client has not moved on with it.
    if (!refresh || refresh.token.usedAt || refresh.token.parentDigest !== previous.digest || refresh.grant.revokedAt) return null;
    if (!access || access.token.expiresAt <= now) return null;
    return {
      access_token: successor.accessToken,
      token_type: 'bearer',
      refresh_token: successor.refreshToken,
      expires_in: Math.max(0, Math.floor((access.token.expiresAt.getTime() - now.getTime()) / 1000)),
      scope: formatScope(access.token.scope),
    };
  }

  private mayRefresh(client: OAuthClient): boolean {
    return this.options.grantTypes.includes('refresh_token') && client.grants.includes('refresh_token');
  }

  private async mintAccessToken(grant: OAuthGrant, scope: string[], now: Date): Promise<Minted<AccessTokenRecord>> {
    const expiresAt = new Date(now.getTime() + this.options.accessTokenTtl * 1000);
    const value = this.jwt.enabled
      ? await this.jwt.sign({ clientId: grant.clientId, userId: grant.userId, grantId: grant.id, scope, issuedAt: now, expiresAt })
      : generateOpaqueToken();
    // A JWT is stored by digest too, so that introspection and revocation see it like any other token.
    return { value, record: { digest: digestToken(value), grantId: grant.id, scope, expiresAt, createdAt: now } };
  }

  private mintRefreshToken(grant: OAuthGrant, parentDigest: string | null, scope: string[], now: Date): Minted<RefreshTokenRecord> {
    const value = generateOpaqueToken();
    const loginEnds = this.loginExpiresAt(grant)?.getTime() ?? Infinity;
    // Never past the login's end, so that purging expired tokens also takes the ones of ended logins.
    const expiresAt = new Date(Math.min(now.getTime() + this.options.refreshTokenTtl * 1000, loginEnds));
    return {
      value,
      record: { digest: digestToken(value), grantId: grant.id, parentDigest, scope, expiresAt, usedAt: null, sealedSuccessor: null, createdAt: now },
    };
  }

  private response(access: Minted<AccessTokenRecord>, refresh: Minted<RefreshTokenRecord> | null): TokenResponse {
    // Field order as RFC 6749 §5.1's example shows it, which is also what clients of the seed's API saw.
    return {
      access_token: access.value,
      token_type: 'bearer',
      ...(refresh ? { refresh_token: refresh.value } : {}),
      expires_in: this.options.accessTokenTtl,
      scope: formatScope(access.record.scope),
    };
  }
}
