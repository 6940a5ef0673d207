import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { OAUTH_ENTITIES, OAuthClientEntity } from './entities';
import { OAuthTypeOrmModule } from './oauth-typeorm.module';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

/** Only what `open()` reads before it connects anywhere. */
const described = (options: Record<string, unknown>) => ({ options }) as unknown as DataSource;

const client = (id: string) => ({ id, secretHash: 'x', name: null, grants: '', scopes: '', defaultScopes: '', createdAt: new Date(0) });

describe('TypeOrmStorageConnection', () => {
  describe('refuses a database it cannot share safely, saying what to change', () => {
    it.each([':memory:', '', 'file::memory:', 'file:oauth?mode=memory'])('an in-memory sqlite database (%j)', async (database) => {
      const opening = TypeOrmStorageConnection.open(described({ type: 'sqlite', database, busyTimeout: 5000 }));
      await expect(opening).rejects.toThrow(MisconfigurationError);
      await expect(opening).rejects.toThrow(/in-memory database opens another, empty one/);
    });

    it.each([undefined, 0])('a sqlite DataSource whose busyTimeout is %p', async (busyTimeout) => {
      const opening = TypeOrmStorageConnection.open(described({ type: 'sqlite', database: '/tmp/never-opened.sqlite', busyTimeout }));
      await expect(opening).rejects.toThrow(MisconfigurationError);
      await expect(opening).rejects.toThrow(/Set `busyTimeout`/);
    });

    it.each(['better-sqlite3', 'sqljs'])('a single-connection driver other than node-sqlite3 (%s)', async (type) => {
      await expect(TypeOrmStorageConnection.open(described({ type, database: 'x' }))).rejects.toThrow(
        new RegExp(`not on '${type}'. Its writes need a connection`),
      );
    });
  });

  it("runs on a pooled database's own DataSource, each write a transaction TypeORM opens", async () => {
    const host = { options: { type: 'postgres' }, transaction: jest.fn(async (work: (manager: unknown) => unknown) => work('manager')) };
    const connection = await TypeOrmStorageConnection.open(host as unknown as DataSource);
    expect(connection.writes).toBe(host);
    expect(connection.reads).toBe(host);
    await expect(connection.transaction(async (manager) => manager)).resolves.toBe('manager');
    expect(host.transaction).toHaveBeenCalledTimes(1);
    await connection.close();
  });

  describe('on a sqlite file', () => {
    let directory: string;
    let options: DataSourceOptions;
    let host: DataSource;

    beforeEach(async () => {
      directory = mkdtempSync(join(tmpdir(), 'oauth-storage-connection-'));
      options = {
        type: 'sqlite',
        database: join(directory, 'db.sqlite'),
        entities: OAUTH_ENTITIES,
        synchronize: true,
        enableWAL: true,
        busyTimeout: 5000,
      };
      host = await new DataSource(options).initialize();
    });

    afterEach(async () => {
      if (host.isInitialized) await host.destroy();
      rmSync(directory, { recursive: true, force: true });
    });

    it("reads and writes on connections of its own, never running a statement on the host's", async () => {
      const connection = await TypeOrmStorageConnection.open(host);
      const hostConnection = (host.driver as unknown as { databaseConnection: Record<string, (...args: unknown[]) => unknown> }).databaseConnection;
      const hostCalls = ['run', 'all', 'get', 'each', 'exec', 'prepare'].map((method) => jest.spyOn(hostConnection, method));

      await connection.transaction((manager) => manager.insert(OAuthClientEntity, client('a')));
      const rows = await connection.rows('SELECT id FROM oauth_clients', []);

      expect(rows).toEqual([{ id: 'a' }]);
      expect(connection.writes).not.toBe(host);
      expect(connection.reads).not.toBe(host);
      for (const call of hostCalls) expect(call).not.toHaveBeenCalled();
      // The host sees what the storage committed, on its own connection.
      await expect(host.getRepository(OAuthClientEntity).countBy({ id: 'a' })).resolves.toBe(1);
      await connection.close();
    });

    it('on close() lets queued writes commit, then closes its connections and leaves the host DataSource as it was', async () => {
      const subscribers = host.subscribers.length;
      const connection = await TypeOrmStorageConnection.open(host);
      expect(host.subscribers).toHaveLength(subscribers + 1);
      await connection.rows('SELECT id FROM oauth_clients', []);
      const writes = ['a', 'b', 'c'].map((id) => connection.transaction((manager) => manager.insert(OAuthClientEntity, client(id))));

      await connection.close();

      await Promise.all(writes);
      expect(connection.writes.isInitialized).toBe(false);
      expect(connection.reads.isInitialized).toBe(false);
      expect(host.subscribers).toHaveLength(subscribers);
      await expect(host.getRepository(OAuthClientEntity).count()).resolves.toBe(3);
    });

    it('is opened by OAuthTypeOrmModule beside the host DataSource and closed when the application shuts down', async () => {
      await host.destroy();
      const moduleRef = await Test.createTestingModule({ imports: [TypeOrmModule.forRoot(options), OAuthTypeOrmModule.forFeature()] }).compile();
      const app = await moduleRef.createNestApplication().init();
      const connection = app.get(TypeOrmStorageConnection);
      expect(connection.writes.isInitialized).toBe(true);

      await app.close();

      expect(connection.writes.isInitialized).toBe(false);
      expect(connection.reads.isInitialized).toBe(false);
    });
  });
});
