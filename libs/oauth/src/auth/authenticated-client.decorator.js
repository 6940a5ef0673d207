"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AuthenticatedClient = void 0;
const common_1 = require("@nestjs/common");
const oauth_constants_1 = require("../oauth.constants");
/** The client `ClientBasicGuard` authenticated. */
exports.AuthenticatedClient = (0, common_1.createParamDecorator)((_data, context) => context.switchToHttp().getRequest()[oauth_constants_1.OAUTH_CLIENT_PROPERTY]);
//# sourceMappingURL=authenticated-client.decorator.js.map