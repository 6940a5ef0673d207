"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.grantHandlersProvider = exports.GRANT_HANDLER_CLASSES = void 0;
const misconfiguration_error_1 = require("../errors/misconfiguration.error");
const oauth_constants_1 = require("../oauth.constants");
const password_grant_1 = require("./password.grant");
const refresh_token_grant_1 = require("./refresh-token.grant");
/** Every grant the module implements; a new grant is one class here and its file. */
exports.GRANT_HANDLER_CLASSES = [password_grant_1.PasswordGrant, refresh_token_grant_1.RefreshTokenGrant];
/** Builds the `grant_type` → handler map from the grants the options enable. */
exports.grantHandlersProvider = {
    provide: oauth_constants_1.OAUTH_GRANT_HANDLERS,
    inject: [oauth_constants_1.OAUTH_RESOLVED_OPTIONS, ...exports.GRANT_HANDLER_CLASSES],
    useFactory: (options, password, ...others) => {
        if (options.grantTypes.includes('password') && !password.userLookup) {
            throw new misconfiguration_error_1.MisconfigurationError('OAuthModule: the password grant is enabled but no user lookup is configured. ' +
                'Pass `userLookup: YourUserLookup` (a class implementing UserLookup) and the modules it needs in `imports`, ' +
                "or leave 'password' out of `grantTypes`.");
        }
        const handlers = new Map();
        for (const handler of [password, ...others]) {
            if (options.grantTypes.includes(handler.grantType))
                handlers.set(handler.grantType, handler);
        }
        return handlers;
    },
};
//# sourceMappingURL=grant-handlers.provider.js.map