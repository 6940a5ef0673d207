import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAUTH_ENTITIES, OAuthModule, OAuthTypeOrmModule } from '@app/oauth';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/app-config.provider';
import { HealthController } from './health/health.controller';
import { MeController } from './me/me.controller';
import { DemoSeedService } from './seed/demo-seed.service';
import { User } from './users/user.entity';
import { UsersOAuthLookup } from './users/users-oauth.lookup';
import { UsersModule } from './users/users.module';

/** Makes the validated configuration injectable everywhere. */
@Module({})
class AppConfigModule {
  static register(config: AppConfig): DynamicModule {
    return { module: AppConfigModule, global: true, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}

/** The reference deployment: the OAuth module on TypeORM + sqlite, serving the seed API's `/me`. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(config),
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) => {
            if (appConfig.database.path !== ':memory:') mkdirSync(dirname(appConfig.database.path), { recursive: true });
            return {
              type: 'sqlite' as const,
              database: appConfig.database.path,
              entities: [...OAUTH_ENTITIES, User],
              synchronize: true,
              // WAL: readers never wait for the writer, and a committed transaction survives a process crash.
              enableWAL: true,
              busyTimeout: 5000,
            };
          },
        }),
        UsersModule,
        OAuthModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (appConfig: AppConfig) => ({ ...appConfig.oauth, realm: 'breakout' }),
          storage: OAuthTypeOrmModule.forFeature(),
          userLookup: UsersOAuthLookup,
          imports: [UsersModule],
        }),
      ],
      controllers: [MeController, HealthController],
      providers: [DemoSeedService],
    };
  }
}
