import { type DynamicModule, Module } from '@nestjs/common';
import { OAuthModule, OAuthTypeOrmModule } from '@app/oauth';
import type { AppConfig } from './config/app-config';
import { AppConfigModule } from './config/app-config.module';
import { loadJwtSigningKeys } from './config/jwt-signing-keys';
import { APP_CONFIG } from './config/app-config.provider';
import { DatabaseModule } from './database/database.module';
import { HealthController } from './health/health.controller';
import { MeController } from './me/me.controller';
import { DemoSeedService } from './seed/demo-seed.service';
import { UsersOAuthLookup } from './users/users-oauth.lookup';
import { UsersModule } from './users/users.module';

/** The reference deployment: the OAuth module on TypeORM + sqlite, serving the seed API's `/me`. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.register(config),
        DatabaseModule,
        UsersModule,
        OAuthModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: async ({ oauth }: AppConfig) => {
            const { jwt, ...options } = oauth;
            return { ...options, realm: 'breakout', ...(oauth.accessTokenFormat === 'jwt' ? { jwt: await loadJwtSigningKeys(jwt) } : {}) };
          },
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
