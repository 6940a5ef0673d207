import { Injectable, Optional } from '@nestjs/common';
import { digestToken } from '../crypto/opaque-token';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import type { OAuthClient } from '../repositories/client.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { RefreshTokenRepository } from '../repositories/refresh-token.repository';
import { UserLookup } from '../repositories/user-lookup';
import { resolveScope } from '../scope/scope';
import { TokenIssuer } from '../token/token-issuer';
import type { TokenRequestDto } from '../token/token-request.dto';
import type { TokenResponse } from '../token/token-response';
import type { GrantHandler } from './grant-handler.interface';

/** Refreshing an access token, RFC 6749 §6, with rotation (RFC 9700 §4.14.2): every refresh token works once. */
@Injectable()
export class RefreshTokenGrant implements GrantHandler {
  static readonly grantType = 'refresh_token';
  readonly grantType = RefreshTokenGrant.grantType;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly refreshTokens: RefreshTokenRepository,
    private readonly grants: GrantRepository,
    private readonly events: OAuthEvents,
    @Optional() private readonly userLookup?: UserLookup,
  ) {}

  async handle(request: TokenRequestDto, client: OAuthClient): Promise<TokenResponse> {
    if (request.refresh_token === undefined) throw OAuthError.invalidRequest('The refresh_token parameter is missing');
    const now = new Date();
    const found = await this.refreshTokens.findByDigest(digestToken(request.refresh_token));
    // RFC 6749 §10.4: a refresh token is bound to the client it was issued to. Telling a foreign client that the
    // token exists would leak it, so every failure here reads the same.
    if (!found || found.grant.clientId !== client.id) throw invalidRefreshToken();
    const { token, grant } = found;
    const loginExpiresAt = this.issuer.loginExpiresAt(grant);
    // The login's absolute lifetime counts too, for tokens issued before it was configured (or shortened).
    if (grant.revokedAt || token.expiresAt <= now || (loginExpiresAt && loginExpiresAt <= now)) throw invalidRefreshToken();
    if (token.usedAt) {
      const replayed = await this.issuer.replay({ previous: token, previousValue: request.refresh_token, now });
      if (replayed) return replayed;
      // A used token presented again means it leaked, or a client misbehaves; either way the family can no
      // longer be trusted (RFC 9700 §4.14.2).
      await this.grants.revoke(grant.id, 'refresh_token_reuse', now);
      this.events.emit({ type: 'refresh_token.reuse_detected', clientId: client.id, userId: grant.userId, grantId: grant.id });
      throw invalidRefreshToken();
    }
    if (grant.userId !== null && !(await this.userLookup?.findById(grant.userId))) throw invalidRefreshToken();
    // The client's registration may have changed since the login. A family lives on only while the client may
    // still use the grant that started it (TokenService has checked refresh_token itself) ...
    if (!client.grants.includes(grant.grantType)) {
      throw OAuthError.unauthorizedClient(`This client may no longer use the ${grant.grantType} grant this refresh token came from`);
    }
    // ... and only with the scopes the client still has (RFC 6749 §6: never beyond what was granted; RFC 9700
    // §4.14.2: a refresh token is bound to its scope). The refresh token keeps its own scope, as §6 requires,
    // so each refresh narrows to the client's scopes of that moment.
    const available = token.scope.filter((scope) => client.scopes.includes(scope));
    if (available.length === 0) throw OAuthError.invalidScope('None of the scope of this refresh token is available to this client any more');
    const accessScope = resolveScope(request.scope, available, available);
    return this.issuer.rotate({ grant, previous: token, previousValue: request.refresh_token, accessScope, now });
  }
}

function invalidRefreshToken(): OAuthError {
  return OAuthError.invalidGrant('The refresh token is invalid, expired or revoked');
}
