import { Body, Req } from '@nestjs/common';
import { OAuthEndpoint, OAuthEndpointController } from '../auth/oauth-endpoint.decorator';
import { issuerOf, type BrowserRequest } from '../authorize/browser-responses';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { AuthenticatedClient } from '../auth/authenticated-client.decorator';
import type { OAuthClient } from '../repositories/client.repository';
import { oauthFormPipe } from './oauth-form.pipe';
import { TokenRequestDto } from './token-request.dto';
import { TokenRequestParameters } from './token-request-parameters';
import type { TokenResponse } from './token-response';
import { TokenService } from './token.service';

@OAuthEndpointController()
export class TokenController {
  constructor(
    private readonly tokens: TokenService,
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
  ) {}

  /** RFC 6749 §3.2. Responses must never be cached (§5.1): they carry credentials. */
  @OAuthEndpoint('token', { publicClients: true })
  token(
    @AuthenticatedClient() client: OAuthClient,
    @Body(oauthFormPipe) request: TokenRequestDto,
    // The body as parsed, before the pipe dropped what the DTO does not declare: extension grants read their own
    // parameters from it.
    @Req() raw: BrowserRequest,
  ): Promise<TokenResponse> {
    return this.tokens.exchange(client, request, new TokenRequestParameters(raw.body, issuerOf(this.options, raw)));
  }
}
