import { Body, Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { AuthenticatedClient } from '../auth/authenticated-client.decorator';
import { ClientAuthGuard } from '../auth/client-auth.guard';
import { FormBodyGuard } from '../auth/form-body.guard';
import { Public } from '../auth/public.decorator';
import { TokenRateLimitGuard } from '../auth/token-rate-limit.guard';
import { OAuthEndpointExceptionFilter } from '../errors/oauth-exception.filter';
import type { OAuthClient } from '../repositories/client.repository';
import { oauthFormPipe } from '../token/oauth-form.pipe';
import { TokenHintRequestDto } from '../token/token-request.dto';
import { RevocationService } from './revocation.service';

@Controller('oauth')
// A host's global BearerGuard must not ask for an access token here.
@Public()
@UseFilters(OAuthEndpointExceptionFilter)
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  /** RFC 7009 §2.1; 200 with an empty body on success (§2.2). */
  @Post('revoke')
  @HttpCode(200)
  @UseGuards(TokenRateLimitGuard, FormBodyGuard, ClientAuthGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async revoke(@AuthenticatedClient() client: OAuthClient, @Body(oauthFormPipe) request: TokenHintRequestDto): Promise<void> {
    await this.revocation.revoke(client, request.token, request.token_type_hint);
  }
}
