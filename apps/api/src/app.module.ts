import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { OAuthModule } from '@nest-oauth/server';
import { OAuthTypeOrmModule } from '@nest-oauth/server/typeorm';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { loadJwtSigningKeys } from './config/jwt-signing-keys';
import { DatabaseModule } from './database/database.module';
import { RouteNotFoundFilter } from './errors/route-not-found.filter';
import { HealthController } from './health/health.controller';
import { appLoggerModule } from './logging/logging';
import { StructuredOAuthEvents } from './logging/structured-oauth-events';
import { MeController } from './me/me.controller';
import { DemoSeedService } from './seed/demo-seed.service';
import { UsersOAuthLookup } from './users/users-oauth.lookup';
import { UsersModule } from './users/users.module';

/** The reference deployment: the OAuth module on TypeORM + sqlite, serving the seed API's `/me`. */
@Module({})
export class AppModule {
  /** `logging: false` leaves pino out (no request logs, no `x-request-id`): for tests that silence the app. */
  static forRoot(config: AppConfig, { logging = true }: { logging?: boolean } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(config),
        ...(logging ? [appLoggerModule(config)] : []),
        TerminusModule.forRoot(),
        DatabaseModule,
        UsersModule,
        OAuthModule.forRootAsync({
          inject: [ConfigService],
          useFactory: async (settings: ConfigService<AppConfig, true>) => {
            const oauth = settings.get('oauth', { infer: true });
            const { jwt, ...options } = oauth;
            return {
              ...options,
              realm: 'breakout',
              // Plain http on a development machine; https everywhere else.
              secureCookies: settings.get('production', { infer: true }),
              // A client secret an operator types is hashed like a password (the admin CLI does the same).
              clientSecretHash: { cost: settings.get('passwordHashCost', { infer: true }) },
              // Signing keys in either format: JWT access tokens, and OpenID Connect ID tokens.
              jwt: await loadJwtSigningKeys(jwt),
            };
          },
          storage: OAuthTypeOrmModule.forFeature(),
          userLookup: UsersOAuthLookup,
          events: StructuredOAuthEvents,
          imports: [UsersModule],
          // Global so that PasswordHasher, in UsersModule, gets the module's HashLimiter: one limiter for every hash.
          isGlobal: true,
        }),
      ],
      controllers: [MeController, HealthController],
      providers: [DemoSeedService, { provide: APP_FILTER, useClass: RouteNotFoundFilter }],
    };
  }
}
