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
exports.OAuthClientEntity = void 0;
const typeorm_1 = require("typeorm");
/** `oauth_clients`: the client registry. Lists are stored space-separated, as OAuth writes scopes. */
let OAuthClientEntity = class OAuthClientEntity {
    id;
    /** `hashSecret` / `hashRandomSecret` output; the secret itself is never stored. */
    secretHash;
    name;
    grants;
    scopes;
    defaultScopes;
    createdAt;
};
exports.OAuthClientEntity = OAuthClientEntity;
__decorate([
    (0, typeorm_1.PrimaryColumn)({ type: 'varchar', length: 128 }),
    __metadata("design:type", String)
], OAuthClientEntity.prototype, "id", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'secret_hash', type: 'varchar', length: 255 }),
    __metadata("design:type", String)
], OAuthClientEntity.prototype, "secretHash", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 255, nullable: true }),
    __metadata("design:type", Object)
], OAuthClientEntity.prototype, "name", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'varchar', length: 255 }),
    __metadata("design:type", String)
], OAuthClientEntity.prototype, "grants", void 0);
__decorate([
    (0, typeorm_1.Column)({ type: 'text' }),
    __metadata("design:type", String)
], OAuthClientEntity.prototype, "scopes", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'default_scopes', type: 'text' }),
    __metadata("design:type", String)
], OAuthClientEntity.prototype, "defaultScopes", void 0);
__decorate([
    (0, typeorm_1.Column)({ name: 'created_at', type: Date }),
    __metadata("design:type", Date)
], OAuthClientEntity.prototype, "createdAt", void 0);
exports.OAuthClientEntity = OAuthClientEntity = __decorate([
    (0, typeorm_1.Entity)('oauth_clients')
], OAuthClientEntity);
//# sourceMappingURL=oauth-client.entity.js.map