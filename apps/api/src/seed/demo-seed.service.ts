import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { hashSecret } from '@nest-oauth/server';
import { OAuthClientEntity } from '@nest-oauth/server/typeorm';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.provider';
import { UsersService } from '../users/users.service';

/** The credentials of the seed's wiki page, so its requests work against a fresh install. */
export const DEMO_CLIENT = { id: 'breakout_app', secret: '123456789', scopes: ['read', 'write'] };
export const DEMO_USER = { email: 'admin@break-out.org', password: 'password' };
/** A public client for trying the authorization code flow in a browser (README "Sign in through the browser"). */
export const DEMO_BROWSER_CLIENT = { id: 'demo_spa', redirectUri: 'http://127.0.0.1:8080/callback', scopes: ['read', 'write'] };

/**
 * Fills an empty database with the demo client and user, outside production only, and says so loudly:
 * their secrets are published, so they must never reach a real deployment.
 */
@Injectable()
export class DemoSeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoSeed');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.production) return;
    const clients = this.dataSource.getRepository(OAuthClientEntity);
    if ((await clients.count()) > 0 || (await this.users.count()) > 0) return;
    await clients.insert({
      id: DEMO_CLIENT.id,
      // A human-chosen secret, so it gets the slow hash; the client authenticator caches the check.
      secretHash: await hashSecret(DEMO_CLIENT.secret, { cost: this.config.passwordHashCost }),
      name: 'Demo app',
      grants: 'password refresh_token',
      scopes: DEMO_CLIENT.scopes.join(' '),
      defaultScopes: DEMO_CLIENT.scopes.join(' '),
      createdAt: new Date(),
    });
    await clients.insert({
      id: DEMO_BROWSER_CLIENT.id,
      // Public: no secret, authenticated by its id; PKCE protects its codes.
      secretHash: '',
      tokenEndpointAuthMethod: 'none',
      name: 'Demo browser app',
      grants: 'authorization_code refresh_token',
      scopes: DEMO_BROWSER_CLIENT.scopes.join(' '),
      defaultScopes: DEMO_BROWSER_CLIENT.scopes.join(' '),
      redirectUris: DEMO_BROWSER_CLIENT.redirectUri,
      firstParty: false,
      createdAt: new Date(),
    });
    await this.users.create({
      email: DEMO_USER.email,
      password: DEMO_USER.password,
      firstname: 'Admin',
      lastname: 'Breakout',
      roles: ['ADMIN', 'USER'],
    });
    this.logger.warn(
      `Demo credentials exist: clients "${DEMO_CLIENT.id}" and "${DEMO_BROWSER_CLIENT.id}" and user "${DEMO_USER.email}" were created with the publicly ` +
        'documented secrets. Never expose this database; set NODE_ENV=production to skip the demo seed.',
    );
  }
}
