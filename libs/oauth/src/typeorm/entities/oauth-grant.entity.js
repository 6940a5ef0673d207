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
exports.OAuthGrantEntity = void 0;
const typeorm_1 = require("typeorm");
/** `oauth_grants`: one row per authorization; every token row points at the grant that owns it. */
let OAuthGrantEntity = class OAuthGrantEntity {
    id;
    clientId;
    /** Indexed so that disabling a user revokes all of that user's grants with one indexed update. */
    userId;
    scope;
    createdAt;
    revokedAt;
    revokedReason;
};
exports.OAuthGrantEntity = OAuthGrantEntity;
__decorate([
    (0, typeorm_1.PrimaryColumn)({ type: 'varchar', length: 36 }),
    __metadata("design:type", String)
], OAuthGrantEntity.prototype, "id", void 0);
__decorate([
    (0, typeorm_1.Index)(),
    (0, typeorm_1.Column)({ name: 'client_id', type: 'varchar', length: 128 }),
    __metadata("design:type", String)
], OAuthGrantEntity.prototype, "clientId", void 0);
__decorate([
    (0, typeorm_1.Index)(),
    (0, typeorm_1.Column)({ name: 'user_id', type: 'varchar', length: 128, nullable: true }),
    __metadata("design:type", Object)
], OAuthGrantEntity.prototype, "userId", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'text' }),
    __metadata("design:type", String)
], OAuthGrantEntity.prototype, "scope", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'created_at', type: Date }),
    __metadata("design:type", Date)
], OAuthGrantEntity.prototype, "createdAt", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'revoked_at', type: Date, nullable: true }),
    __metadata("design:type", Object)
], OAuthGrantEntity.prototype, "revokedAt", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'revoked_reason', type: 'varchar', length: 64, nullable: true }),
    __metadata("design:type", Object)
], OAuthGrantEntity.prototype, "revokedReason", void 0);
exports.OAuthGrantEntity = OAuthGrantEntity = __decorate([
    (0, typeorm_1.Entity)('oauth_grants')
], OAuthGrantEntity);
//# sourceMappingURL=oauth-grant.entity.js.map