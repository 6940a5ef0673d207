import { Injectable } from '@nestjs/common';
import { digestToken } from '../crypto/opaque-token';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import { AccessTokenRepository } from '../repositories/access-token.repository';
import { AccessTokenCache } from './access-token-cache';
import type { OAuthPrincipal } from './oauth-principal.interface';

/**
 * Resolves an access token to its principal: for opaque tokens one indexed read (or a recent validation, see
 * `AccessTokenCache`), then expiry and the grant's revocation; for JWTs a local signature check and no read at
 * all.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly accessTokens: AccessTokenRepository,
    private readonly jwt: JwtAccessTokenService,
    private readonly cache: AccessTokenCache,
  ) {}

  /** The principal, or `null` for an unknown, expired or revoked (opaque) token. */
  async verify(token: string, now = new Date()): Promise<OAuthPrincipal | null> {
    if (this.jwt.enabled) return this.jwt.verify(token, now);
    const digest = digestToken(token);
    if (this.cache.enabled) {
      await this.cache.catchUp();
      const cached = this.cache.get(digest, now);
      if (cached) return cached;
    }
    const generation = this.cache.generation;
    const found = await this.accessTokens.findByDigest(digest);
    if (!found || found.grant.revokedAt || found.token.expiresAt <= now) return null;
    const principal: OAuthPrincipal = {
      userId: found.grant.userId,
      clientId: found.grant.clientId,
      scopes: found.token.scope,
      grantId: found.grant.id,
      expiresAt: found.token.expiresAt,
    };
    this.cache.remember(digest, principal, now, generation);
    return principal;
  }
}
