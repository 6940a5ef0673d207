import { Controller, Get, Header, Req } from '@nestjs/common';
import { Public } from '../auth/public.decorator';
import { ClientRepository } from '../repositories/client.repository';
import type { ResolvedOAuthOptions } from '../oauth-module-options.interface';
import { InjectOAuthOptions } from '../oauth-options';

/** Authorization server metadata, RFC 8414 §3. */
@Controller('.well-known')
// A host's global BearerGuard must not ask for an access token here.
@Public()
export class MetadataController {
  constructor(
    @InjectOAuthOptions() private readonly options: ResolvedOAuthOptions,
    private readonly clients: ClientRepository,
  ) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'no-cache')
  async metadata(@Req() request: { protocol?: string; headers: Record<string, string | string[] | undefined> }) {
    const issuer = this.options.issuer ?? `${request.protocol ?? 'http'}://${String(request.headers.host ?? 'localhost')}`;
    const base = issuer.replace(/\/+$/, '');
    const authMethods = ['client_secret_basic', 'client_secret_post'];
    // What clients may actually be granted, read live: the union of every registered client's scopes.
    const scopes = new Set((await this.clients.list()).flatMap((client) => client.scopes));
    return {
      issuer,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      introspection_endpoint: `${base}/oauth/introspect`,
      ...(this.options.accessTokenFormat === 'jwt' ? { jwks_uri: `${base}/.well-known/jwks.json` } : {}),
      grant_types_supported: this.options.grantTypes,
      // RFC 8414 §2 makes this field REQUIRED; there is no authorization endpoint, so no response type.
      response_types_supported: [],
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_methods_supported: authMethods,
      scopes_supported: [...scopes].sort(),
    };
  }
}
