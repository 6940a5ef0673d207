import { OAuthAccessTokenEntity } from './oauth-access-token.entity';
import { OAuthClientEntity } from './oauth-client.entity';
import { OAuthGrantEntity } from './oauth-grant.entity';
import { OAuthRefreshTokenEntity } from './oauth-refresh-token.entity';

export { OAuthAccessTokenEntity, OAuthClientEntity, OAuthGrantEntity, OAuthRefreshTokenEntity };

/** Every entity the module owns; add them to the host's DataSource. */
export const OAUTH_ENTITIES = [OAuthClientEntity, OAuthGrantEntity, OAuthAccessTokenEntity, OAuthRefreshTokenEntity];
