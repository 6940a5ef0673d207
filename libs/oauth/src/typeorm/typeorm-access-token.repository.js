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
exports.TypeOrmAccessTokenRepository = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const access_token_repository_1 = require("../repositories/access-token.repository");
const oauth_access_token_entity_1 = require("./entities/oauth-access-token.entity");
const typeorm_mappers_1 = require("./typeorm-mappers");
let TypeOrmAccessTokenRepository = class TypeOrmAccessTokenRepository extends access_token_repository_1.AccessTokenRepository {
    rows;
    constructor(rows) {
        super();
        this.rows = rows;
    }
    async findByDigest(digest) {
        // One query: the token by its primary key, joined to its grant.
        const row = await this.rows
            .createQueryBuilder('token')
            .innerJoinAndSelect('token.grant', 'grant')
            .where('token.digest = :digest', { digest })
            .getOne();
        return row?.grant ? { token: (0, typeorm_mappers_1.toAccessToken)(row), grant: (0, typeorm_mappers_1.toGrant)(row.grant) } : null;
    }
};
exports.TypeOrmAccessTokenRepository = TypeOrmAccessTokenRepository;
exports.TypeOrmAccessTokenRepository = TypeOrmAccessTokenRepository = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(oauth_access_token_entity_1.OAuthAccessTokenEntity)),
    __metadata("design:paramtypes", [Function])
], TypeOrmAccessTokenRepository);
//# sourceMappingURL=typeorm-access-token.repository.js.map