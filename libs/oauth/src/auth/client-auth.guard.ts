import { ExecutionContext, Injectable, mixin, type Type } from '@nestjs/common';
import { AuthGuard, type IAuthGuard, type IAuthModuleOptions } from '@nestjs/passport';
import { OAuthError } from '../errors/oauth.error';
import { CLIENT_BASIC_STRATEGY, CLIENT_POST_STRATEGY, CLIENT_PUBLIC_STRATEGY, OAUTH_CLIENT_PROPERTY } from '../oauth.constants';
import type { OAuthClient } from '../repositories/client.repository';

/**
 * A guard that authenticates the calling client with the given passport strategies and puts it on the request
 * (read it with `@AuthenticatedClient()`). Every failure, including no credentials at all or a header that
 * cannot be parsed, is `invalid_client` with a `WWW-Authenticate: Basic` challenge, so a client always learns
 * the scheme (RFC 6749 §5.2).
 */
function createClientGuard(strategies: string[], allowPost: boolean): Type<IAuthGuard> {
  @Injectable()
  class ClientGuard extends AuthGuard(strategies) {
    override getAuthenticateOptions(): IAuthModuleOptions {
      return { session: false, property: OAUTH_CLIENT_PROPERTY };
    }

    override async canActivate(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest();
      // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in one request.
      if (allowPost && request.headers?.authorization !== undefined && request.body?.client_secret !== undefined) {
        throw OAuthError.invalidRequest('Use one client authentication method: the Authorization header or client_secret, not both');
      }
      return (await super.canActivate(context)) as boolean;
    }

    override handleRequest<TClient = OAuthClient>(error: unknown, client: TClient | false): TClient {
      if (error) throw error instanceof OAuthError ? error : OAuthError.unexpected(error);
      if (!client) throw OAuthError.invalidClient();
      return client;
    }
  }
  return mixin(ClientGuard);
}

/** Client authentication by HTTP Basic only (`client_secret_basic`), for a host's own client-facing routes. */
export const ClientBasicGuard = createClientGuard([CLIENT_BASIC_STRATEGY], false);

/**
 * Client authentication by HTTP Basic or by `client_id` + `client_secret` in the form body
 * (`client_secret_basic`, `client_secret_post`): what the token, revocation and introspection endpoints accept.
 */
export const ClientAuthGuard = createClientGuard([CLIENT_BASIC_STRATEGY, CLIENT_POST_STRATEGY], true);

/**
 * `ClientAuthGuard`, and a public client (`token_endpoint_auth_method` `none`) by its `client_id` alone: what the
 * token and revocation endpoints accept (RFC 6749 §3.2.1, RFC 7009 §2.1).
 */
export const ClientOrPublicAuthGuard = createClientGuard([CLIENT_BASIC_STRATEGY, CLIENT_POST_STRATEGY, CLIENT_PUBLIC_STRATEGY], true);
