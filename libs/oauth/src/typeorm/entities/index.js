"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.OAUTH_ENTITIES = exports.OAuthRefreshTokenEntity = exports.OAuthGrantEntity = exports.OAuthClientEntity = exports.OAuthAccessTokenEntity = void 0;
const oauth_access_token_entity_1 = require("./oauth-access-token.entity");
Object.defineProperty(exports, "OAuthAccessTokenEntity", { enumerable: true, get: function () { return oauth_access_token_entity_1.OAuthAccessTokenEntity; } });
const oauth_client_entity_1 = require("./oauth-client.entity");
Object.defineProperty(exports, "OAuthClientEntity", { enumerable: true, get: function () { return oauth_client_entity_1.OAuthClientEntity; } });
const oauth_grant_entity_1 = require("./oauth-grant.entity");
Object.defineProperty(exports, "OAuthGrantEntity", { enumerable: true, get: function () { return oauth_grant_entity_1.OAuthGrantEntity; } });
const oauth_refresh_token_entity_1 = require("./oauth-refresh-token.entity");
Object.defineProperty(exports, "OAuthRefreshTokenEntity", { enumerable: true, get: function () { return oauth_refresh_token_entity_1.OAuthRefreshTokenEntity; } });
/** Every entity the module owns; add them to the host's DataSource. */
exports.OAUTH_ENTITIES = [oauth_client_entity_1.OAuthClientEntity, oauth_grant_entity_1.OAuthGrantEntity, oauth_access_token_entity_1.OAuthAccessTokenEntity, oauth_refresh_token_entity_1.OAuthRefreshTokenEntity];
//# sourceMappingURL=index.js.map