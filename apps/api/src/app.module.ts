import { type DynamicModule, Module } from '@nestjs/common';

type ModuleImport = NonNullable<DynamicModule['imports']>[number];
import { ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { OAuthModule, type RateLimitStorage } from '@nest-oauth/server';
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
import { RATE_LIMIT_STORAGE, RateLimitStorageModule } from './rate-limit/rate-limit-storage.module';
import { MeteredOAuthEvents } from './metrics/metered-oauth-events';
import { MetricsModule } from './metrics/metrics.module';
import { DemoSeedService } from './seed/demo-seed.service';
import { UsersOAuthLookup } from './users/users-oauth.lookup';
import { UsersModule } from './users/users.module';

/** The reference deployment: the OAuth module on TypeORM + sqlite, serving the seed API's `/me`. */
@Module({})
export class AppModule {
  /**
   * `logging: false` leaves pino out (no request logs, no `x-request-id`): for tests that silence the app.
   * `imports` adds modules of the caller's (the benchmark's routes that measure the guard's own cost).
   */
  static forRoot(config: AppConfig, { logging = true, imports = [] }: { logging?: boolean; imports?: ModuleImport[] } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(config),
        ...(logging ? [appLoggerModule(config)] : []),
        TerminusModule.forRoot(),
        DatabaseModule,
        ...(config.metrics.enabled ? [MetricsModule] : []),
        UsersModule,
        OAuthModule.forRootAsync({
          inject: [ConfigService, RATE_LIMIT_STORAGE],
          useFactory: async (settings: ConfigService<AppConfig, true>, rateLimitStorage: RateLimitStorage | null) => {
            const oauth = settings.get('oauth', { infer: true });
            const { jwt, ...options } = oauth;
            return {
              ...options,
              realm: 'breakout',
              ...(rateLimitStorage ? { rateLimitStorage } : {}),
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
          events: config.metrics.enabled ? MeteredOAuthEvents : StructuredOAuthEvents,
          imports: [UsersModule, RateLimitStorageModule],
          // Global so that PasswordHasher, in UsersModule, gets the module's HashLimiter: one limiter for every hash.
          isGlobal: true,
        }),
        ...imports,
      ],
      controllers: [MeController, HealthController],
      providers: [DemoSeedService, { provide: APP_FILTER, useClass: RouteNotFoundFilter }],
    };
  }
}
