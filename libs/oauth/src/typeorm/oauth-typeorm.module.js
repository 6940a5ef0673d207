"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var OAuthTypeOrmModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAuthTypeOrmModule = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const access_token_repository_1 = require("../repositories/access-token.repository");
const client_repository_1 = require("../repositories/client.repository");
const grant_repository_1 = require("../repositories/grant.repository");
const refresh_token_repository_1 = require("../repositories/refresh-token.repository");
const entities_1 = require("./entities");
const typeorm_access_token_repository_1 = require("./typeorm-access-token.repository");
const typeorm_client_repository_1 = require("./typeorm-client.repository");
const typeorm_grant_repository_1 = require("./typeorm-grant.repository");
const typeorm_refresh_token_repository_1 = require("./typeorm-refresh-token.repository");
/**
 * The TypeORM storage for `OAuthModule`: pass `OAuthTypeOrmModule.forFeature()` as its `storage`. It uses the
 * host's default `TypeOrmModule.forRoot()` connection; add `OAUTH_ENTITIES` to that connection's entities.
 */
let OAuthTypeOrmModule = OAuthTypeOrmModule_1 = class OAuthTypeOrmModule {
    static forFeature() {
        const providers = [
            { provide: client_repository_1.ClientRepository, useClass: typeorm_client_repository_1.TypeOrmClientRepository },
            { provide: grant_repository_1.GrantRepository, useClass: typeorm_grant_repository_1.TypeOrmGrantRepository },
            { provide: access_token_repository_1.AccessTokenRepository, useClass: typeorm_access_token_repository_1.TypeOrmAccessTokenRepository },
            { provide: refresh_token_repository_1.RefreshTokenRepository, useClass: typeorm_refresh_token_repository_1.TypeOrmRefreshTokenRepository },
        ];
        return {
            module: OAuthTypeOrmModule_1,
            imports: [typeorm_1.TypeOrmModule.forFeature(entities_1.OAUTH_ENTITIES)],
            providers,
            exports: providers.map((provider) => provider.provide),
        };
    }
};
exports.OAuthTypeOrmModule = OAuthTypeOrmModule;
exports.OAuthTypeOrmModule = OAuthTypeOrmModule = OAuthTypeOrmModule_1 = __decorate([
    (0, common_1.Module)({})
], OAuthTypeOrmModule);
//# sourceMappingURL=oauth-typeorm.module.js.map