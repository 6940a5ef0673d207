"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Principal = void 0;
const common_1 = require("@nestjs/common");
const oauth_constants_1 = require("../oauth.constants");
/** The `OAuthPrincipal` that `BearerGuard` authenticated for this request. */
exports.Principal = (0, common_1.createParamDecorator)((_data, context) => context.switchToHttp().getRequest()[oauth_constants_1.OAUTH_PRINCIPAL_PROPERTY]);
//# sourceMappingURL=principal.decorator.js.map