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
exports.OAuthAccessTokenEntity = void 0;
const typeorm_1 = require("typeorm");
const oauth_grant_entity_1 = require("./oauth-grant.entity");
/** `oauth_access_tokens`: keyed by the token's SHA-256 digest, the lookup every protected request makes. */
let OAuthAccessTokenEntity = class OAuthAccessTokenEntity {
    digest;
    grantId;
    grant;
    scope;
    /** Indexed for purging expired tokens. */
    expiresAt;
    createdAt;
};
exports.OAuthAccessTokenEntity = OAuthAccessTokenEntity;
__decorate([
    (0, typeorm_1.PrimaryColumn)({ type: 'char', length: 64 }),
    __metadata("design:type", String)
], OAuthAccessTokenEntity.prototype, "digest", void 0);
__decorate([
    (0, typeorm_1.Index)(),
    (0, typeorm_1.Column)({ name: 'grant_id', type: 'varchar', length: 36 }),
    __metadata("design:type", String)
], OAuthAccessTokenEntity.prototype, "grantId", void 0);
__decorate([
    (0, typeorm_1.ManyToOne)(() => oauth_grant_entity_1.OAuthGrantEntity, { onDelete: 'CASCADE' }),
    (0, typeorm_1.JoinColumn)({ name: 'grant_id' }),
    __metadata("design:type", oauth_grant_entity_1.OAuthGrantEntity)
], OAuthAccessTokenEntity.prototype, "grant", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'text' }),
    __metadata("design:type", String)
], OAuthAccessTokenEntity.prototype, "scope", void 0);
__decorate([
    (0, typeorm_1.Index)(),
    (0, typeorm_1.Column)({ name: 'expires_at', type: Date }),
    __metadata("design:type", Date)
], OAuthAccessTokenEntity.prototype, "expiresAt", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'created_at', type: Date }),
    __metadata("design:type", Date)
], OAuthAccessTokenEntity.prototype, "createdAt", void 0);
exports.OAuthAccessTokenEntity = OAuthAccessTokenEntity = __decorate([
    (0, typeorm_1.Entity)('oauth_access_tokens')
], OAuthAccessTokenEntity);
//# sourceMappingURL=oauth-access-token.entity.js.map