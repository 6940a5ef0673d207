"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.Scopes = void 0;
const common_1 = require("@nestjs/common");
const oauth_constants_1 = require("../oauth.constants");
/**
 * Scopes an access token must all carry for `BearerGuard` to let it through; on a method it replaces the
 * controller's list.
 */
const Scopes = (...scopes) => (0, common_1.SetMetadata)(oauth_constants_1.OAUTH_SCOPES_KEY, scopes);
exports.Scopes = Scopes;
//# sourceMappingURL=scopes.decorator.js.map