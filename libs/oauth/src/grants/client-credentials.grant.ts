import { Injectable } from '@nestjs/common';
import type { OAuthClient } from '../repositories/client.repository';
import { resolveScope } from '../scope/scope';
import { TokenIssuer } from '../token/token-issuer';
import type { TokenRequestDto } from '../token/token-request.dto';
import type { TokenResponse } from '../token/token-response';
import type { GrantHandler } from './grant-handler.interface';

/**
 * Client Credentials grant, RFC 6749 §4.4: a token for the client itself, with no user behind it. No refresh
 * token (§4.4.3): the client can always authenticate again.
 */
@Injectable()
export class ClientCredentialsGrant implements GrantHandler {
  static readonly grantType = 'client_credentials';
  readonly grantType = ClientCredentialsGrant.grantType;

  constructor(private readonly issuer: TokenIssuer) {}

  async handle(request: TokenRequestDto, client: OAuthClient): Promise<TokenResponse> {
    const scope = resolveScope(request.scope, client.scopes, client.defaultScopes);
    return this.issuer.issueForNewGrant({ grantType: this.grantType, client, userId: null, scope, refreshable: false });
  }
}
