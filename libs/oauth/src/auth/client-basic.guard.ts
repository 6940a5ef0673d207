import { Injectable } from '@nestjs/common';
import { AuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import { OAuthError } from '../errors/oauth.error';
import { CLIENT_BASIC_STRATEGY, OAUTH_CLIENT_PROPERTY } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';

/**
 * Authenticates the calling client with HTTP Basic and puts it on the request (read it with
 * `@AuthenticatedClient()`). Every failure, including no credentials at all or a header that cannot be parsed,
 * is `invalid_client` with a `WWW-Authenticate: Basic` challenge, so a client always learns the scheme.
 */
@Injectable()
export class ClientBasicGuard extends AuthGuard(CLIENT_BASIC_STRATEGY) {
  override getAuthenticateOptions(): IAuthModuleOptions {
    return { session: false, property: OAUTH_CLIENT_PROPERTY };
  }

  override handleRequest<TClient = OAuthClient>(error: unknown, client: TClient | false): TClient {
    if (error) throw error instanceof OAuthError ? error : OAuthError.serverError(error);
    if (!client) throw OAuthError.invalidClient();
    return client;
  }
}
