import { applyDecorators, Controller, Header, HttpCode, Post, UseFilters, UseGuards } from '@nestjs/common';
import { OAuthEndpointExceptionFilter } from '../errors/oauth-exception.filter';
import { ClientAuthGuard, ClientOrPublicAuthGuard } from './client-auth.guard';
import { FormBodyGuard } from './form-body.guard';
import { Public } from './public.decorator';
import { TokenRateLimitGuard } from './token-rate-limit.guard';

/**
 * A controller of the module's own OAuth endpoints: every failure is an OAuth error body, and a host's global
 * BearerGuard must not ask for an access token here.
 */
export const OAuthEndpointController = () => applyDecorators(Controller('oauth'), Public(), UseFilters(OAuthEndpointExceptionFilter));

/**
 * A client-authenticated OAuth endpoint (token, revocation, introspection): `POST`, answered 200, rate limited
 * per IP before anything else, form bodies only, the client authenticated by Basic or by the body, and never
 * cached (RFC 6749 §5.1, RFC 7009 §2, RFC 7662 §2.2). `publicClients` lets public clients in by `client_id`.
 */
export const OAuthEndpoint = (path: string, { publicClients = false }: { publicClients?: boolean } = {}) =>
  applyDecorators(
    Post(path),
    HttpCode(200),
    UseGuards(TokenRateLimitGuard, FormBodyGuard, publicClients ? ClientOrPublicAuthGuard : ClientAuthGuard),
    Header('Cache-Control', 'no-store'),
    Header('Pragma', 'no-cache'),
  );
