import { Injectable } from '@nestjs/common';
import { LoginAttemptRepository, type LoginLock } from '../repositories/login-attempt.repository';
import { OAuthLoginAttemptEntity } from './entities/oauth-login-attempt.entity';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

@Injectable()
export class TypeOrmLoginAttemptRepository extends LoginAttemptRepository {
  constructor(private readonly connection: TypeOrmStorageConnection) {
    super();
  }

  async find(key: string): Promise<LoginLock | null> {
    const row = await this.connection.reads.getRepository(OAuthLoginAttemptEntity).findOneBy({ usernameKey: key });
    return row && { failures: row.failures, lockedUntil: row.lockedUntil };
  }

  recordFailure(key: string, now: Date, policy: { maxFailures: number; windowSeconds: number; lockSeconds: number }): Promise<LoginLock> {
    return this.connection.transaction(async (manager) => {
      // Make sure the row exists (INSERT OR IGNORE / ON CONFLICT DO NOTHING), then read it under a row lock
      // (FOR UPDATE, on PostgreSQL) and write it back: concurrent failures of one username, even on several
      // instances, then count one after another instead of overwriting each other or colliding on the insert.
      await manager
        .createQueryBuilder()
        .insert()
        .into(OAuthLoginAttemptEntity)
        .values({ usernameKey: key, failures: 0, windowStartedAt: now, lockedUntil: null })
        .orIgnore()
        .updateEntity(false)
        .execute();
      const locking = this.connection.writes.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {};
      const row = await manager.findOneOrFail(OAuthLoginAttemptEntity, { where: { usernameKey: key }, ...locking });
      const windowOpen = now.getTime() - row.windowStartedAt.getTime() < policy.windowSeconds * 1000;
      const failures = windowOpen ? row.failures + 1 : 1;
      const windowStartedAt = windowOpen ? row.windowStartedAt : now;
      const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockSeconds * 1000) : null;
      await manager.update(OAuthLoginAttemptEntity, { usernameKey: key }, { failures, windowStartedAt, lockedUntil });
      return { failures, lockedUntil };
    });
  }

  async reset(key: string): Promise<void> {
    await this.connection.transaction((manager) => manager.delete(OAuthLoginAttemptEntity, { usernameKey: key }));
  }
}
