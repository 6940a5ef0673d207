"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MisconfigurationError = void 0;
/**
 * Thrown at boot when the module cannot work as configured. It is a plain `Error`, not an `OAuthError`:
 * it is meant for the developer reading the start-up log, never for a client.
 */
class MisconfigurationError extends Error {
    name = 'MisconfigurationError';
}
exports.MisconfigurationError = MisconfigurationError;
//# sourceMappingURL=misconfiguration.error.js.map