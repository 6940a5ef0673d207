import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import type { AccessTokenRecord } from '../repositories/access-token.repository';
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
    private readonly events: OAuthEvents,
  ) {}

  /**
   * Opens a new grant (a new token family) and issues its first tokens. A refresh token comes with them only
   * when `refreshable` and the client may refresh.
   */
  async issueForNewGrant(input: {
    grantType: string;
    client: OAuthClient;
    userId: string | null;
    scope: string[];
    refreshable: boolean;
  }): Promise<TokenResponse> {
    const now = new Date();
    const grant: OAuthGrant = {
      id: randomUUID(),
      clientId: input.client.id,
      userId: input.userId,
      scope: input.scope,
      createdAt: now,
      revokedAt: null,
      revokedReason: null,
    };
    const access = this.mintAccessToken(grant.id, input.scope, now);
    const refresh = input.refreshable && this.mayRefresh(input.client) ? this.mintRefreshToken(grant.id, null, input.scope, now) : null;
    await this.grants.create(grant, { accessToken: access.record, refreshToken: refresh?.record ?? null });
    this.events.emit({ type: 'token.issued', grantType: input.grantType, clientId: grant.clientId, userId: grant.userId, grantId: grant.id });
    return this.response(access, refresh);
  }

  /** Replaces a refresh token by a new one and a new access token; fails if another request used it first. */
  async rotate(input: {
    client: OAuthClient;
    grant: OAuthGrant;
    previous: RefreshTokenRecord;
    accessScope: string[];
    now: Date;
  }): Promise<TokenResponse> {
    const { grant, previous, accessScope, now } = input;
    const access = this.mintAccessToken(grant.id, accessScope, now);
    const refresh = this.mintRefreshToken(grant.id, previous.digest, previous.scope, now);
    const won = await this.refreshTokens.rotate(previous.digest, now, { accessToken: access.record, refreshToken: refresh.record });
    if (!won) throw OAuthError.invalidGrant('The refresh token is invalid, expired or revoked');
    this.events.emit({ type: 'token.issued', grantType: 'refresh_token', clientId: grant.clientId, userId: grant.userId, grantId: grant.id });
    return this.response(access, refresh);
  }

  private mayRefresh(client: OAuthClient): boolean {
    return this.options.grantTypes.includes('refresh_token') && client.grants.includes('refresh_token');
  }

  private mintAccessToken(grantId: string, scope: string[], now: Date): Minted<AccessTokenRecord> {
    const value = generateOpaqueToken();
    const expiresAt = new Date(now.getTime() + this.options.accessTokenTtl * 1000);
    return { value, record: { digest: digestToken(value), grantId, scope, expiresAt, createdAt: now } };
  }

  private mintRefreshToken(grantId: string, parentDigest: string | null, scope: string[], now: Date): Minted<RefreshTokenRecord> {
    const value = generateOpaqueToken();
    const expiresAt = new Date(now.getTime() + this.options.refreshTokenTtl * 1000);
    return { value, record: { digest: digestToken(value), grantId, parentDigest, scope, expiresAt, usedAt: null, createdAt: now } };
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
