import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { IncomingMessage } from 'node:http';
import { Strategy } from 'passport-http-bearer';
import { OAuthError } from '../errors/oauth.error';
import { BEARER_STRATEGY } from '../oauth.constants';
import { AccessTokenVerifier } from './access-token.verifier';
import type { OAuthPrincipal } from './oauth-principal.interface';

/** Access tokens in the `Authorization: Bearer` header (RFC 6750 §2.1). */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, BEARER_STRATEGY) {
  constructor(private readonly verifier: AccessTokenVerifier) {
    super({ passReqToCallback: true });
  }

  async validate(request: IncomingMessage, token: string): Promise<OAuthPrincipal> {
    // passport-http-bearer also reads `access_token` from the form body and the query string (RFC 6750 §2.2,
    // §2.3). Tokens in URLs end up in logs and Referer headers, so RFC 9700 §4.3.2 advises against them; only the
    // header is accepted.
    if (!isHeaderToken(request.headers.authorization, token)) {
      throw new OAuthError('invalid_request', 'Send the access token in the Authorization header', 400, {
        scheme: 'Bearer',
        error: 'invalid_request',
      });
    }
    const principal = await this.verifier.verify(token);
    if (!principal) throw OAuthError.invalidToken();
    return principal;
  }
}

function isHeaderToken(authorization: string | undefined, token: string): boolean {
  const [scheme, credentials] = authorization?.split(' ') ?? [];
  return /^bearer$/i.test(scheme ?? '') && credentials === token;
}
