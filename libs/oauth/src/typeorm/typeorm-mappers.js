"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.splitList = exports.joinList = void 0;
exports.toClient = toClient;
exports.toGrant = toGrant;
exports.fromGrant = fromGrant;
exports.toAccessToken = toAccessToken;
exports.fromAccessToken = fromAccessToken;
exports.toRefreshToken = toRefreshToken;
exports.fromRefreshToken = fromRefreshToken;
/** Lists are stored the way OAuth writes scopes: space-separated. */
const joinList = (values) => values.join(' ');
exports.joinList = joinList;
const splitList = (value) => value.split(' ').filter((item) => item.length > 0);
exports.splitList = splitList;
function toClient(row) {
    return {
        id: row.id,
        secretHash: row.secretHash,
        name: row.name,
        grants: (0, exports.splitList)(row.grants),
        scopes: (0, exports.splitList)(row.scopes),
        defaultScopes: (0, exports.splitList)(row.defaultScopes),
    };
}
function toGrant(row) {
    return {
        id: row.id,
        clientId: row.clientId,
        userId: row.userId,
        scope: (0, exports.splitList)(row.scope),
        createdAt: row.createdAt,
        revokedAt: row.revokedAt,
        revokedReason: row.revokedReason,
    };
}
function fromGrant(grant) {
    return { ...grant, scope: (0, exports.joinList)(grant.scope) };
}
function toAccessToken(row) {
    return { digest: row.digest, grantId: row.grantId, scope: (0, exports.splitList)(row.scope), expiresAt: row.expiresAt, createdAt: row.createdAt };
}
function fromAccessToken(token) {
    return { ...token, scope: (0, exports.joinList)(token.scope) };
}
function toRefreshToken(row) {
    return {
        digest: row.digest,
        grantId: row.grantId,
        parentDigest: row.parentDigest,
        scope: (0, exports.splitList)(row.scope),
        expiresAt: row.expiresAt,
        usedAt: row.usedAt,
        createdAt: row.createdAt,
    };
}
function fromRefreshToken(token) {
    return { ...token, scope: (0, exports.joinList)(token.scope) };
}
//# sourceMappingURL=typeorm-mappers.js.map