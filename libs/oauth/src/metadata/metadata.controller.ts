import { Controller, Get, Header, NotFoundException, type OnModuleInit, Req } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { AuthorizeController } from '../authorize/authorize.controller';
import { IntrospectionController } from '../introspection/introspection.controller';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';
import { RevocationController } from '../revocation/revocation.controller';
import { TokenController } from '../token/token.controller';
import { JwksController } from './jwks.controller';
import { JwtAccessTokenService } from '../jwt/jwt-access-token.service';
import { SUPPORTED_CLAIMS } from '../oidc/scoped-claims';
import { UserinfoController } from '../oidc/userinfo.controller';
import { RoutePaths } from './route-paths';

/** Where each endpoint the metadata names is served, as paths under the issuer. */
interface EndpointPaths {
  userinfo: string;
  authorization: string;
  token: string;
  revocation: string;
  introspection: string;
  jwks: string;
}

/**
 * Authorization server metadata, RFC 8414 §3. The document depends on the configuration and on where Nest mounted
 * the endpoints, both fixed once the application is initialised, so it is built once then; nothing in it is read
 * from storage, so an anonymous request costs no database work.
 */
@Controller('.well-known')
// A host's global BearerGuard must not ask for an access token here.
@Public()
export class MetadataController implements OnModuleInit {
  private paths!: EndpointPaths;
  /** The whole document, when the issuer is configured. */
  private document: Record<string, unknown> | undefined;

  constructor(
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    private readonly routes: RoutePaths,
    private readonly jwt: JwtAccessTokenService,
  ) {}

  onModuleInit(): void {
    // Under a global prefix, a RouterModule path or URI versioning the endpoints are not at /oauth/...: the
    // document names the paths Nest actually serves them at, or clients would be sent to a 404.
    this.paths = {
      userinfo: this.routes.of(UserinfoController, 'get'),
      authorization: this.routes.of(AuthorizeController, 'authorize'),
      token: this.routes.of(TokenController, 'token'),
      revocation: this.routes.of(RevocationController, 'revoke'),
      introspection: this.routes.of(IntrospectionController, 'introspect'),
      jwks: this.routes.of(JwksController, 'jwks'),
    };
  }

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'no-cache')
  metadata(@Req() request: { protocol?: string; headers: Record<string, string | string[] | undefined> }): Record<string, unknown> {
    // Without a configured issuer (development only: the reference app refuses to start in production without
    // one), the request's origin stands in for it.
    // Built on first use rather than at init: whether the signing keys (jwks_uri) loaded is known only after every
    // provider's onModuleInit.
    if (this.options.issuer !== undefined) return (this.document ??= this.build(this.options.issuer));
    return this.build(`${request.protocol ?? 'http'}://${String(request.headers.host ?? 'localhost')}`);
  }

  /**
   * OpenID Connect Discovery 1.0 §4: the same document with what a relying party needs besides. Only where the
   * module can sign ID tokens.
   */
  @Get('openid-configuration')
  @Header('Cache-Control', 'no-cache')
  openidConfiguration(@Req() request: { protocol?: string; headers: Record<string, string | string[] | undefined> }): Record<string, unknown> {
    if (!this.jwt.signs) throw new NotFoundException();
    const metadata = this.metadata(request);
    const base = String(metadata.issuer).replace(/\/+$/, '');
    return {
      ...metadata,
      userinfo_endpoint: `${base}${this.paths.userinfo}`,
      jwks_uri: `${base}${this.paths.jwks}`,
      scopes_supported: [...new Set(['openid', ...this.options.scopesSupported])],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [this.jwt.algorithm],
      claims_supported: SUPPORTED_CLAIMS,
    };
  }

  private build(issuer: string): Record<string, unknown> {
    // The issuer is the public URL of the application's root: a reverse proxy's path prefix belongs in it, the
    // paths Nest adds (global prefix, RouterModule) do not.
    const base = issuer.replace(/\/+$/, '');
    const authMethods = ['client_secret_basic', 'client_secret_post'];
    const codeFlow = this.options.grantTypes.includes('authorization_code');
    return {
      issuer,
      ...(codeFlow ? { authorization_endpoint: `${base}${this.paths.authorization}` } : {}),
      token_endpoint: `${base}${this.paths.token}`,
      revocation_endpoint: `${base}${this.paths.revocation}`,
      introspection_endpoint: `${base}${this.paths.introspection}`,
      ...(this.jwt.signs ? { jwks_uri: `${base}${this.paths.jwks}` } : {}),
      grant_types_supported: this.options.grantTypes,
      // RFC 8414 §2 makes this field REQUIRED; without the authorization endpoint there is no response type.
      response_types_supported: codeFlow ? ['code'] : [],
      ...(codeFlow
        ? {
            // RFC 9700 §2.1.1: PKCE for every client, and plain is not offered.
            code_challenge_methods_supported: ['S256'],
            authorization_response_iss_parameter_supported: true,
          }
        : {}),
      // Public clients (RFC 6749 §2.1) send only their client_id.
      token_endpoint_auth_methods_supported: [...authMethods, 'none'],
      revocation_endpoint_auth_methods_supported: [...authMethods, 'none'],
      introspection_endpoint_auth_methods_supported: authMethods,
      // RECOMMENDED, and a server "MAY choose not to advertise some supported scope values" (RFC 8414 §2): so it
      // comes from configuration rather than from the registered clients, which would cost a read of every client
      // per anonymous request, or a cache that the admin CLI (another process) could not invalidate.
      ...(this.options.scopesSupported.length > 0 ? { scopes_supported: this.options.scopesSupported } : {}),
    };
  }
}
