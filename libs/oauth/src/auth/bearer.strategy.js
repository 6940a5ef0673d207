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
exports.BearerStrategy = void 0;
const common_1 = require("@nestjs/common");
const passport_1 = require("@nestjs/passport");
const passport_http_bearer_1 = require("passport-http-bearer");
const oauth_error_1 = require("../errors/oauth.error");
const oauth_constants_1 = require("../oauth.constants");
const access_token_verifier_1 = require("./access-token.verifier");
/** Access tokens in the `Authorization: Bearer` header (RFC 6750 §2.1). */
let BearerStrategy = class BearerStrategy extends (0, passport_1.PassportStrategy)(passport_http_bearer_1.Strategy, oauth_constants_1.BEARER_STRATEGY) {
    verifier;
    constructor(verifier) {
        super({ passReqToCallback: true });
        this.verifier = verifier;
    }
    async validate(request, token) {
        // passport-http-bearer also reads `access_token` from the form body and the query string (RFC 6750 §2.2,
        // §2.3). Tokens in URLs end up in logs and Referer headers, so RFC 9700 §4.3.2 advises against them; only the
        // header is accepted.
        if (!isHeaderToken(request.headers.authorization, token)) {
            throw new oauth_error_1.OAuthError('invalid_request', 'Send the access token in the Authorization header', 400, {
                scheme: 'Bearer',
                error: 'invalid_request',
            });
        }
        const principal = await this.verifier.verify(token);
        if (!principal)
            throw oauth_error_1.OAuthError.invalidToken();
        return principal;
    }
};
exports.BearerStrategy = BearerStrategy;
exports.BearerStrategy = BearerStrategy = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [access_token_verifier_1.AccessTokenVerifier])
], BearerStrategy);
function isHeaderToken(authorization, token) {
    const [scheme, credentials] = authorization?.split(' ') ?? [];
    return /^bearer$/i.test(scheme ?? '') && credentials === token;
}
//# sourceMappingURL=bearer.strategy.js.map