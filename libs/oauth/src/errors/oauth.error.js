"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAuthError = void 0;
/**
 * The one protocol error type of the module. Everything a client did wrong is an `OAuthError`;
 * `OAuthExceptionFilter` turns it into the RFC's JSON body and headers.
 */
class OAuthError extends Error {
    error;
    description;
    status;
    challenge;
    name = 'OAuthError';
    constructor(error, description, status, challenge, options) {
        super(description ?? error, options);
        this.error = error;
        this.description = description;
        this.status = status;
        this.challenge = challenge;
    }
    static invalidRequest(description) {
        return new OAuthError('invalid_request', description, 400);
    }
    /**
     * RFC 6749 §5.2: when the client tried HTTP Basic (or sent no credentials at all) the answer is 401 with a
     * `WWW-Authenticate` challenge for the scheme it should use.
     */
    static invalidClient(description = 'Client authentication failed') {
        return new OAuthError('invalid_client', description, 401, { scheme: 'Basic' });
    }
    static invalidGrant(description) {
        return new OAuthError('invalid_grant', description, 400);
    }
    static unauthorizedClient(description) {
        return new OAuthError('unauthorized_client', description, 400);
    }
    static unsupportedGrantType(description) {
        return new OAuthError('unsupported_grant_type', description, 400);
    }
    static invalidScope(description) {
        return new OAuthError('invalid_scope', description, 400);
    }
    /** RFC 6750 §3.1: the request carried no token at all, so the challenge names no error. */
    static missingToken() {
        return new OAuthError('invalid_request', 'No access token was provided', 401, { scheme: 'Bearer' });
    }
    static invalidToken(description = 'The access token is invalid, expired or revoked') {
        return new OAuthError('invalid_token', description, 401, { scheme: 'Bearer', error: 'invalid_token' });
    }
    static insufficientScope(requiredScopes) {
        const scope = requiredScopes.join(' ');
        return new OAuthError('insufficient_scope', `This resource requires the scope: ${scope}`, 403, {
            scheme: 'Bearer',
            error: 'insufficient_scope',
            scope,
        });
    }
    static serverError(cause) {
        return new OAuthError('server_error', 'The server could not complete the request', 500, undefined, { cause });
    }
}
exports.OAuthError = OAuthError;
//# sourceMappingURL=oauth.error.js.map