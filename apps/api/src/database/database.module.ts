import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.provider';
import { dataSourceOptions } from './data-source-options';
import { PendingMigrationsCheck } from './database-startup';

/** The app's one database connection, shared by the HTTP app and the admin CLI, which start only on an up-to-date schema. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...dataSourceOptions(config),
        // A wrong path or an unreachable server is not going to fix itself: fail at start instead of retrying.
        retryAttempts: 0,
      }),
    }),
  ],
  providers: [PendingMigrationsCheck],
})
export class DatabaseModule {}
