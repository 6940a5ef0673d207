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
exports.TypeOrmRefreshTokenRepository = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const typeorm_2 = require("typeorm");
const refresh_token_repository_1 = require("../repositories/refresh-token.repository");
const oauth_access_token_entity_1 = require("./entities/oauth-access-token.entity");
const oauth_refresh_token_entity_1 = require("./entities/oauth-refresh-token.entity");
const typeorm_mappers_1 = require("./typeorm-mappers");
const typeorm_transactions_1 = require("./typeorm-transactions");
let TypeOrmRefreshTokenRepository = class TypeOrmRefreshTokenRepository extends refresh_token_repository_1.RefreshTokenRepository {
    dataSource;
    constructor(dataSource) {
        super();
        this.dataSource = dataSource;
    }
    async findByDigest(digest) {
        const row = await this.dataSource
            .getRepository(oauth_refresh_token_entity_1.OAuthRefreshTokenEntity)
            .createQueryBuilder('token')
            .innerJoinAndSelect('token.grant', 'grant')
            .where('token.digest = :digest', { digest })
            .getOne();
        return row?.grant ? { token: (0, typeorm_mappers_1.toRefreshToken)(row), grant: (0, typeorm_mappers_1.toGrant)(row.grant) } : null;
    }
    rotate(digest, usedAt, successor) {
        return (0, typeorm_transactions_1.inTransaction)(this.dataSource, async (manager) => {
            // The conditional UPDATE is the claim: of concurrent rotations only one finds `used_at` still NULL.
            const claim = await manager
                .createQueryBuilder()
                .update(oauth_refresh_token_entity_1.OAuthRefreshTokenEntity)
                .set({ usedAt })
                .where({ digest, usedAt: (0, typeorm_2.IsNull)() })
                .execute();
            if (claim.affected !== 1)
                return false;
            await manager.createQueryBuilder().insert().into(oauth_refresh_token_entity_1.OAuthRefreshTokenEntity).values((0, typeorm_mappers_1.fromRefreshToken)(successor.refreshToken)).updateEntity(false).execute();
            await manager.createQueryBuilder().insert().into(oauth_access_token_entity_1.OAuthAccessTokenEntity).values((0, typeorm_mappers_1.fromAccessToken)(successor.accessToken)).updateEntity(false).execute();
            return true;
        });
    }
};
exports.TypeOrmRefreshTokenRepository = TypeOrmRefreshTokenRepository;
exports.TypeOrmRefreshTokenRepository = TypeOrmRefreshTokenRepository = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectDataSource)()),
    __metadata("design:paramtypes", [typeorm_2.DataSource])
], TypeOrmRefreshTokenRepository);
//# sourceMappingURL=typeorm-refresh-token.repository.js.map