import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LoginAttemptRepository, type LoginLock } from '../repositories/login-attempt.repository';
import { OAuthLoginAttemptEntity } from './entities/oauth-login-attempt.entity';
import { inTransaction } from './typeorm-transactions';

@Injectable()
export class TypeOrmLoginAttemptRepository extends LoginAttemptRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async find(key: string): Promise<LoginLock | null> {
    const row = await this.dataSource.getRepository(OAuthLoginAttemptEntity).findOneBy({ usernameKey: key });
    return row && { failures: row.failures, lockedUntil: row.lockedUntil };
  }

  recordFailure(key: string, now: Date, policy: { maxFailures: number; windowSeconds: number; lockSeconds: number }): Promise<LoginLock> {
    return inTransaction(this.dataSource, async (manager) => {
      // Read and write in one transaction; on PostgreSQL the row lock (FOR UPDATE) makes concurrent failures
      // of one username count one after another instead of overwriting each other.
      const locking = this.dataSource.options.type === 'postgres' ? { lock: { mode: 'pessimistic_write' as const } } : {};
      const row = await manager.findOne(OAuthLoginAttemptEntity, { where: { usernameKey: key }, ...locking });
      const windowOpen = row !== null && now.getTime() - row.windowStartedAt.getTime() < policy.windowSeconds * 1000;
      const failures = windowOpen ? row.failures + 1 : 1;
      const windowStartedAt = windowOpen ? row.windowStartedAt : now;
      const lockedUntil = failures >= policy.maxFailures ? new Date(now.getTime() + policy.lockSeconds * 1000) : null;
      const next = { usernameKey: key, failures, windowStartedAt, lockedUntil };
      if (row) await manager.update(OAuthLoginAttemptEntity, { usernameKey: key }, next);
      else await manager.insert(OAuthLoginAttemptEntity, next);
      return { failures, lockedUntil };
    });
  }

  async reset(key: string): Promise<void> {
    await inTransaction(this.dataSource, (manager) => manager.delete(OAuthLoginAttemptEntity, { usernameKey: key }));
  }
}
