"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InjectOAuthOptions = exports.SUPPORTED_GRANT_TYPES = void 0;
exports.resolveOAuthOptions = resolveOAuthOptions;
const common_1 = require("@nestjs/common");
const oauth_constants_1 = require("./oauth.constants");
const misconfiguration_error_1 = require("./errors/misconfiguration.error");
exports.SUPPORTED_GRANT_TYPES = ['password', 'refresh_token'];
const DEFAULTS = {
    accessTokenTtl: 3600,
    refreshTokenTtl: 14 * 24 * 3600,
    grantTypes: ['password', 'refresh_token'],
    realm: 'oauth',
};
/** Applies defaults and rejects values that would make the server misbehave, so it fails at boot instead. */
function resolveOAuthOptions(options = {}) {
    const resolved = { ...DEFAULTS, ...stripUndefined(options) };
    for (const key of ['accessTokenTtl', 'refreshTokenTtl']) {
        if (!Number.isSafeInteger(resolved[key]) || resolved[key] <= 0) {
            throw new misconfiguration_error_1.MisconfigurationError(`OAuthModule: ${key} must be a positive whole number of seconds, got ${String(resolved[key])}`);
        }
    }
    const unknown = resolved.grantTypes.filter((type) => !exports.SUPPORTED_GRANT_TYPES.includes(type));
    if (unknown.length > 0) {
        throw new misconfiguration_error_1.MisconfigurationError(`OAuthModule: unsupported grant type(s) ${unknown.join(', ')}; supported: ${exports.SUPPORTED_GRANT_TYPES.join(', ')}`);
    }
    // The realm is written into a quoted header parameter (RFC 7235 §2.2): a quote or a line break would break it.
    if (!/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/.test(resolved.realm)) {
        throw new misconfiguration_error_1.MisconfigurationError('OAuthModule: realm must be printable ASCII without quotes or backslashes');
    }
    return resolved;
}
function stripUndefined(value) {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
/** Injects the resolved options (`ResolvedOAuthOptions`). */
const InjectOAuthOptions = () => (0, common_1.Inject)(oauth_constants_1.OAUTH_RESOLVED_OPTIONS);
exports.InjectOAuthOptions = InjectOAuthOptions;
//# sourceMappingURL=oauth-options.js.map