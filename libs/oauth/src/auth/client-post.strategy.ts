import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-oauth2-client-password';
import { OAuthError } from '../errors/oauth.error';
import { CLIENT_POST_STRATEGY } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';
import { ClientAuthenticator } from './client-authenticator';

/** `client_secret_post`: `client_id` and `client_secret` in the form body (RFC 6749 §2.3.1). */
@Injectable()
export class ClientPostStrategy extends PassportStrategy(Strategy, CLIENT_POST_STRATEGY) {
  constructor(private readonly authenticator: ClientAuthenticator) {
    super();
  }

  async validate(clientId: unknown, secret: unknown): Promise<OAuthClient> {
    // The body parser turns a repeated parameter into an array (RFC 6749 §3.2 forbids repeats).
    if (typeof clientId !== 'string' || typeof secret !== 'string') {
      throw OAuthError.invalidRequest('client_id and client_secret must each be sent once');
    }
    const client = await this.authenticator.authenticate(clientId, secret);
    if (!client) throw OAuthError.invalidClient();
    return client;
  }
}
