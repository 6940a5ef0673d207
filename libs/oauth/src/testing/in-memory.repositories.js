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
exports.InMemoryRefreshTokenRepository = exports.InMemoryAccessTokenRepository = exports.InMemoryGrantRepository = exports.InMemoryClientRepository = void 0;
const common_1 = require("@nestjs/common");
const access_token_repository_1 = require("../repositories/access-token.repository");
const client_repository_1 = require("../repositories/client.repository");
const grant_repository_1 = require("../repositories/grant.repository");
const refresh_token_repository_1 = require("../repositories/refresh-token.repository");
const in_memory_oauth_store_1 = require("./in-memory-oauth.store");
/*
 * In-memory implementations of the storage interfaces, for unit tests and for hosts' own tests. Each method
 * runs to completion without awaiting in between, so on Node's single thread each is as atomic as the
 * database versions. Records are copied in and out so a caller cannot change stored state by accident.
 */
const copy = (value) => structuredClone(value);
function withGrant(store, token) {
    const grant = token && store.grants.get(token.grantId);
    return token && grant ? { token: copy(token), grant: copy(grant) } : null;
}
let InMemoryClientRepository = class InMemoryClientRepository extends client_repository_1.ClientRepository {
    store;
    constructor(store) {
        super();
        this.store = store;
    }
    async findById(id) {
        const client = this.store.clients.get(id);
        return client ? copy(client) : null;
    }
};
exports.InMemoryClientRepository = InMemoryClientRepository;
exports.InMemoryClientRepository = InMemoryClientRepository = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [in_memory_oauth_store_1.InMemoryOAuthStore])
], InMemoryClientRepository);
let InMemoryGrantRepository = class InMemoryGrantRepository extends grant_repository_1.GrantRepository {
    store;
    constructor(store) {
        super();
        this.store = store;
    }
    async create(grant, tokens) {
        this.store.grants.set(grant.id, copy(grant));
        this.store.accessTokens.set(tokens.accessToken.digest, copy(tokens.accessToken));
        if (tokens.refreshToken)
            this.store.refreshTokens.set(tokens.refreshToken.digest, copy(tokens.refreshToken));
    }
    async revoke(grantId, reason, at) {
        const grant = this.store.grants.get(grantId);
        if (grant && !grant.revokedAt)
            Object.assign(grant, { revokedAt: at, revokedReason: reason });
    }
};
exports.InMemoryGrantRepository = InMemoryGrantRepository;
exports.InMemoryGrantRepository = InMemoryGrantRepository = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [in_memory_oauth_store_1.InMemoryOAuthStore])
], InMemoryGrantRepository);
let InMemoryAccessTokenRepository = class InMemoryAccessTokenRepository extends access_token_repository_1.AccessTokenRepository {
    store;
    constructor(store) {
        super();
        this.store = store;
    }
    async findByDigest(digest) {
        return withGrant(this.store, this.store.accessTokens.get(digest));
    }
};
exports.InMemoryAccessTokenRepository = InMemoryAccessTokenRepository;
exports.InMemoryAccessTokenRepository = InMemoryAccessTokenRepository = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [in_memory_oauth_store_1.InMemoryOAuthStore])
], InMemoryAccessTokenRepository);
let InMemoryRefreshTokenRepository = class InMemoryRefreshTokenRepository extends refresh_token_repository_1.RefreshTokenRepository {
    store;
    constructor(store) {
        super();
        this.store = store;
    }
    async findByDigest(digest) {
        return withGrant(this.store, this.store.refreshTokens.get(digest));
    }
    async rotate(digest, usedAt, successor) {
        const token = this.store.refreshTokens.get(digest);
        if (!token || token.usedAt)
            return false;
        token.usedAt = usedAt;
        this.store.refreshTokens.set(successor.refreshToken.digest, copy(successor.refreshToken));
        this.store.accessTokens.set(successor.accessToken.digest, copy(successor.accessToken));
        return true;
    }
};
exports.InMemoryRefreshTokenRepository = InMemoryRefreshTokenRepository;
exports.InMemoryRefreshTokenRepository = InMemoryRefreshTokenRepository = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [in_memory_oauth_store_1.InMemoryOAuthStore])
], InMemoryRefreshTokenRepository);
//# sourceMappingURL=in-memory.repositories.js.map