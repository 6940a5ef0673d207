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
exports.TokenService = void 0;
const common_1 = require("@nestjs/common");
const oauth_error_1 = require("../errors/oauth.error");
const oauth_constants_1 = require("../oauth.constants");
/** The token endpoint's logic (RFC 6749 §3.2): pick the grant, check the client may use it, run it. */
let TokenService = class TokenService {
    handlers;
    constructor(handlers) {
        this.handlers = handlers;
    }
    async exchange(client, request) {
        const handler = this.handlers.get(request.grant_type);
        if (!handler)
            throw oauth_error_1.OAuthError.unsupportedGrantType('This server does not support that grant_type');
        if (!client.grants.includes(handler.grantType)) {
            throw oauth_error_1.OAuthError.unauthorizedClient('This client may not use that grant_type');
        }
        return handler.handle(request, client);
    }
};
exports.TokenService = TokenService;
exports.TokenService = TokenService = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(oauth_constants_1.OAUTH_GRANT_HANDLERS)),
    __metadata("design:paramtypes", [Map])
], TokenService);
//# sourceMappingURL=token.service.js.map