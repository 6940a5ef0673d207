"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var OAuthInMemoryStorageModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAuthInMemoryStorageModule = void 0;
const common_1 = require("@nestjs/common");
const access_token_repository_1 = require("../repositories/access-token.repository");
const client_repository_1 = require("../repositories/client.repository");
const grant_repository_1 = require("../repositories/grant.repository");
const refresh_token_repository_1 = require("../repositories/refresh-token.repository");
const in_memory_oauth_store_1 = require("./in-memory-oauth.store");
const in_memory_repositories_1 = require("./in-memory.repositories");
/**
 * Storage for tests: pass `OAuthInMemoryStorageModule.register()` as `OAuthModule`'s `storage`. Pass your own
 * `InMemoryOAuthStore` to seed clients or inspect what was stored.
 */
let OAuthInMemoryStorageModule = OAuthInMemoryStorageModule_1 = class OAuthInMemoryStorageModule {
    static register(store = new in_memory_oauth_store_1.InMemoryOAuthStore()) {
        return {
            module: OAuthInMemoryStorageModule_1,
            providers: [
                { provide: in_memory_oauth_store_1.InMemoryOAuthStore, useValue: store },
                { provide: client_repository_1.ClientRepository, useClass: in_memory_repositories_1.InMemoryClientRepository },
                { provide: grant_repository_1.GrantRepository, useClass: in_memory_repositories_1.InMemoryGrantRepository },
                { provide: access_token_repository_1.AccessTokenRepository, useClass: in_memory_repositories_1.InMemoryAccessTokenRepository },
                { provide: refresh_token_repository_1.RefreshTokenRepository, useClass: in_memory_repositories_1.InMemoryRefreshTokenRepository },
            ],
            exports: [in_memory_oauth_store_1.InMemoryOAuthStore, client_repository_1.ClientRepository, grant_repository_1.GrantRepository, access_token_repository_1.AccessTokenRepository, refresh_token_repository_1.RefreshTokenRepository],
        };
    }
};
exports.OAuthInMemoryStorageModule = OAuthInMemoryStorageModule;
exports.OAuthInMemoryStorageModule = OAuthInMemoryStorageModule = OAuthInMemoryStorageModule_1 = __decorate([
    (0, common_1.Module)({})
], OAuthInMemoryStorageModule);
//# sourceMappingURL=oauth-in-memory-storage.module.js.map