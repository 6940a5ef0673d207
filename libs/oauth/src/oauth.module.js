"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAuthModule = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const passport_1 = require("@nestjs/passport");
const access_token_verifier_1 = require("./auth/access-token.verifier");
const bearer_strategy_1 = require("./auth/bearer.strategy");
const client_authenticator_1 = require("./auth/client-authenticator");
const client_basic_strategy_1 = require("./auth/client-basic.strategy");
const oauth_exception_filter_1 = require("./errors/oauth-exception.filter");
const grant_handlers_provider_1 = require("./grants/grant-handlers.provider");
const oauth_constants_1 = require("./oauth.constants");
const oauth_module_definition_1 = require("./oauth.module-definition");
const oauth_options_1 = require("./oauth-options");
const token_controller_1 = require("./token/token.controller");
const token_issuer_1 = require("./token/token-issuer");
const token_service_1 = require("./token/token.service");
/**
 * Makes the application an OAuth 2.0 authorization server: `POST /oauth/token`, `ClientBasicGuard` and
 * `BearerGuard` for the host's routes, and the services behind them. Register it with `OAuthModule.forRoot()`
 * or `OAuthModule.forRootAsync()`.
 */
let OAuthModule = class OAuthModule extends oauth_module_definition_1.ConfigurableOAuthModule {
};
exports.OAuthModule = OAuthModule;
exports.OAuthModule = OAuthModule = __decorate([
    (0, common_1.Module)({
        imports: [passport_1.PassportModule],
        controllers: [token_controller_1.TokenController],
        providers: [
            {
                provide: oauth_constants_1.OAUTH_RESOLVED_OPTIONS,
                inject: [oauth_constants_1.OAUTH_MODULE_OPTIONS],
                useFactory: (options) => (0, oauth_options_1.resolveOAuthOptions)(options),
            },
            // Catches only OAuthError, so it answers for the guards on the host's routes without touching the host's
            // other errors.
            { provide: core_1.APP_FILTER, useClass: oauth_exception_filter_1.OAuthExceptionFilter },
            ...grant_handlers_provider_1.GRANT_HANDLER_CLASSES,
            grant_handlers_provider_1.grantHandlersProvider,
            token_issuer_1.TokenIssuer,
            token_service_1.TokenService,
            client_authenticator_1.ClientAuthenticator,
            client_basic_strategy_1.ClientBasicStrategy,
            access_token_verifier_1.AccessTokenVerifier,
            bearer_strategy_1.BearerStrategy,
        ],
        exports: [oauth_constants_1.OAUTH_RESOLVED_OPTIONS, token_service_1.TokenService, access_token_verifier_1.AccessTokenVerifier],
    })
], OAuthModule);
//# sourceMappingURL=oauth.module.js.map