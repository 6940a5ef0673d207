import { Body } from '@nestjs/common';
import { OAuthEndpoint, OAuthEndpointController } from '../auth/oauth-endpoint.decorator';
import { oauthFormPipe } from '../token/oauth-form.pipe';
import { TokenHintRequestDto } from '../token/token-request.dto';
import { IntrospectionService, type IntrospectionResponse } from './introspection.service';

@OAuthEndpointController()
export class IntrospectionController {
  constructor(private readonly introspection: IntrospectionService) {}

  /**
   * RFC 7662 §2.1. Any authenticated client may ask: resource servers are clients too, and they need to check
   * tokens issued to other clients (§4 lets a server restrict this; this one answers every registered client).
   */
  @OAuthEndpoint('introspect')
  introspect(@Body(oauthFormPipe) request: TokenHintRequestDto): Promise<IntrospectionResponse> {
    return this.introspection.introspect(request.token, request.token_type_hint);
  }
}
