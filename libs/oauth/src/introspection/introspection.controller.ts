import { Body, Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { ClientAuthGuard } from '../auth/client-auth.guard';
import { FormBodyGuard } from '../auth/form-body.guard';
import { Public } from '../auth/public.decorator';
import { TokenRateLimitGuard } from '../auth/token-rate-limit.guard';
import { OAuthEndpointExceptionFilter } from '../errors/oauth-exception.filter';
import { oauthFormPipe } from '../token/oauth-form.pipe';
import { TokenHintRequestDto } from '../token/token-request.dto';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';

@Controller('oauth')
// A host's global BearerGuard must not ask for an access token here.
@Public()
@UseFilters(OAuthEndpointExceptionFilter)
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  /**
   * RFC 7662 §2.1. Any authenticated client may ask: resource servers are clients too, and they need to check
   * tokens issued to other clients (§4 lets a server restrict this; this one answers every registered client).
   */
  @Post('introspect')
  @HttpCode(200)
  @UseGuards(TokenRateLimitGuard, FormBodyGuard, ClientAuthGuard)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  introspect(@Body(oauthFormPipe) request: TokenHintRequestDto): Promise<IntrospectionResponse> {
    return this.introspection.introspect(request.token, request.token_type_hint);
  }
}
