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
exports.PasswordGrant = void 0;
const common_1 = require("@nestjs/common");
const oauth_error_1 = require("../errors/oauth.error");
const user_lookup_1 = require("../repositories/user-lookup");
const scope_1 = require("../scope/scope");
const token_issuer_1 = require("../token/token-issuer");
/** Resource Owner Password Credentials grant, RFC 6749 §4.3. */
let PasswordGrant = class PasswordGrant {
    issuer;
    userLookup;
    grantType = 'password';
    constructor(issuer, userLookup) {
        this.issuer = issuer;
        this.userLookup = userLookup;
    }
    async handle(request, client) {
        if (request.username === undefined)
            throw oauth_error_1.OAuthError.invalidRequest('The username parameter is missing');
        if (request.password === undefined)
            throw oauth_error_1.OAuthError.invalidRequest('The password parameter is missing');
        const scope = (0, scope_1.resolveScope)(request.scope, client.scopes, client.defaultScopes);
        const subject = await this.userLookup.verifyCredentials(request.username, request.password);
        // One answer for an unknown user and a wrong password, so the endpoint does not reveal which accounts exist.
        if (!subject)
            throw oauth_error_1.OAuthError.invalidGrant('Invalid username or password');
        return this.issuer.issueForNewGrant({ client, userId: subject.id, scope });
    }
};
exports.PasswordGrant = PasswordGrant;
exports.PasswordGrant = PasswordGrant = __decorate([
    (0, common_1.Injectable)(),
    __param(1, (0, common_1.Optional)()),
    __metadata("design:paramtypes", [token_issuer_1.TokenIssuer,
        user_lookup_1.UserLookup])
], PasswordGrant);
//# sourceMappingURL=password.grant.js.map