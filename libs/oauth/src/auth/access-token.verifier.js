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
exports.AccessTokenVerifier = void 0;
const common_1 = require("@nestjs/common");
const opaque_token_1 = require("../crypto/opaque-token");
const access_token_repository_1 = require("../repositories/access-token.repository");
/** Resolves an access token to its principal: one indexed read, then expiry and the grant's revocation. */
let AccessTokenVerifier = class AccessTokenVerifier {
    accessTokens;
    constructor(accessTokens) {
        this.accessTokens = accessTokens;
    }
    /** The principal, or `null` for an unknown, expired or revoked token. */
    async verify(token, now = new Date()) {
        const found = await this.accessTokens.findByDigest((0, opaque_token_1.digestToken)(token));
        if (!found || found.grant.revokedAt || found.token.expiresAt <= now)
            return null;
        return {
            userId: found.grant.userId,
            clientId: found.grant.clientId,
            scopes: found.token.scope,
            grantId: found.grant.id,
            expiresAt: found.token.expiresAt,
        };
    }
};
exports.AccessTokenVerifier = AccessTokenVerifier;
exports.AccessTokenVerifier = AccessTokenVerifier = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [access_token_repository_1.AccessTokenRepository])
], AccessTokenVerifier);
//# sourceMappingURL=access-token.verifier.js.map