import { Controller, Get, Header, NotFoundException } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';

/** The public keys of JWT access tokens and ID tokens (RFC 7517 JWK Set), named by `jwks_uri` in the metadata. */
@Controller('.well-known')
// A host's global BearerGuard must not ask for an access token here.
@Public()
export class JwksController {
  constructor(private readonly jwt: JwtAccessTokenService) {}

  @Get('jwks.json')
  // Resource servers cache this; a short max-age lets a rotation reach them quickly.
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    if (!this.jwt.signs) throw new NotFoundException();
    return this.jwt.publicJwks();
  }
}
