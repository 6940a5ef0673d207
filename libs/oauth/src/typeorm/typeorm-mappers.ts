import type { AccessTokenRecord } from '../repositories/access-token.repository';
import { clientSettings, type OAuthClient, type OAuthClientAuthMethod } from '../repositories/client.repository';
import type { OAuthGrant } from '../repositories/grant.repository';
import type { RefreshTokenRecord } from '../repositories/refresh-token.repository';
import type { OAuthAccessTokenEntity } from './entities/oauth-access-token.entity';
import type { OAuthClientEntity } from './entities/oauth-client.entity';
import type { OAuthGrantEntity } from './entities/oauth-grant.entity';
import type { OAuthRefreshTokenEntity } from './entities/oauth-refresh-token.entity';

/** Lists are stored the way OAuth writes scopes: space-separated. */
export const joinList = (values: readonly string[]): string => values.join(' ');
export const splitList = (value: string): string[] => value.split(' ').filter((item) => item.length > 0);

export function toClient(row: OAuthClientEntity): OAuthClient {
  return {
    id: row.id,
    secretHash: row.secretHash,
    name: row.name,
    grants: splitList(row.grants),
    scopes: splitList(row.scopes),
    defaultScopes: splitList(row.defaultScopes),
    redirectUris: splitList(row.redirectUris),
    tokenEndpointAuthMethod: row.tokenEndpointAuthMethod as OAuthClientAuthMethod,
    // sqlite hands booleans back as 0 and 1.
    firstParty: Boolean(row.firstParty),
  };
}

export function fromClient(client: OAuthClient, createdAt = new Date()): OAuthClientEntity {
  const settings = clientSettings(client);
  return {
    id: client.id,
    secretHash: client.secretHash,
    name: client.name,
    grants: joinList(client.grants),
    scopes: joinList(client.scopes),
    defaultScopes: joinList(client.defaultScopes),
    redirectUris: joinList(settings.redirectUris),
    tokenEndpointAuthMethod: settings.tokenEndpointAuthMethod,
    firstParty: settings.firstParty,
    createdAt,
  };
}

export function fromGrant(grant: OAuthGrant): OAuthGrantEntity {
  return { ...grant, scope: joinList(grant.scope) };
}

export function fromAccessToken(token: AccessTokenRecord): OAuthAccessTokenEntity {
  return { ...token, scope: joinList(token.scope) };
}

export function fromRefreshToken(token: RefreshTokenRecord): OAuthRefreshTokenEntity {
  return { ...token, scope: joinList(token.scope) };
}
