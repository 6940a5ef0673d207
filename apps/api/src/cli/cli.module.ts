import { type DynamicModule, Module } from '@nestjs/common';
import { OAuthClientAdminModule, UserRevocationService } from '@nest-oauth/server';
import { OAuthTypeOrmModule } from '@nest-oauth/server/typeorm';
import type { AppConfig } from '../config/app-config';
import { AppConfigModule } from '../config/app-config.module';
import { DatabaseModule } from '../database/database.module';
import { UserAccountsService } from '../users/user-accounts.service';
import { UsersModule } from '../users/users.module';
import { TokenPurgeService } from './token-purge.service';

/**
 * What the admin CLI needs: the app's database and users, the OAuth storage and client administration, without
 * the HTTP layer, the OAuth module's endpoints, or the demo seed.
 */
@Module({})
export class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.register(config),
        DatabaseModule,
        UsersModule,
        // As AppModule registers OAuthModule: the same grants (the built-in ones) and secret hashing cost.
        OAuthClientAdminModule.register({ storage: OAuthTypeOrmModule.forFeature(), clientSecretHash: { cost: config.passwordHashCost } }),
      ],
      // UserRevocationService without OAuthModule: this process serves no tokens, so it has no cache to empty.
      providers: [TokenPurgeService, UserAccountsService, UserRevocationService],
    };
  }
}
