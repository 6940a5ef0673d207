import { Body, Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { AuthenticatedClient } from '../auth/authenticated-client.decorator';
import { ClientAuthGuard } from '../auth/client-auth.guard';
import { FormBodyGuard } from '../auth/form-body.guard';
import { Public } from '../auth/public.decorator';
import { TokenRateLimitGuard } from '../auth/token-rate-limit.guard';
import { OAuthEndpointExceptionFilter } from '../errors/oauth-exception.filter';
import type { OAuthClient } from '../repositories/client.repository';
import { oauthFormPipe } from './oauth-form.pipe';
import { TokenRequestDto } from './token-request.dto';
import type { TokenResponse } from './token-response';
import { TokenService } from './token.service';

@Controller('oauth')
// A host's global BearerGuard must not ask for an access token here.
@Public()
@UseFilters(OAuthEndpointExceptionFilter)
export class TokenController {
  constructor(private readonly tokens: TokenService) {}

  /** RFC 6749 §3.2. Responses must never be cached (§5.1): they carry credentials. */
  @Post('token')
  @HttpCode(200)
  @UseGuards(TokenRateLimitGuard, FormBodyGuard, ClientAuthGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  token(@AuthenticatedClient() client: OAuthClient, @Body(oauthFormPipe) request: TokenRequestDto): Promise<TokenResponse> {
    return this.tokens.exchange(client, request);
  }
}
