import { TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withClient } from '../../../../test/support/test-database';
import { describeOAuthStorageConformance, openOAuthStorage, type OAuthStorageUnderTest } from '../testing/storage-conformance';
import { OAUTH_ENTITIES } from './entities';
import { OAUTH_MIGRATIONS } from './migrations';
import { OAuthTypeOrmModule } from './oauth-typeorm.module';

// Each case gets an empty database of its own, built by the library's migrations as a host's would be.
const schema = { entities: OAUTH_ENTITIES, migrations: OAUTH_MIGRATIONS, migrationsRun: true, synchronize: false } as const;

describeOAuthStorageConformance({ describe, it }, 'TypeORM on sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-conformance-'));
  const storage = await openOAuthStorage(OAuthTypeOrmModule.forFeature(), [
    TypeOrmModule.forRoot({ type: 'sqlite', database: join(dir, 'oauth.sqlite'), busyTimeout: 10_000, ...schema }),
  ]);
  return withCleanup(storage, async () => rmSync(dir, { recursive: true, force: true }));
});

const postgresUrl = process.env.TEST_POSTGRES_URL;
if (postgresUrl) {
  describeOAuthStorageConformance({ describe, it }, 'TypeORM on PostgreSQL', async () => {
    const name = `conformance_${randomBytes(6).toString('hex')}`;
    await withClient(postgresUrl, (client) => client.query(`CREATE SCHEMA ${name}`));
    const storage = await openOAuthStorage(OAuthTypeOrmModule.forFeature(), [
      TypeOrmModule.forRoot({ type: 'postgres', url: postgresUrl, schema: name, ...schema }),
    ]);
    return withCleanup(storage, () => withClient(postgresUrl, (client) => client.query(`DROP SCHEMA ${name} CASCADE`)));
  });
} else {
  describe('TypeORM on PostgreSQL: OAuth storage conformance', () => {
    it.skip('SKIPPED: set TEST_POSTGRES_URL=postgres://USER@HOST:5432/DATABASE to run it', () => undefined);
  });
}

function withCleanup(storage: OAuthStorageUnderTest, cleanup: () => Promise<unknown>): OAuthStorageUnderTest {
  return { ...storage, close: () => storage.close().finally(cleanup) };
}
