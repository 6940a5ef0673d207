import { OAuthAccessTokenEntity } from './oauth-access-token.entity';
import { OAuthAuthorizationCodeEntity } from './oauth-authorization-code.entity';
import { OAuthBrowserSessionEntity } from './oauth-browser-session.entity';
import { OAuthConsentEntity } from './oauth-consent.entity';
import { OAuthClientEntity } from './oauth-client.entity';
import { OAuthClientFailureEntity } from './oauth-client-failure.entity';
import { OAuthCounterEntity } from './oauth-counter.entity';
import { OAuthGrantEntity } from './oauth-grant.entity';
import { OAuthLoginAttemptEntity } from './oauth-login-attempt.entity';
import { OAuthRefreshTokenEntity } from './oauth-refresh-token.entity';
import { OAuthUserRevocationEntity } from './oauth-user-revocation.entity';

export {
  OAuthAccessTokenEntity,
  OAuthAuthorizationCodeEntity,
  OAuthBrowserSessionEntity,
  OAuthConsentEntity,
  OAuthClientEntity,
  OAuthClientFailureEntity,
  OAuthCounterEntity,
  OAuthGrantEntity,
  OAuthLoginAttemptEntity,
  OAuthRefreshTokenEntity,
  OAuthUserRevocationEntity,
};

/** Every entity the module owns; add them to the host's DataSource. */
export const OAUTH_ENTITIES = [
  OAuthClientEntity,
  OAuthGrantEntity,
  OAuthAccessTokenEntity,
  OAuthRefreshTokenEntity,
  OAuthLoginAttemptEntity,
  OAuthClientFailureEntity,
  OAuthCounterEntity,
  OAuthUserRevocationEntity,
  OAuthAuthorizationCodeEntity,
  OAuthBrowserSessionEntity,
  OAuthConsentEntity,
];
