"use strict";
var _a;
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAUTH_ASYNC_OPTIONS_TYPE = exports.OAUTH_OPTIONS_TYPE = exports.ConfigurableOAuthModule = void 0;
const common_1 = require("@nestjs/common");
const user_lookup_1 = require("./repositories/user-lookup");
const misconfiguration_error_1 = require("./errors/misconfiguration.error");
const oauth_constants_1 = require("./oauth.constants");
_a = new common_1.ConfigurableModuleBuilder({
    // Derived from the class name this would be O_AUTH_MODULE_OPTIONS; name it explicitly.
    optionsInjectionToken: oauth_constants_1.OAUTH_MODULE_OPTIONS,
})
    .setClassMethodName('forRoot')
    .setFactoryMethodName('createOAuthOptions')
    .setExtras({ isGlobal: false, imports: [] }, (definition, extras) => {
    if (!extras.storage) {
        throw new misconfiguration_error_1.MisconfigurationError('OAuthModule needs a storage: pass `storage: OAuthTypeOrmModule.forFeature()` (or your own module that ' +
            'exports ClientRepository, GrantRepository, AccessTokenRepository and RefreshTokenRepository).');
    }
    return {
        ...definition,
        global: extras.isGlobal,
        imports: [...(definition.imports ?? []), ...(extras.imports ?? []), extras.storage],
        providers: [
            ...(definition.providers ?? []),
            ...(extras.userLookup ? [{ provide: user_lookup_1.UserLookup, useClass: extras.userLookup }] : []),
        ],
    };
})
    .build(), exports.ConfigurableOAuthModule = _a.ConfigurableModuleClass, exports.OAUTH_OPTIONS_TYPE = _a.OPTIONS_TYPE, exports.OAUTH_ASYNC_OPTIONS_TYPE = _a.ASYNC_OPTIONS_TYPE;
//# sourceMappingURL=oauth.module-definition.js.map