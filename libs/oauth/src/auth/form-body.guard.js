"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.FormBodyGuard = void 0;
const common_1 = require("@nestjs/common");
const oauth_error_1 = require("../errors/oauth.error");
/**
 * RFC 6749 §3.2: the token endpoint takes `application/x-www-form-urlencoded` parameters only. A JSON body
 * would otherwise be parsed by the framework and half-understood; refuse it up front.
 */
let FormBodyGuard = class FormBodyGuard {
    canActivate(context) {
        const contentType = context.switchToHttp().getRequest().headers?.['content-type'];
        const mediaType = typeof contentType === 'string' ? contentType.split(';')[0].trim().toLowerCase() : '';
        if (mediaType !== 'application/x-www-form-urlencoded') {
            throw oauth_error_1.OAuthError.invalidRequest('The request body must be application/x-www-form-urlencoded');
        }
        return true;
    }
};
exports.FormBodyGuard = FormBodyGuard;
exports.FormBodyGuard = FormBodyGuard = __decorate([
    (0, common_1.Injectable)()
], FormBodyGuard);
//# sourceMappingURL=form-body.guard.js.map