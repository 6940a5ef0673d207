import { DynamicModule, Module } from '@nestjs/common';
import { AccessTokenRepository } from '../repositories/access-token.repository';
import { AttemptCounterRepository } from '../repositories/attempt-counter.repository';
import { AuthorizationCodeRepository } from '../repositories/authorization-code.repository';
import { BrowserSessionRepository } from '../repositories/browser-session.repository';
import { ConsentRepository } from '../repositories/consent.repository';
import { ClientRepository } from '../repositories/client.repository';
import { GrantRepository } from '../repositories/grant.repository';
import { RefreshTokenRepository } from '../repositories/refresh-token.repository';
import { InMemoryOAuthStore } from './in-memory-oauth.store';
import {
  InMemoryAccessTokenRepository,
  InMemoryAttemptCounterRepository,
  InMemoryAuthorizationCodeRepository,
  InMemoryBrowserSessionRepository,
  InMemoryConsentRepository,
  InMemoryClientRepository,
  InMemoryGrantRepository,
  InMemoryRefreshTokenRepository,
} from './in-memory.repositories';

/**
 * Storage for tests: pass `OAuthInMemoryStorageModule.register()` as `OAuthModule`'s `storage`. Pass your own
 * `InMemoryOAuthStore` to seed clients or inspect what was stored.
 */
@Module({})
export class OAuthInMemoryStorageModule {
  static register(store = new InMemoryOAuthStore()): DynamicModule {
    return {
      module: OAuthInMemoryStorageModule,
      providers: [
        { provide: InMemoryOAuthStore, useValue: store },
        { provide: ClientRepository, useClass: InMemoryClientRepository },
        { provide: GrantRepository, useClass: InMemoryGrantRepository },
        { provide: AccessTokenRepository, useClass: InMemoryAccessTokenRepository },
        { provide: RefreshTokenRepository, useClass: InMemoryRefreshTokenRepository },
        { provide: AttemptCounterRepository, useClass: InMemoryAttemptCounterRepository },
        { provide: AuthorizationCodeRepository, useClass: InMemoryAuthorizationCodeRepository },
        { provide: BrowserSessionRepository, useClass: InMemoryBrowserSessionRepository },
        { provide: ConsentRepository, useClass: InMemoryConsentRepository },
      ],
      exports: [
        InMemoryOAuthStore,
        ClientRepository,
        GrantRepository,
        AccessTokenRepository,
        RefreshTokenRepository,
        AttemptCounterRepository,
        AuthorizationCodeRepository,
        BrowserSessionRepository,
        ConsentRepository,
      ],
    };
  }
}
