import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AccessTokenRepository } from '../repositories/access-token.repository';
import { AttemptCounterRepository } from '../repositories/attempt-counter.repository';
import { AuthorizationCodeRepository } from '../repositories/authorization-code.repository';
import { BrowserSessionRepository } from '../repositories/browser-session.repository';
import { ConsentRepository } from '../repositories/consent.repository';
import { ClientRepository } from '../repositories/client.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { RefreshTokenRepository } from '../repositories/refresh-token.repository';
import { OAUTH_ENTITIES } from './entities';
import { TypeOrmAccessTokenRepository } from './typeorm-access-token.repository';
import { TypeOrmAttemptCounterRepository } from './typeorm-attempt-counter.repository';
import { TypeOrmAuthorizationCodeRepository } from './typeorm-authorization-code.repository';
import { TypeOrmBrowserSessionRepository } from './typeorm-browser-session.repository';
import { TypeOrmConsentRepository } from './typeorm-consent.repository';
import { TypeOrmClientRepository } from './typeorm-client.repository';
import { TypeOrmGrantRepository } from './typeorm-grant.repository';
import { TypeOrmRefreshTokenRepository } from './typeorm-refresh-token.repository';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

/**
 * The TypeORM storage for `OAuthModule`: pass `OAuthTypeOrmModule.forFeature()` as its `storage`. It uses the
 * host's default `TypeOrmModule.forRoot()` connection; add `OAUTH_ENTITIES` to that connection's entities. On
 * sqlite it opens connections of its own to the same database file and closes them when the application shuts
 * down; the host's DataSource then needs `busyTimeout` (see `TypeOrmStorageConnection`).
 */
@Module({})
export class OAuthTypeOrmModule {
  static forFeature(): DynamicModule {
    const repositories = [
      { provide: ClientRepository, useClass: TypeOrmClientRepository },
      { provide: GrantRepository, useClass: TypeOrmGrantRepository },
      { provide: AccessTokenRepository, useClass: TypeOrmAccessTokenRepository },
      { provide: RefreshTokenRepository, useClass: TypeOrmRefreshTokenRepository },
      { provide: AttemptCounterRepository, useClass: TypeOrmAttemptCounterRepository },
      { provide: AuthorizationCodeRepository, useClass: TypeOrmAuthorizationCodeRepository },
      { provide: BrowserSessionRepository, useClass: TypeOrmBrowserSessionRepository },
      { provide: ConsentRepository, useClass: TypeOrmConsentRepository },
    ];
    return {
      module: OAuthTypeOrmModule,
      imports: [TypeOrmModule.forFeature(OAUTH_ENTITIES)],
      providers: [
        { provide: TypeOrmStorageConnection, inject: [getDataSourceToken()], useFactory: (host: DataSource) => TypeOrmStorageConnection.open(host) },
        ...repositories,
      ],
      exports: repositories.map((provider) => provider.provide),
    };
  }
}
