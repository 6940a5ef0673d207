import { Injectable } from '@nestjs/common';
import { digestToken } from '../crypto/opaque-token';
import { AccessTokenRepository } from '../repositories/access-token.repository';
import type { OAuthPrincipal } from './oauth-principal.interface';

/** Resolves an access token to its principal: one indexed read, then expiry and the grant's revocation. */
@Injectable()
export class AccessTokenVerifier {
  constructor(private readonly accessTokens: AccessTokenRepository) {}

  /** The principal, or `null` for an unknown, expired or revoked token. */
  async verify(token: string, now = new Date()): Promise<OAuthPrincipal | null> {
    const found = await this.accessTokens.findByDigest(digestToken(token));
    if (!found || found.grant.revokedAt || found.token.expiresAt <= now) return null;
    return {
      userId: found.grant.userId,
      clientId: found.grant.clientId,
      scopes: found.token.scope,
      grantId: found.grant.id,
      expiresAt: found.token.expiresAt,
    };
  }
}
