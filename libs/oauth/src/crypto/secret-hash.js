"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.hashSecret = hashSecret;
exports.hashRandomSecret = hashRandomSecret;
exports.verifySecret = verifySecret;
exports.constantTimeEqual = constantTimeEqual;
const node_crypto_1 = require("node:crypto");
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
/**
 * Hashes a human-chosen secret (a password, or a client secret an operator typed) with scrypt: memory-hard, so
 * a stolen table is expensive to attack even on GPUs, and built into Node, so nothing native to install.
 * The output carries its own parameters, `scrypt$<cost>$<r>$<p>$<salt>$<hash>`, so the cost can be raised later
 * without breaking old hashes.
 */
async function hashSecret(secret, options = {}) {
    const cost = options.cost ?? 17;
    const salt = (0, node_crypto_1.randomBytes)(SALT_BYTES);
    const hash = await scryptAsync(secret, salt, cost, BLOCK_SIZE, PARALLELISM);
    return ['scrypt', cost, BLOCK_SIZE, PARALLELISM, salt.toString('base64url'), hash.toString('base64url')].join('$');
}
/**
 * For secrets that are themselves 256-bit random values (generated client secrets): a fast digest is as safe
 * as a slow hash there, because there is no dictionary to try, and it keeps client authentication cheap.
 */
function hashRandomSecret(secret) {
    return `sha256$${(0, node_crypto_1.createHash)('sha256').update(secret, 'utf8').digest('base64url')}`;
}
/** Verifies a secret against the output of `hashSecret` or `hashRandomSecret`, in constant time. */
async function verifySecret(secret, stored) {
    const parts = stored.split('$');
    if (parts[0] === 'sha256' && parts.length === 2) {
        return constantTimeEqual(Buffer.from(hashRandomSecret(secret)), Buffer.from(stored));
    }
    if (parts[0] === 'scrypt' && parts.length === 6) {
        const [cost, r, p] = parts.slice(1, 4).map(Number);
        const salt = Buffer.from(parts[4], 'base64url');
        const expected = Buffer.from(parts[5], 'base64url');
        const actual = await scryptAsync(secret, salt, cost, r, p, expected.length);
        return constantTimeEqual(actual, expected);
    }
    return false;
}
/** `timingSafeEqual` throws on different lengths; a length mismatch is simply "not equal". */
function constantTimeEqual(a, b) {
    return a.length === b.length && (0, node_crypto_1.timingSafeEqual)(a, b);
}
function scryptAsync(secret, salt, cost, r, p, keyLength = KEY_LENGTH) {
    const N = 2 ** cost;
    // Node refuses scrypt above 32 MiB unless told otherwise; 128 * N * r bytes is what scrypt needs.
    const options = { N, r, p, maxmem: 256 * N * r };
    return new Promise((resolve, reject) => (0, node_crypto_1.scrypt)(secret.normalize('NFC'), salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))));
}
//# sourceMappingURL=secret-hash.js.map