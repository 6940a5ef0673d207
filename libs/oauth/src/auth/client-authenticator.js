"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.ClientAuthenticator = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const secret_hash_1 = require("../crypto/secret-hash");
const client_repository_1 = require("../repositories/client.repository");
/** How many clients' verified secrets are remembered; the oldest entry goes first beyond that. */
const VERIFIED_SECRETS_LIMIT = 1000;
/**
 * Checks a client's id and secret. A human-chosen secret is stored with scrypt, which costs tens of
 * milliseconds; paying that on every token request would put a memory-hard hash on the hot path. So after a
 * successful scrypt check the SHA-256 of the secret is remembered, tied to the stored hash it was checked
 * against: a later request with the same secret costs one digest and a constant-time compare, and a changed
 * secret (a different stored hash) is checked with scrypt again.
 */
let ClientAuthenticator = class ClientAuthenticator {
    clients;
    verified = new Map();
    constructor(clients) {
        this.clients = clients;
    }
    async authenticate(clientId, secret) {
        const client = await this.clients.findById(clientId);
        if (!client)
            return null;
        const secretDigest = (0, node_crypto_1.createHash)('sha256').update(secret, 'utf8').digest();
        const known = this.verified.get(clientId);
        if (known?.secretHash === client.secretHash && (0, secret_hash_1.constantTimeEqual)(known.secretDigest, secretDigest))
            return client;
        if (!(await (0, secret_hash_1.verifySecret)(secret, client.secretHash)))
            return null;
        this.remember(clientId, { secretHash: client.secretHash, secretDigest });
        return client;
    }
    remember(clientId, entry) {
        this.verified.delete(clientId);
        if (this.verified.size >= VERIFIED_SECRETS_LIMIT)
            this.verified.delete(this.verified.keys().next().value);
        this.verified.set(clientId, entry);
    }
};
exports.ClientAuthenticator = ClientAuthenticator;
exports.ClientAuthenticator = ClientAuthenticator = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [client_repository_1.ClientRepository])
], ClientAuthenticator);
//# sourceMappingURL=client-authenticator.js.map