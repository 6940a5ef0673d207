"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ClientBasicGuard = void 0;
const common_1 = require("@nestjs/common");
const passport_1 = require("@nestjs/passport");
const oauth_error_1 = require("../errors/oauth.error");
const oauth_constants_1 = require("../oauth.constants");
/**
 * Authenticates the calling client with HTTP Basic and puts it on the request (read it with
 * `@AuthenticatedClient()`). Every failure, including no credentials at all or a header that cannot be parsed,
 * is `invalid_client` with a `WWW-Authenticate: Basic` challenge, so a client always learns the scheme.
 */
let ClientBasicGuard = class ClientBasicGuard extends (0, passport_1.AuthGuard)(oauth_constants_1.CLIENT_BASIC_STRATEGY) {
    getAuthenticateOptions() {
        return { session: false, property: oauth_constants_1.OAUTH_CLIENT_PROPERTY };
    }
    handleRequest(error, client) {
        if (error)
            throw error instanceof oauth_error_1.OAuthError ? error : oauth_error_1.OAuthError.serverError(error);
        if (!client)
            throw oauth_error_1.OAuthError.invalidClient();
        return client;
    }
};
exports.ClientBasicGuard = ClientBasicGuard;
exports.ClientBasicGuard = ClientBasicGuard = __decorate([
    (0, common_1.Injectable)()
], ClientBasicGuard);
//# sourceMappingURL=client-basic.guard.js.map