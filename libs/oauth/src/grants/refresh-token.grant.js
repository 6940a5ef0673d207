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
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.RefreshTokenGrant = void 0;
const common_1 = require("@nestjs/common");
const opaque_token_1 = require("../crypto/opaque-token");
const oauth_error_1 = require("../errors/oauth.error");
const grant_repository_1 = require("../repositories/grant.repository");
const refresh_token_repository_1 = require("../repositories/refresh-token.repository");
const user_lookup_1 = require("../repositories/user-lookup");
const scope_1 = require("../scope/scope");
const token_issuer_1 = require("../token/token-issuer");
/** Refreshing an access token, RFC 6749 §6, with rotation (RFC 9700 §4.14.2): every refresh token works once. */
let RefreshTokenGrant = class RefreshTokenGrant {
    issuer;
    refreshTokens;
    grants;
    userLookup;
    grantType = 'refresh_token';
    constructor(issuer, refreshTokens, grants, userLookup) {
        this.issuer = issuer;
        this.refreshTokens = refreshTokens;
        this.grants = grants;
        this.userLookup = userLookup;
    }
    async handle(request, client) {
        if (request.refresh_token === undefined)
            throw oauth_error_1.OAuthError.invalidRequest('The refresh_token parameter is missing');
        const now = new Date();
        const found = await this.refreshTokens.findByDigest((0, opaque_token_1.digestToken)(request.refresh_token));
        // RFC 6749 §10.4: a refresh token is bound to the client it was issued to. Telling a foreign client that the
        // token exists would leak it, so every failure here reads the same.
        if (!found || found.grant.clientId !== client.id)
            throw invalidRefreshToken();
        const { token, grant } = found;
        if (grant.revokedAt || token.expiresAt <= now)
            throw invalidRefreshToken();
        if (token.usedAt) {
            // A used token presented again means it leaked, or a client misbehaves; either way the family can no
            // longer be trusted (RFC 9700 §4.14.2).
            await this.grants.revoke(grant.id, 'refresh_token_reuse', now);
            throw invalidRefreshToken();
        }
        if (grant.userId !== null && !(await this.userLookup?.findById(grant.userId)))
            throw invalidRefreshToken();
        // RFC 6749 §6: the new access token may narrow the scope, never widen it; the new refresh token keeps the old one's.
        const accessScope = (0, scope_1.resolveScope)(request.scope, token.scope, token.scope);
        return this.issuer.rotate({ client, grant, previous: token, accessScope, now });
    }
};
exports.RefreshTokenGrant = RefreshTokenGrant;
exports.RefreshTokenGrant = RefreshTokenGrant = __decorate([
    (0, common_1.Injectable)(),
    __param(3, (0, common_1.Optional)()),
    __metadata("design:paramtypes", [token_issuer_1.TokenIssuer,
        refresh_token_repository_1.RefreshTokenRepository,
        grant_repository_1.GrantRepository,
        user_lookup_1.UserLookup])
], RefreshTokenGrant);
function invalidRefreshToken() {
    return oauth_error_1.OAuthError.invalidGrant('The refresh token is invalid, expired or revoked');
}
//# sourceMappingURL=refresh-token.grant.js.map