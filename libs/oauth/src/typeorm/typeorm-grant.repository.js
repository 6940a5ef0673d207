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
exports.TypeOrmGrantRepository = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const grant_repository_1 = require("../repositories/grant.repository");
const oauth_access_token_entity_1 = require("./entities/oauth-access-token.entity");
const oauth_grant_entity_1 = require("./entities/oauth-grant.entity");
const oauth_refresh_token_entity_1 = require("./entities/oauth-refresh-token.entity");
const typeorm_mappers_1 = require("./typeorm-mappers");
const typeorm_transactions_1 = require("./typeorm-transactions");
let TypeOrmGrantRepository = class TypeOrmGrantRepository extends grant_repository_1.GrantRepository {
    dataSource;
    constructor(dataSource) {
        super();
        this.dataSource = dataSource;
    }
    async create(grant, tokens) {
        await (0, typeorm_transactions_1.inTransaction)(this.dataSource, async (manager) => {
            // Plain INSERTs: save() would SELECT first, and nothing here needs a value back from the database.
            await manager.createQueryBuilder().insert().into(oauth_grant_entity_1.OAuthGrantEntity).values((0, typeorm_mappers_1.fromGrant)(grant)).updateEntity(false).execute();
            await manager.createQueryBuilder().insert().into(oauth_access_token_entity_1.OAuthAccessTokenEntity).values((0, typeorm_mappers_1.fromAccessToken)(tokens.accessToken)).updateEntity(false).execute();
            if (tokens.refreshToken) {
                await manager.createQueryBuilder().insert().into(oauth_refresh_token_entity_1.OAuthRefreshTokenEntity).values((0, typeorm_mappers_1.fromRefreshToken)(tokens.refreshToken)).updateEntity(false).execute();
            }
        });
    }
    async revoke(grantId, reason, at) {
        await (0, typeorm_transactions_1.inTransaction)(this.dataSource, (manager) => manager.update(oauth_grant_entity_1.OAuthGrantEntity, { id: grantId, revokedAt: (0, typeorm_2.IsNull)() }, { revokedAt: at, revokedReason: reason }));
    }
};
exports.TypeOrmGrantRepository = TypeOrmGrantRepository;
exports.TypeOrmGrantRepository = TypeOrmGrantRepository = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectDataSource)()),
    __metadata("design:paramtypes", [typeorm_2.DataSource])
], TypeOrmGrantRepository);
//# sourceMappingURL=typeorm-grant.repository.js.map