"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.GrantRepository = void 0;
class GrantRepository {
}
exports.GrantRepository = GrantRepository;
//# sourceMappingURL=grant.repository.js.map