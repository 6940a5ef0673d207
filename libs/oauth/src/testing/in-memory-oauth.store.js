"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InMemoryOAuthStore = void 0;
/** The rows the in-memory repositories share; tests may read and seed it directly. */
class InMemoryOAuthStore {
    clients = new Map();
    grants = new Map();
    accessTokens = new Map();
    refreshTokens = new Map();
}
exports.InMemoryOAuthStore = InMemoryOAuthStore;
//# sourceMappingURL=in-memory-oauth.store.js.map