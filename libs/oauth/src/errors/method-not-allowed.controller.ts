import { Controller, NotFoundException, RequestMapping, RequestMethod, type Type } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import { OAUTH_ENDPOINT_PATHS } from '../oauth.constants';
import { OAuthError } from './oauth.error';

/**
 * RFC 9110 §15.5.6: a request with a method the module's endpoints do not serve gets 405 with an `Allow` header and
 * an RFC 6749 §5.2 body, not the platform's 404 (whose text repeats the URL, query string and all). The refusals
 * are routes of their own, so every host gets them on either platform, under any global prefix.
 */
@Controller()
// A host's global BearerGuard must not ask for an access token to refuse a method.
@Public()
export class MethodNotAllowedController {
  constructor(private readonly jwt: JwtAccessTokenService) {}

  /** The token, revocation and introspection endpoints take POST only (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). */
  oauthEndpoint(): never {
    throw OAuthError.methodNotAllowed(['POST']);
  }

  /** RFC 8414 §3.1: metadata is read with GET (and so HEAD). */
  metadata(): never {
    throw OAuthError.methodNotAllowed(['GET', 'HEAD']);
  }

  /** As `metadata`, where the JWKS is served at all: without JWT access tokens its GET is a 404 too. */
  jwks(): never {
    if (!this.jwt.signs) throw new NotFoundException();
    throw OAuthError.methodNotAllowed(['GET', 'HEAD']);
  }
}

/**
 * Every method a Nest route can be declared for but ALL (which Fastify cannot register beside the served method's
 * route) and HEAD (both platforms answer it with the GET route).
 */
const DECLARABLE_METHODS = Object.values(RequestMethod).filter(
  (method): method is RequestMethod => typeof method === 'number' && method !== RequestMethod.ALL && method !== RequestMethod.HEAD,
);

/**
 * Declares on `controller` a route for each method but `served` at `paths`, answered by its `handler`. Nest binds
 * one method to a handler, so each gets a handler of its own that calls the shared one.
 */
function refuseOtherMethods<T>(controller: Type<T>, handler: keyof T & string, paths: string[], served: RequestMethod): void {
  for (const method of DECLARABLE_METHODS.filter((method) => method !== served)) {
    const name = `${handler}${RequestMethod[method]}`;
    Object.defineProperty(controller.prototype, name, {
      value: function (this: Record<string, () => never>) {
        return this[handler]();
      },
      writable: true,
      configurable: true,
    });
    RequestMapping({ path: paths, method })(controller.prototype, name, Object.getOwnPropertyDescriptor(controller.prototype, name)!);
  }
}

refuseOtherMethods(
  MethodNotAllowedController,
  'oauthEndpoint',
  OAUTH_ENDPOINT_PATHS.map((path) => path.slice(1)),
  RequestMethod.POST,
);
refuseOtherMethods(MethodNotAllowedController, 'metadata', ['.well-known/oauth-authorization-server'], RequestMethod.GET);
refuseOtherMethods(MethodNotAllowedController, 'jwks', ['.well-known/jwks.json'], RequestMethod.GET);
