/** The options exactly as the host passed them to `forRoot` / `forRootAsync`. */
export const OAUTH_MODULE_OPTIONS = Symbol('OAUTH_MODULE_OPTIONS');
/** The same options with every default applied and every value checked, resolved once at boot. */
export const OAUTH_RESOLVED_OPTIONS = Symbol('OAUTH_RESOLVED_OPTIONS');
/** Every registered `grant_type` (built-in and the host's), known before the handlers are created. */
export const OAUTH_REGISTERED_GRANT_TYPES = Symbol('OAUTH_REGISTERED_GRANT_TYPES');
/** Metadata key under which `@Scopes()` stores the scopes a route requires. */
export const OAUTH_SCOPES_KEY = 'oauth:scopes';
/** Passport strategy names; prefixed so they never collide with a host's own `basic` or `bearer`. */
export const CLIENT_BASIC_STRATEGY = 'oauth-client-basic';
export const CLIENT_POST_STRATEGY = 'oauth-client-post';
export const CLIENT_PUBLIC_STRATEGY = 'oauth-client-public';
export const BEARER_STRATEGY = 'oauth-bearer';
/** Request property that holds the client authenticated at the token endpoint. */
export const OAUTH_CLIENT_PROPERTY = 'oauthClient';
/** Request property that holds the principal of a valid access token. */
export const OAUTH_PRINCIPAL_PROPERTY = 'user';
/** Paths of the module's own endpoints, whose every error must be an OAuth error body. */
export const OAUTH_ENDPOINT_PATHS = ['/oauth/token', '/oauth/revoke', '/oauth/introspect'];
/** Metadata key under which `@RequireUser()` marks routes that need a resource owner behind the token. */
export const OAUTH_REQUIRE_USER_KEY = 'oauth:require-user';
/** Metadata key under which `@Public()` marks routes that `BearerGuard` lets through without a token. */
export const OAUTH_PUBLIC_KEY = 'oauth:public';
