import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { BasicStrategy } from 'passport-http';
import { OAuthError } from '../errors/oauth.error';
import { CLIENT_BASIC_STRATEGY } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';
import { ClientAuthenticator } from './client-authenticator';

/** `client_secret_basic`: client id and secret in an HTTP Basic `Authorization` header (RFC 6749 §2.3.1). */
@Injectable()
export class ClientBasicStrategy extends PassportStrategy(BasicStrategy, CLIENT_BASIC_STRATEGY) {
  constructor(private readonly authenticator: ClientAuthenticator) {
    super();
  }

  async validate(encodedId: string, encodedSecret: string): Promise<OAuthClient> {
    const clientId = decodeFormComponent(encodedId);
    const secret = decodeFormComponent(encodedSecret);
    if (clientId === null || secret === null) throw OAuthError.invalidClient('The client credentials are malformed');
    const client = await this.authenticator.authenticate(clientId, secret);
    if (!client) throw OAuthError.invalidClient();
    return client;
  }
}

/**
 * RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before they are joined and base64-encoded,
 * so "+" stands for a space and "%XX" for a byte. `null` for a broken percent-encoding.
 */
export function decodeFormComponent(value: string): string | null {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}
