import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BearerGuard, OAuthModule } from '@nest-oauth/server';
import { OAUTH_ENTITIES, OAUTH_MIGRATIONS, OAuthTypeOrmModule } from '@nest-oauth/server/typeorm';
import { databaseOptions } from './database-options.js';
import { HealthController } from './health.controller.js';
import { OrdersModule } from './orders/orders.module.js';
import { UsersModule } from './users/users.module.js';
import { UsersOAuthLookup } from './users/users-oauth.lookup.js';

@Module({
  imports: [
    // Your entities and migrations go beside the module's.
    TypeOrmModule.forRoot({ ...databaseOptions, entities: [...OAUTH_ENTITIES], migrations: [...OAUTH_MIGRATIONS], migrationsRun: true }),
    UsersModule,
    OAuthModule.forRoot({ storage: OAuthTypeOrmModule.forFeature(), userLookup: UsersOAuthLookup, imports: [UsersModule] }),
    OrdersModule,
  ],
  controllers: [HealthController],
  // Every route now needs an access token; mark sign-up, health checks and the like with @Public().
  providers: [{ provide: APP_GUARD, useClass: BearerGuard }],
})
export class AppModule {}
