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
exports.BearerGuard = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const passport_1 = require("@nestjs/passport");
const oauth_error_1 = require("../errors/oauth.error");
const oauth_constants_1 = require("../oauth.constants");
const scope_1 = require("../scope/scope");
/**
 * Protects a host's route with an access token (RFC 6750) and enforces the route's `@Scopes()`. The principal
 * is then available through `@Principal()`. Failures follow RFC 6750 §3.1: no token is a bare 401 challenge,
 * a bad token 401 `invalid_token`, a missing scope 403 `insufficient_scope`.
 */
let BearerGuard = class BearerGuard extends (0, passport_1.AuthGuard)(oauth_constants_1.BEARER_STRATEGY) {
    reflector;
    constructor(reflector) {
        super();
        this.reflector = reflector;
    }
    getAuthenticateOptions() {
        return { session: false, property: oauth_constants_1.OAUTH_PRINCIPAL_PROPERTY };
    }
    async canActivate(context) {
        await super.canActivate(context);
        const required = this.reflector.getAllAndOverride(oauth_constants_1.OAUTH_SCOPES_KEY, [
            context.getHandler(),
            context.getClass(),
        ]);
        const principal = context.switchToHttp().getRequest()[oauth_constants_1.OAUTH_PRINCIPAL_PROPERTY];
        if (required && !(0, scope_1.hasScopes)(principal.scopes, required))
            throw oauth_error_1.OAuthError.insufficientScope(required);
        return true;
    }
    handleRequest(error, principal, _info, _context, status) {
        if (error)
            throw error instanceof oauth_error_1.OAuthError ? error : oauth_error_1.OAuthError.serverError(error);
        if (principal)
            return principal;
        // passport-http-bearer fails with 400 when the Authorization header is not "Bearer <token>".
        if (status === 400) {
            throw new oauth_error_1.OAuthError('invalid_request', 'The Authorization header is malformed', 400, {
                scheme: 'Bearer',
                error: 'invalid_request',
            });
        }
        throw oauth_error_1.OAuthError.missingToken();
    }
};
exports.BearerGuard = BearerGuard;
exports.BearerGuard = BearerGuard = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [core_1.Reflector])
], BearerGuard);
//# sourceMappingURL=bearer.guard.js.map