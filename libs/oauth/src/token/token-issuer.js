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
exports.TokenIssuer = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const opaque_token_1 = require("../crypto/opaque-token");
const oauth_error_1 = require("../errors/oauth.error");
const oauth_options_1 = require("../oauth-options");
const grant_repository_1 = require("../repositories/grant.repository");
const refresh_token_repository_1 = require("../repositories/refresh-token.repository");
const scope_1 = require("../scope/scope");
/** Mints tokens and stores their digests; the raw values leave this class only inside the response. */
let TokenIssuer = class TokenIssuer {
    options;
    grants;
    refreshTokens;
    constructor(options, grants, refreshTokens) {
        this.options = options;
        this.grants = grants;
        this.refreshTokens = refreshTokens;
    }
    /** Opens a new grant (a new token family) and issues its first tokens. */
    async issueForNewGrant(input) {
        const now = new Date();
        const grant = {
            id: (0, node_crypto_1.randomUUID)(),
            clientId: input.client.id,
            userId: input.userId,
            scope: input.scope,
            createdAt: now,
            revokedAt: null,
            revokedReason: null,
        };
        const access = this.mintAccessToken(grant.id, input.scope, now);
        const refresh = this.mayRefresh(input.client) ? this.mintRefreshToken(grant.id, null, input.scope, now) : null;
        await this.grants.create(grant, { accessToken: access.record, refreshToken: refresh?.record ?? null });
        return this.response(access, refresh);
    }
    /** Replaces a refresh token by a new one and a new access token; fails if another request used it first. */
    async rotate(input) {
        const { grant, previous, accessScope, now } = input;
        const access = this.mintAccessToken(grant.id, accessScope, now);
        const refresh = this.mintRefreshToken(grant.id, previous.digest, previous.scope, now);
        const won = await this.refreshTokens.rotate(previous.digest, now, { accessToken: access.record, refreshToken: refresh.record });
        if (!won)
            throw oauth_error_1.OAuthError.invalidGrant('The refresh token is invalid, expired or revoked');
        return this.response(access, refresh);
    }
    mayRefresh(client) {
        return this.options.grantTypes.includes('refresh_token') && client.grants.includes('refresh_token');
    }
    mintAccessToken(grantId, scope, now) {
        const value = (0, opaque_token_1.generateOpaqueToken)();
        const expiresAt = new Date(now.getTime() + this.options.accessTokenTtl * 1000);
        return { value, record: { digest: (0, opaque_token_1.digestToken)(value), grantId, scope, expiresAt, createdAt: now } };
    }
    mintRefreshToken(grantId, parentDigest, scope, now) {
        const value = (0, opaque_token_1.generateOpaqueToken)();
        const expiresAt = new Date(now.getTime() + this.options.refreshTokenTtl * 1000);
        return { value, record: { digest: (0, opaque_token_1.digestToken)(value), grantId, parentDigest, scope, expiresAt, usedAt: null, createdAt: now } };
    }
    response(access, refresh) {
        // Field order as RFC 6749 §5.1's example shows it, which is also what clients of the seed's API saw.
        return {
            access_token: access.value,
            token_type: 'bearer',
            ...(refresh ? { refresh_token: refresh.value } : {}),
            expires_in: this.options.accessTokenTtl,
            scope: (0, scope_1.formatScope)(access.record.scope),
        };
    }
};
exports.TokenIssuer = TokenIssuer;
exports.TokenIssuer = TokenIssuer = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, oauth_options_1.InjectOAuthOptions)()),
    __metadata("design:paramtypes", [Object, grant_repository_1.GrantRepository,
        refresh_token_repository_1.RefreshTokenRepository])
], TokenIssuer);
//# sourceMappingURL=token-issuer.js.map