"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.AccessTokenRepository = void 0;
class AccessTokenRepository {
}
exports.AccessTokenRepository = AccessTokenRepository;
//# sourceMappingURL=access-token.repository.js.map