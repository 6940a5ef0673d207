import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAUTH_ENTITIES } from '@app/oauth';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/app-config.provider';
import { User } from '../users/user.entity';

/** The app's one database connection, shared by the HTTP app and the admin CLI. */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        if (config.database.path !== ':memory:') mkdirSync(dirname(config.database.path), { recursive: true });
        return {
          type: 'sqlite' as const,
          database: config.database.path,
          entities: [...OAUTH_ENTITIES, User],
          synchronize: true,
          // WAL: readers never wait for the writer, and a committed transaction survives a process crash.
          enableWAL: true,
          busyTimeout: 5000,
          // A wrong path or a locked file is not going to fix itself: fail at start instead of retrying.
          retryAttempts: 0,
        };
      },
    }),
  ],
})
export class DatabaseModule {}
