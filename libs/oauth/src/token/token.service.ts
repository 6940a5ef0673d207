import { Injectable } from '@nestjs/common';
import { OAuthError } from '../errors/oauth.error';
import { OAuthGrantRegistry } from '../grants/grant-registry';
import { isPublicClient, PUBLIC_CLIENT_GRANTS, type OAuthClient } from '../repositories/client.repository';
import type { TokenRequestDto } from './token-request.dto';
import { TokenRequestParameters } from './token-request-parameters';
import type { TokenResponse } from './token-response';

/** The token endpoint's logic (RFC 6749 §3.2): pick the grant, check the client may use it, run it. */
@Injectable()
export class TokenService {
  constructor(private readonly grants: OAuthGrantRegistry) {}

  /**
   * `parameters` are all of the request's parameters, for extension grants that define their own (RFC 6749
   * §4.5); without them a handler sees only those `TokenRequestDto` declares.
   */
  async exchange(client: OAuthClient, request: TokenRequestDto, parameters = new TokenRequestParameters({})): Promise<TokenResponse> {
    const handler = this.grants.handler(request.grant_type);
    if (!handler) throw OAuthError.unsupportedGrantType('This server does not support that grant_type');
    // A public client's record is checked again here: one stored past client administration (a host's own
    // insert) must not let anyone who knows its id use a grant meant for a client with a secret.
    if (!client.grants.includes(handler.grantType) || (isPublicClient(client) && !PUBLIC_CLIENT_GRANTS.includes(handler.grantType))) {
      throw OAuthError.unauthorizedClient('This client may not use that grant_type');
    }
    return handler.handle(request, client, parameters);
  }
}
