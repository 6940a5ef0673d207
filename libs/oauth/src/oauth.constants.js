"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAUTH_PRINCIPAL_PROPERTY = exports.OAUTH_CLIENT_PROPERTY = exports.BEARER_STRATEGY = exports.CLIENT_BASIC_STRATEGY = exports.OAUTH_SCOPES_KEY = exports.OAUTH_GRANT_HANDLERS = exports.OAUTH_RESOLVED_OPTIONS = exports.OAUTH_MODULE_OPTIONS = void 0;
/** The options exactly as the host passed them to `forRoot` / `forRootAsync`. */
exports.OAUTH_MODULE_OPTIONS = Symbol('OAUTH_MODULE_OPTIONS');
/** The same options with every default applied and every value checked, resolved once at boot. */
exports.OAUTH_RESOLVED_OPTIONS = Symbol('OAUTH_RESOLVED_OPTIONS');
/** `Map<grant_type, GrantHandler>` of the grants this server has enabled. */
exports.OAUTH_GRANT_HANDLERS = Symbol('OAUTH_GRANT_HANDLERS');
/** Metadata key under which `@Scopes()` stores the scopes a route requires. */
exports.OAUTH_SCOPES_KEY = 'oauth:scopes';
/** Passport strategy names; prefixed so they never collide with a host's own `basic` or `bearer`. */
exports.CLIENT_BASIC_STRATEGY = 'oauth-client-basic';
exports.BEARER_STRATEGY = 'oauth-bearer';
/** Request property that holds the client authenticated at the token endpoint. */
exports.OAUTH_CLIENT_PROPERTY = 'oauthClient';
/** Request property that holds the principal of a valid access token. */
exports.OAUTH_PRINCIPAL_PROPERTY = 'user';
//# sourceMappingURL=oauth.constants.js.map