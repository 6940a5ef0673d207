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
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAuthEndpointExceptionFilter = exports.OAuthExceptionFilter = void 0;
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const oauth_options_1 = require("../oauth-options");
const oauth_error_1 = require("./oauth.error");
/**
 * Writes every `OAuthError` as RFC 6749 §5.2 JSON, with the `WWW-Authenticate` challenge RFC 6749 §5.2 and
 * RFC 6750 §3 ask for. Registered globally, but it only catches `OAuthError`, so a host's other errors keep
 * going to the host's own filters.
 */
let OAuthExceptionFilter = class OAuthExceptionFilter {
    adapterHost;
    options;
    logger = new common_1.Logger('OAuth');
    constructor(adapterHost, options) {
        this.adapterHost = adapterHost;
        this.options = options;
    }
    catch(exception, host) {
        const error = this.toOAuthError(exception);
        if (error.status >= 500) {
            // The cause goes to the log only; the client learns nothing about the server's insides.
            this.logger.error(`Unexpected error: ${describe(error.cause)}`, error.cause instanceof Error ? error.cause.stack : undefined);
        }
        const adapter = this.adapterHost.httpAdapter;
        const response = host.switchToHttp().getResponse();
        adapter.setHeader(response, 'Cache-Control', 'no-store');
        adapter.setHeader(response, 'Pragma', 'no-cache');
        const challenge = this.challenge(error);
        if (challenge)
            adapter.setHeader(response, 'WWW-Authenticate', challenge);
        const body = { error: error.error };
        if (error.description)
            body.error_description = error.description;
        adapter.reply(response, body, error.status);
    }
    /** Anything that is not an `OAuthError` reached this filter by mistake; never leak its details. */
    toOAuthError(exception) {
        return exception instanceof oauth_error_1.OAuthError ? exception : oauth_error_1.OAuthError.serverError(exception);
    }
    challenge(error) {
        const realm = `realm="${this.options.realm}"`;
        switch (error.challenge?.scheme) {
            case 'Basic':
                return `Basic ${realm}, charset="UTF-8"`;
            case 'Bearer': {
                const { error: code, scope } = error.challenge;
                // RFC 6750 §3: with no credentials at all the challenge carries no error information.
                if (!code)
                    return `Bearer ${realm}`;
                const params = [realm, `error="${code}"`];
                if (error.description)
                    params.push(`error_description="${error.description}"`);
                if (scope)
                    params.push(`scope="${scope}"`);
                return `Bearer ${params.join(', ')}`;
            }
            default:
                return undefined;
        }
    }
};
exports.OAuthExceptionFilter = OAuthExceptionFilter;
exports.OAuthExceptionFilter = OAuthExceptionFilter = __decorate([
    (0, common_1.Catch)(oauth_error_1.OAuthError),
    __param(1, (0, oauth_options_1.InjectOAuthOptions)()),
    __metadata("design:paramtypes", [core_1.HttpAdapterHost, Object])
], OAuthExceptionFilter);
/**
 * The filter of the module's own endpoints: there every failure must still be an OAuth error body, so it
 * catches everything. A framework `HttpException` with a 4xx status (a body the parser refused, say) becomes
 * `invalid_request` with that status; anything else is `server_error`.
 */
let OAuthEndpointExceptionFilter = class OAuthEndpointExceptionFilter extends OAuthExceptionFilter {
    toOAuthError(exception) {
        if (exception instanceof common_1.HttpException && exception.getStatus() < 500) {
            return new oauth_error_1.OAuthError('invalid_request', 'The request could not be read', exception.getStatus());
        }
        return super.toOAuthError(exception);
    }
};
exports.OAuthEndpointExceptionFilter = OAuthEndpointExceptionFilter;
exports.OAuthEndpointExceptionFilter = OAuthEndpointExceptionFilter = __decorate([
    (0, common_1.Catch)()
], OAuthEndpointExceptionFilter);
function describe(cause) {
    return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
//# sourceMappingURL=oauth-exception.filter.js.map