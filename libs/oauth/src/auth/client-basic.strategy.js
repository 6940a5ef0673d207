"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ClientBasicStrategy = void 0;
exports.decodeFormComponent = decodeFormComponent;
const common_1 = require("@nestjs/common");
const passport_1 = require("@nestjs/passport");
const passport_http_1 = require("passport-http");
const oauth_error_1 = require("../errors/oauth.error");
const oauth_constants_1 = require("../oauth.constants");
const client_authenticator_1 = require("./client-authenticator");
/** `client_secret_basic`: client id and secret in an HTTP Basic `Authorization` header (RFC 6749 §2.3.1). */
let ClientBasicStrategy = class ClientBasicStrategy extends (0, passport_1.PassportStrategy)(passport_http_1.BasicStrategy, oauth_constants_1.CLIENT_BASIC_STRATEGY) {
    authenticator;
    constructor(authenticator) {
        super();
        this.authenticator = authenticator;
    }
    async validate(encodedId, encodedSecret) {
        const clientId = decodeFormComponent(encodedId);
        const secret = decodeFormComponent(encodedSecret);
        if (clientId === null || secret === null)
            throw oauth_error_1.OAuthError.invalidClient('The client credentials are malformed');
        const client = await this.authenticator.authenticate(clientId, secret);
        if (!client)
            throw oauth_error_1.OAuthError.invalidClient();
        return client;
    }
};
exports.ClientBasicStrategy = ClientBasicStrategy;
exports.ClientBasicStrategy = ClientBasicStrategy = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [client_authenticator_1.ClientAuthenticator])
], ClientBasicStrategy);
/**
 * RFC 6749 §2.3.1: id and secret are application/x-www-form-urlencoded before they are joined and base64-encoded,
 * so "+" stands for a space and "%XX" for a byte. `null` for a broken percent-encoding.
 */
function decodeFormComponent(value) {
    try {
        return decodeURIComponent(value.replace(/\+/g, ' '));
    }
    catch {
        return null;
    }
}
//# sourceMappingURL=client-basic.strategy.js.map