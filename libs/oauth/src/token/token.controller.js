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
exports.TokenController = exports.tokenRequestPipe = void 0;
const common_1 = require("@nestjs/common");
const authenticated_client_decorator_1 = require("../auth/authenticated-client.decorator");
const client_basic_guard_1 = require("../auth/client-basic.guard");
const form_body_guard_1 = require("../auth/form-body.guard");
const oauth_exception_filter_1 = require("../errors/oauth-exception.filter");
const oauth_error_1 = require("../errors/oauth.error");
const token_request_dto_1 = require("./token-request.dto");
const token_service_1 = require("./token.service");
/** Turns a failed DTO validation into the RFC 6749 §5.2 `invalid_request` it is. */
exports.tokenRequestPipe = new common_1.ValidationPipe({
    transform: true,
    whitelist: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => {
        const [first] = errors;
        if (first.value === undefined)
            return oauth_error_1.OAuthError.invalidRequest(`The ${first.property} parameter is missing`);
        if (Array.isArray(first.value))
            return oauth_error_1.OAuthError.invalidRequest(`The ${first.property} parameter was sent more than once`);
        return oauth_error_1.OAuthError.invalidRequest(`The ${first.property} parameter is malformed`);
    },
});
let TokenController = class TokenController {
    tokens;
    constructor(tokens) {
        this.tokens = tokens;
    }
    /** RFC 6749 §3.2. Responses must never be cached (§5.1): they carry credentials. */
    token(client, request) {
        return this.tokens.exchange(client, request);
    }
};
exports.TokenController = TokenController;
__decorate([
    (0, common_1.Post)('token'),
    (0, common_1.HttpCode)(200),
    (0, common_1.UseGuards)(form_body_guard_1.FormBodyGuard, client_basic_guard_1.ClientBasicGuard),
    (0, common_1.Header)('Cache-Control', 'no-store'),
    (0, common_1.Header)('Pragma', 'no-cache'),
    __param(0, (0, authenticated_client_decorator_1.AuthenticatedClient)()),
    __param(1, (0, common_1.Body)(exports.tokenRequestPipe)),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, token_request_dto_1.TokenRequestDto]),
    __metadata("design:returntype", Promise)
], TokenController.prototype, "token", null);
exports.TokenController = TokenController = __decorate([
    (0, common_1.Controller)('oauth'),
    (0, common_1.UseFilters)(oauth_exception_filter_1.OAuthEndpointExceptionFilter),
    __metadata("design:paramtypes", [token_service_1.TokenService])
], TokenController);
//# sourceMappingURL=token.controller.js.map