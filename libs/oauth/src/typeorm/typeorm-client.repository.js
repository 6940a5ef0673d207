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
exports.TypeOrmClientRepository = void 0;
const common_1 = require("@nestjs/common");
const typeorm_1 = require("@nestjs/typeorm");
const client_repository_1 = require("../repositories/client.repository");
const oauth_client_entity_1 = require("./entities/oauth-client.entity");
const typeorm_mappers_1 = require("./typeorm-mappers");
let TypeOrmClientRepository = class TypeOrmClientRepository extends client_repository_1.ClientRepository {
    rows;
    constructor(rows) {
        super();
        this.rows = rows;
    }
    async findById(id) {
        const row = await this.rows.findOneBy({ id });
        return row ? (0, typeorm_mappers_1.toClient)(row) : null;
    }
};
exports.TypeOrmClientRepository = TypeOrmClientRepository;
exports.TypeOrmClientRepository = TypeOrmClientRepository = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, typeorm_1.InjectRepository)(oauth_client_entity_1.OAuthClientEntity)),
    __metadata("design:paramtypes", [Function])
], TypeOrmClientRepository);
//# sourceMappingURL=typeorm-client.repository.js.map