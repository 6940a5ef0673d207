import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import type { RateLimitStorage } from '@nest-oauth/server';
import type { AppConfig } from '../config/app-config';

/** The token endpoint's rate-limit storage: Redis when `REDIS_URL` is set, else `null` (each instance's memory). */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

/**
 * A maintained @nestjs/throttler storage for Redis over ioredis, which the module counts in when given one. A
 * command fails at once while Redis is away (no offline queue, no retries), so a request never waits for it:
 * the module then counts in memory and logs it, and ioredis reconnects in the background. Nest calls the
 * storage's `onModuleDestroy`, which closes the connection it opened.
 */
@Module({
  providers: [
    {
      provide: RATE_LIMIT_STORAGE,
      inject: [ConfigService],
      useFactory: (settings: ConfigService<AppConfig, true>): RateLimitStorage | null => {
        const redis = settings.get('redis', { infer: true });
        if (!redis) return null;
        const storage = new ThrottlerStorageRedisService(redis.url, {
          keyPrefix: redis.keyPrefix,
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          connectTimeout: 2000,
        });
        // Connection errors surface as failed commands, which the module logs; unheard, ioredis would print each.
        storage.redis.on('error', () => undefined);
        return storage;
      },
    },
  ],
  exports: [RATE_LIMIT_STORAGE],
})
export class RateLimitStorageModule {}
