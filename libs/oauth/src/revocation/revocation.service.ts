import { Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error';
import { OAuthEvents } from '../events/oauth-events';
import { AccessTokenRepository } from '../repositories/access-token.repository';
import type { OAuthClient } from '../repositories/client.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { TokenFinder } from '../token/token-finder';

/** Token revocation, RFC 7009. */
@Injectable()
export class RevocationService {
  constructor(
    private readonly finder: TokenFinder,
    private readonly grants: GrantRepository,
    private readonly accessTokens: AccessTokenRepository,
    private readonly events: OAuthEvents,
  ) {}

  async revoke(client: OAuthClient, token: string, hint?: string): Promise<void> {
    const found = await this.finder.find(token, hint);
    // §2.2: an unknown, expired or already revoked token is answered like a successful revocation; the
    // client cannot do anything useful with an error about it.
    if (!found) return;
    // §2.1: the server verifies that the token was issued to the client asking for its revocation.
    if (found.grant.clientId !== client.id) throw OAuthError.unauthorizedClient('This token was not issued to this client');
    if (found.type === 'refresh_token') {
      // §2.1: revoking a refresh token also invalidates the access tokens of the same grant; revoking the grant
      // does both in one write.
      await this.grants.revoke(found.grant.id, 'refresh_token_revoked', new Date());
    } else {
      await this.accessTokens.delete(found.token.digest);
    }
    this.events.emit({ type: 'token.revoked', clientId: client.id, grantId: found.grant.id, tokenType: found.type });
  }
}
