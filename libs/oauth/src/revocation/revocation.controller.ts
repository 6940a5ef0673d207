import { Body } from '@nestjs/common';
import { OAuthEndpoint, OAuthEndpointController } from '../auth/oauth-endpoint.decorator';
import { AuthenticatedClient } from '../auth/authenticated-client.decorator';
import type { OAuthClient } from '../repositories/client.repository';
import { oauthFormPipe } from '../token/oauth-form.pipe';
import { TokenHintRequestDto } from '../token/token-request.dto';
import { RevocationService } from './revocation.service';

@OAuthEndpointController()
export class RevocationController {
  constructor(private readonly revocation: RevocationService) {}

  /** RFC 7009 §2.1; 200 with an empty body on success (§2.2). */
  @OAuthEndpoint('revoke', { publicClients: true })
  async revoke(@AuthenticatedClient() client: OAuthClient, @Body(oauthFormPipe) request: TokenHintRequestDto): Promise<void> {
    await this.revocation.revoke(client, request.token, request.token_type_hint);
  }
}
