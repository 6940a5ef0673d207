import { Inject, Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error';
import type { GrantHandler } from '../grants/grant-handler.interface';
import { OAUTH_GRANT_HANDLERS } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';
import type { TokenRequestDto } from './token-request.dto';
import type { TokenResponse } from './token-response';

/** The token endpoint's logic (RFC 6749 §3.2): pick the grant, check the client may use it, run it. */
@Injectable()
export class TokenService {
  constructor(@Inject(OAUTH_GRANT_HANDLERS) private readonly handlers: Map<string, GrantHandler>) {}

  async exchange(client: OAuthClient, request: TokenRequestDto): Promise<TokenResponse> {
    const handler = this.handlers.get(request.grant_type);
    if (!handler) throw OAuthError.unsupportedGrantType('This server does not support that grant_type');
    if (!client.grants.includes(handler.grantType)) {
      throw OAuthError.unauthorizedClient('This client may not use that grant_type');
    }
    return handler.handle(request, client);
  }
}
