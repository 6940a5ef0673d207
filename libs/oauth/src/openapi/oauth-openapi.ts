import { OAUTH_GRANT_TYPES } from '../grants/grant-registry';

/**
 * The module's endpoints as plain OpenAPI 3.0 data, for a host that publishes API documentation. Documentation is
 * the host's optional concern, so nothing here depends on @nestjs/swagger or any other generator: merge `paths`,
 * `components` and `tags` into whatever document the host builds (with @nestjs/swagger, the one
 * `SwaggerModule.createDocument` returns), replacing what a scanner inferred for these routes.
 */

/** Any JSON value, which is all an OpenAPI document is. */
export type OpenApiJson = string | number | boolean | null | OpenApiJson[] | { [key: string]: OpenApiJson };
export type OpenApiJsonObject = { [key: string]: OpenApiJson };

/** Names of the security schemes in `components.securitySchemes`, for a host to cite on its own routes. */
export const OAUTH_OPENAPI_SECURITY = {
  /** OAuth 2.0 password flow against the token endpoint: what Swagger UI's Authorize dialog logs in with. */
  oauth2: 'oauth2',
  /** An access token pasted by hand, sent as `Authorization: Bearer`. */
  bearer: 'bearer',
  /** Client credentials as HTTP Basic (`client_secret_basic`), for the token, revocation and introspection endpoints. */
  clientBasic: 'clientBasic',
} as const;

export interface OAuthOpenApiOptions {
  /**
   * Where the module's routes are served, when the host sets a global prefix (`'/api'`): prefixed to every path
   * and to the password flow's `tokenUrl`.
   * @default ''
   */
  pathPrefix?: string;
  /**
   * The scopes a user may tick in the password flow, by name, with what each allows.
   * @default {}
   */
  scopes?: Record<string, string>;
  /**
   * The `grant_type` values the token endpoint accepts: pass `OAuthGrantRegistry.enabledGrantTypes` (from
   * `app.get(OAuthGrantRegistry)`) when the host registers grants of its own or narrows `grantTypes`.
   * @default OAUTH_GRANT_TYPES, the built-in grants
   */
  grantTypes?: readonly string[];
  /**
   * The tag the module's operations are listed under.
   * @default 'OAuth 2.0'
   */
  tag?: string;
}

export interface OAuthOpenApi {
  /** Path items by path, the prefix applied. */
  paths: Record<string, OpenApiJsonObject>;
  components: {
    securitySchemes: Record<string, OpenApiJsonObject>;
    schemas: Record<string, OpenApiJsonObject>;
  };
  tags: { name: string; description: string }[];
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: OpenApiJsonObject) => ({ 'application/json': { schema } });
const noStore: OpenApiJsonObject = {
  'Cache-Control': { description: 'Always `no-store`: the response carries credentials (RFC 6749 §5.1).', schema: { type: 'string' } },
  Pragma: { description: 'Always `no-cache`.', schema: { type: 'string' } },
};
const error = (description: string, headers: OpenApiJsonObject = {}): OpenApiJsonObject => ({
  description,
  headers: { ...noStore, ...headers },
  content: json(ref('OAuthError')),
});
const retryAfter: OpenApiJsonObject = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' } } };
const basicChallenge: OpenApiJsonObject = { 'WWW-Authenticate': { description: 'A `Basic` challenge.', schema: { type: 'string' } } };

/** The responses every client-authenticated endpoint shares: bad client, rate limit, oversized body, overload. */
const clientEndpointErrors: Record<string, OpenApiJsonObject> = {
  '401': error(
    '`invalid_client`: the client credentials are missing or wrong, or too many attempts failed for this client id ' + '(then with `Retry-After`).',
    { ...basicChallenge, ...retryAfter },
  ),
  '413': error('`invalid_request`: the body is larger than the server accepts.'),
  '429': error('`temporarily_unavailable`: too many requests from this address.', retryAfter),
  '503': error('`temporarily_unavailable`: the server is computing as many secret and password hashes as it will take; try again.', retryAfter),
};

/** Where RFC 6749 defines each built-in grant; any other is an extension grant (§4.5). */
const GRANT_SECTIONS: Record<string, string> = {
  password: '§4.3',
  refresh_token: '§6, which rotates the refresh token',
  client_credentials: '§4.4',
};

function describeGrants(grantTypes: readonly string[]): string {
  const described = grantTypes.map((type) => `\`${type}\` (${GRANT_SECTIONS[type] ?? 'an extension grant, §4.5'})`);
  return described.length > 1 ? `${described.slice(0, -1).join(', ')} and ${described[described.length - 1]}` : (described[0] ?? 'none');
}

const clientAuthentication =
  'The client authenticates with HTTP Basic (`client_secret_basic`, the `clientBasic` scheme) or with `client_id` and ' +
  '`client_secret` in the body (`client_secret_post`), never both in one request. The body must be ' +
  '`application/x-www-form-urlencoded`.';

/**
 * The OpenAPI description of the token, revocation, introspection, metadata and JWKS endpoints, their
 * schemas, and the security schemes a host cites on routes that `BearerGuard` protects (see
 * `OAUTH_OPENAPI_SECURITY`).
 */
export function oauthOpenApi(options: OAuthOpenApiOptions = {}): OAuthOpenApi {
  const prefix = (options.pathPrefix ?? '').replace(/\/+$/, '');
  const tag = options.tag ?? 'OAuth 2.0';
  const tokenUrl = `${prefix}/oauth/token`;
  const grantTypes = [...(options.grantTypes ?? OAUTH_GRANT_TYPES)];
  // Basic, or nothing the scheme covers (the credentials are then in the body).
  const clientSecurity: OpenApiJson[] = [{ [OAUTH_OPENAPI_SECURITY.clientBasic]: [] }, {}];

  const paths: Record<string, OpenApiJsonObject> = {
    '/oauth/token': {
      post: {
        tags: [tag],
        operationId: 'oauthToken',
        summary: 'Issue an access token (RFC 6749 §3.2)',
        description: `Grants ${describeGrants(grantTypes)}, each allowed per client. ${clientAuthentication}`,
        security: clientSecurity,
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: ref('OAuthTokenRequest') } },
        },
        responses: {
          '200': { description: 'The tokens.', headers: noStore, content: json(ref('OAuthTokenResponse')) },
          '400': error(
            '`invalid_request`, `invalid_grant` (wrong username or password, or a refresh token that is invalid, ' +
              'expired, revoked or reused), `unsupported_grant_type`, `unauthorized_client` or `invalid_scope`.',
          ),
          ...clientEndpointErrors,
          '429': error(
            '`invalid_grant`: too many failed logins for this username; or `temporarily_unavailable`: too many ' + 'requests from this address.',
            retryAfter,
          ),
        },
      },
    },
    '/oauth/revoke': {
      post: {
        tags: [tag],
        operationId: 'oauthRevoke',
        summary: 'Revoke a token (RFC 7009)',
        description:
          'Revokes an access or refresh token issued to the calling client, together with every token of the same ' +
          `grant. An unknown token is not an error (RFC 7009 §2.2). ${clientAuthentication}`,
        security: clientSecurity,
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: ref('OAuthTokenHintRequest') } },
        },
        responses: {
          '200': { description: 'Revoked, or there was nothing to revoke. The body is empty.', headers: noStore },
          '400': error('`invalid_request`, or `unauthorized_client`: the token was issued to another client.'),
          ...clientEndpointErrors,
        },
      },
    },
    '/oauth/introspect': {
      post: {
        tags: [tag],
        operationId: 'oauthIntrospect',
        summary: 'Describe a token (RFC 7662)',
        description: `Whether a token is active, and if so what it grants. Any registered client may ask. ${clientAuthentication}`,
        security: clientSecurity,
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: ref('OAuthTokenHintRequest') } },
        },
        responses: {
          '200': { description: 'The token, or `{"active": false}` alone.', headers: noStore, content: json(ref('OAuthIntrospectionResponse')) },
          '400': error('`invalid_request`.'),
          ...clientEndpointErrors,
        },
      },
    },
    '/.well-known/oauth-authorization-server': {
      get: {
        tags: [tag],
        operationId: 'oauthServerMetadata',
        summary: 'Authorization server metadata (RFC 8414)',
        security: [],
        responses: { '200': { description: 'Where the endpoints are and what they support.', content: json(ref('OAuthServerMetadata')) } },
      },
    },
    '/.well-known/jwks.json': {
      get: {
        tags: [tag],
        operationId: 'oauthJwks',
        summary: 'Public keys of JWT access tokens (RFC 7517)',
        security: [],
        responses: {
          '200': { description: 'The JWK Set.', content: json(ref('OAuthJwkSet')) },
          '404': { description: 'Access tokens are opaque on this server: there are no keys to publish.' },
        },
      },
    },
  };

  const schemas: Record<string, OpenApiJsonObject> = {
    OAuthTokenRequest: {
      type: 'object',
      required: ['grant_type'],
      properties: {
        grant_type: { type: 'string', enum: grantTypes },
        username: { type: 'string', description: '`password` grant.' },
        password: { type: 'string', format: 'password', description: '`password` grant.' },
        refresh_token: { type: 'string', description: '`refresh_token` grant.' },
        scope: {
          type: 'string',
          description: 'Space-separated scopes; the client’s default scopes when omitted. A refresh may narrow, never widen.',
        },
        client_id: { type: 'string', description: '`client_secret_post` only.' },
        client_secret: { type: 'string', format: 'password', description: '`client_secret_post` only.' },
      },
    },
    OAuthTokenResponse: {
      type: 'object',
      required: ['access_token', 'token_type', 'expires_in', 'scope'],
      properties: {
        access_token: { type: 'string' },
        token_type: { type: 'string', enum: ['bearer'] },
        expires_in: { type: 'integer', description: 'Seconds until the access token expires.' },
        refresh_token: { type: 'string', description: 'Absent for `client_credentials`.' },
        scope: { type: 'string', description: 'The scopes granted, space-separated.' },
      },
    },
    OAuthTokenHintRequest: {
      type: 'object',
      required: ['token'],
      properties: {
        token: { type: 'string' },
        token_type_hint: { type: 'string', enum: ['access_token', 'refresh_token'] },
        client_id: { type: 'string', description: '`client_secret_post` only.' },
        client_secret: { type: 'string', format: 'password', description: '`client_secret_post` only.' },
      },
    },
    OAuthIntrospectionResponse: {
      type: 'object',
      required: ['active'],
      properties: {
        active: { type: 'boolean' },
        scope: { type: 'string' },
        client_id: { type: 'string' },
        username: { type: 'string', description: 'Absent for a token that stands for a client alone.' },
        sub: { type: 'string', description: 'Absent for a token that stands for a client alone.' },
        token_type: { type: 'string', enum: ['Bearer', 'refresh_token'] },
        exp: { type: 'integer', description: 'Expiry, in seconds since the epoch.' },
        iat: { type: 'integer', description: 'Issue time, in seconds since the epoch.' },
      },
    },
    OAuthError: {
      type: 'object',
      required: ['error', 'error_description'],
      properties: {
        error: {
          type: 'string',
          enum: [
            'invalid_request',
            'invalid_client',
            'invalid_grant',
            'unauthorized_client',
            'unsupported_grant_type',
            'invalid_scope',
            'invalid_token',
            'insufficient_scope',
            'temporarily_unavailable',
            'server_error',
          ],
        },
        error_description: { type: 'string' },
      },
    },
    OAuthServerMetadata: {
      type: 'object',
      required: ['issuer', 'token_endpoint', 'grant_types_supported', 'response_types_supported'],
      properties: {
        issuer: { type: 'string', format: 'uri' },
        token_endpoint: { type: 'string', format: 'uri' },
        revocation_endpoint: { type: 'string', format: 'uri' },
        introspection_endpoint: { type: 'string', format: 'uri' },
        jwks_uri: { type: 'string', format: 'uri', description: 'Only when access tokens are JWTs.' },
        grant_types_supported: { type: 'array', items: { type: 'string' } },
        response_types_supported: { type: 'array', items: { type: 'string' } },
        token_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
        revocation_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
        introspection_endpoint_auth_methods_supported: { type: 'array', items: { type: 'string' } },
        scopes_supported: { type: 'array', items: { type: 'string' } },
      },
    },
    OAuthJwkSet: {
      type: 'object',
      required: ['keys'],
      properties: { keys: { type: 'array', items: { type: 'object', additionalProperties: true } } },
    },
  };

  const securitySchemes: Record<string, OpenApiJsonObject> = {
    [OAUTH_OPENAPI_SECURITY.oauth2]: {
      type: 'oauth2',
      description:
        'Log in as a user: the password grant at the token endpoint. The client credentials go as HTTP Basic or in ' +
        'the body; the server accepts both. Swagger UI’s Basic does not form-encode them, so a client whose id or ' +
        'secret contains `%` or `+` must use the body.',
      flows: { password: { tokenUrl, refreshUrl: tokenUrl, scopes: { ...(options.scopes ?? {}) } } },
    },
    [OAUTH_OPENAPI_SECURITY.bearer]: {
      type: 'http',
      scheme: 'bearer',
      description: 'An access token from the token endpoint, sent as `Authorization: Bearer` (RFC 6750 §2.1).',
    },
    [OAUTH_OPENAPI_SECURITY.clientBasic]: {
      type: 'http',
      scheme: 'basic',
      description: 'The client’s `client_id` and `client_secret` (RFC 6749 §2.3.1).',
    },
  };

  // A deep copy: the parts shared between operations above stay the module's own, whatever a host edits.
  return structuredClone({
    paths: Object.fromEntries(Object.entries(paths).map(([path, item]) => [`${prefix}${path}`, item])),
    components: { securitySchemes, schemas },
    tags: [{ name: tag, description: 'The authorization server: tokens, revocation, introspection and metadata.' }],
  });
}
