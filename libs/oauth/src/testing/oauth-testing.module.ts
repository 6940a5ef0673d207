import { type DynamicModule, Injectable, Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BearerGuard } from '../auth/bearer.guard';
import { OAuthEvents, type OAuthEvent } from '../events/oauth-events';
import { OAuthModule } from '../oauth.module';
import type { OAuthModuleExtras, OAuthModuleOptions } from '../oauth-module-options.interface';
import type { OAuthClient } from '../repositories/client.repository';
import { UserLookup, type OAuthSubject } from '../repositories/user-lookup';
import { TokenIssuer } from '../token/token-issuer';
import { InMemoryOAuthStore } from './in-memory-oauth.store';
import { OAuthInMemoryStorageModule } from './oauth-in-memory-storage.module';

/** What `OAuthTestingModule.forRoot()` takes: any module option, plus the wiring a test may want to replace. */
export interface OAuthTestingModuleOptions extends OAuthModuleOptions, Pick<OAuthModuleExtras, 'imports' | 'grantHandlers'> {
  /**
   * The users the password grant knows. Tokens from `OAuthTestingTokens.mint()` need none.
   * @default a lookup that knows nobody
   */
  userLookup?: Type<UserLookup>;
  /**
   * Receives the module's events.
   * @default one that drops them, to keep test output quiet
   */
  events?: Type<OAuthEvents>;
  /**
   * The in-memory rows; pass your own to seed clients or to inspect grants.
   * @default a fresh, empty store
   */
  store?: InMemoryOAuthStore;
  /**
   * Installs `BearerGuard` for every route of the test app (`APP_GUARD`), as an app that registers it globally in
   * its `AppModule` has it; without this, the routes of a controller tested on its own have no guard, and
   * `@Principal()` fails. Leave it off when the controllers carry `@UseGuards(BearerGuard)` themselves.
   * @default false
   */
  globalGuard?: boolean;
}

/** What a test token stands for. */
export interface MintTokenInput {
  /** The resource owner's id; `null` for a token a client holds for itself (client_credentials). */
  userId: string | null;
  /** @default 'test-client' */
  clientId?: string;
  /** The scopes the token carries; `@Scopes()` checks them. */
  scopes: string[];
}

/**
 * Mints access tokens for tests, without a client, a password or a request to the token endpoint. A minted token
 * is a real one, issued and stored as the token endpoint would (opaque or JWT, as the module is configured), so
 * `BearerGuard`, `@Scopes()`, `@RequireUser()`, introspection and revocation treat it like any other.
 */
@Injectable()
export class OAuthTestingTokens {
  constructor(
    private readonly issuer: TokenIssuer,
    /** The rows behind the module, to seed or inspect. */
    readonly store: InMemoryOAuthStore,
  ) {}

  /** A bearer access token for `userId` with `scopes`: send it as `Authorization: Bearer <token>`. */
  async mint(input: MintTokenInput): Promise<string> {
    const client: OAuthClient = {
      id: input.clientId ?? 'test-client',
      secretHash: '',
      name: null,
      grants: [],
      scopes: input.scopes,
      defaultScopes: input.scopes,
    };
    const response = await this.issuer.issueForNewGrant({
      grantType: 'testing',
      client,
      userId: input.userId,
      scope: [...input.scopes],
      refreshable: false,
    });
    return response.access_token;
  }
}

/** The default `userLookup`: nobody can log in with a password, and no user id is known. */
@Injectable()
class NoUsersLookup extends UserLookup {
  async verifyCredentials(): Promise<OAuthSubject | null> {
    return null;
  }

  async findById(): Promise<OAuthSubject | null> {
    return null;
  }
}

/** The default `events`: drops them. */
@Injectable()
class SilentOAuthEvents extends OAuthEvents {
  emit(_event: OAuthEvent): void {}
}

/**
 * `OAuthModule` for a host's tests: in-memory storage, no per-IP rate limit, registered globally, plus
 * `OAuthTestingTokens` to mint tokens. Import it, from `@nest-oauth/server/testing`, instead of the real
 * registration (`globalGuard: true` when the app installs `BearerGuard` as a global guard):
 *
 * ```ts
 * const moduleRef = await Test.createTestingModule({ imports: [OAuthTestingModule.forRoot({ globalGuard: true })], controllers: [OrdersController] }).compile();
 * const token = await moduleRef.get(OAuthTestingTokens).mint({ userId: '42', scopes: ['read'] });
 * ```
 */
@Module({})
export class OAuthTestingModule {
  static forRoot(options: OAuthTestingModuleOptions = {}): DynamicModule {
    const { userLookup, events, imports, grantHandlers, store = new InMemoryOAuthStore(), globalGuard = false, ...moduleOptions } = options;
    const oauth = OAuthModule.forRoot({
      tokenRateLimit: 0,
      ...moduleOptions,
      isGlobal: true,
      storage: OAuthInMemoryStorageModule.register(store),
      userLookup: userLookup ?? NoUsersLookup,
      events: events ?? SilentOAuthEvents,
      imports,
      grantHandlers,
    });
    // The token minter lives inside the OAuth module, next to the (unexported) issuer it uses.
    const oauthWithTokens: DynamicModule = {
      ...oauth,
      providers: [...(oauth.providers ?? []), OAuthTestingTokens],
      exports: [...(oauth.exports ?? []), OAuthTestingTokens],
    };
    return {
      module: OAuthTestingModule,
      global: true,
      imports: [oauthWithTokens],
      providers: globalGuard ? [{ provide: APP_GUARD, useClass: BearerGuard }] : [],
      exports: [oauthWithTokens],
    };
  }
}
