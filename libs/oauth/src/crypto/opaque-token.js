"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.generateOpaqueToken = generateOpaqueToken;
exports.digestToken = digestToken;
const node_crypto_1 = require("node:crypto");
/** 32 bytes = 256 bits from the CSPRNG, the floor RFC 6749 §10.10 and RFC 9700 §4.14 leave no reason to go below. */
const TOKEN_BYTES = 32;
/** A new opaque token value: 256 random bits, base64url without padding (43 characters). */
function generateOpaqueToken() {
    return (0, node_crypto_1.randomBytes)(TOKEN_BYTES).toString('base64url');
}
/**
 * What is stored in place of a token. A salt is unnecessary: the input is 256 random bits, so there is nothing
 * to precompute, and an unsalted digest keeps the lookup a single indexed equality match.
 */
function digestToken(token) {
    return (0, node_crypto_1.createHash)('sha256').update(token, 'utf8').digest('hex');
}
//# sourceMappingURL=opaque-token.js.map