"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UserLookup = void 0;
/**
 * The host's users, as the module sees them. The module never reads the host's tables: the host implements
 * this and passes it as `userLookup` to `OAuthModule.forRoot`.
 */
class UserLookup {
}
exports.UserLookup = UserLookup;
//# sourceMappingURL=user-lookup.js.map