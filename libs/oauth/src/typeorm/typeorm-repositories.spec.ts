import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { hashRandomSecret } from '../crypto/secret-hash';
import type { OAuthGrant } from '../repositories/grant.repository';
import { later, newAccessToken, newGrant, newRefreshToken, NOW, successorOf } from '../testing/storage-conformance';
import { OAUTH_ENTITIES, OAuthClientEntity, OAuthGrantEntity, OAuthRefreshTokenEntity } from './entities';
import { TypeOrmAccessTokenRepository } from './typeorm-access-token.repository';
import { TypeOrmClientRepository } from './typeorm-client.repository';
import { TypeOrmGrantRepository } from './typeorm-grant.repository';
import { TypeOrmRefreshTokenRepository } from './typeorm-refresh-token.repository';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

/*
 * What the storage conformance suite (testing/storage-conformance.ts, run on this storage on sqlite and PostgreSQL by
 * typeorm-storage-conformance.spec.ts) cannot see through the interfaces: how rows map to records, which rows are
 * written, and the few requirements the suite does not state.
 */
describe('TypeORM repositories (sqlite)', () => {
  let dataSource: DataSource;
  let clients: TypeOrmClientRepository;
  let grants: TypeOrmGrantRepository;
  let accessTokens: TypeOrmAccessTokenRepository;
  let refreshTokens: TypeOrmRefreshTokenRepository;

  let directory: string;
  let connection: TypeOrmStorageConnection;

  beforeEach(async () => {
    // A file, as the storage opens connections of its own beside the host's; the host's DataSource writes and
    // reads the fixtures.
    directory = mkdtempSync(join(tmpdir(), 'oauth-repositories-'));
    dataSource = new DataSource({
      type: 'sqlite',
      database: join(directory, 'db.sqlite'),
      entities: OAUTH_ENTITIES,
      synchronize: true,
      enableWAL: true,
      busyTimeout: 5000,
    });
    await dataSource.initialize();
    connection = await TypeOrmStorageConnection.open(dataSource);
    clients = new TypeOrmClientRepository(connection);
    grants = new TypeOrmGrantRepository(connection);
    accessTokens = new TypeOrmAccessTokenRepository(connection);
    refreshTokens = new TypeOrmRefreshTokenRepository(connection);
  });

  afterEach(async () => {
    await connection.close();
    await dataSource.destroy();
    rmSync(directory, { recursive: true, force: true });
  });

  describe('TypeOrmClientRepository', () => {
    it('reads a client, turning its space-separated lists into arrays', async () => {
      const secretHash = hashRandomSecret('secret');
      await dataSource.getRepository(OAuthClientEntity).insert({
        id: 'web',
        secretHash,
        name: 'Web app',
        grants: 'password refresh_token',
        scopes: 'read write',
        defaultScopes: 'read',
        createdAt: NOW,
      });
      await expect(clients.findById('web')).resolves.toEqual({
        id: 'web',
        secretHash,
        name: 'Web app',
        grants: ['password', 'refresh_token'],
        scopes: ['read', 'write'],
        defaultScopes: ['read'],
        // A row written without the columns of the authorization code flow reads as a confidential client.
        redirectUris: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        firstParty: false,
      });
    });

    it('reads empty lists as empty arrays, and an unknown id as null', async () => {
      await dataSource
        .getRepository(OAuthClientEntity)
        .insert({ id: 'bare', secretHash: 'x', name: null, grants: '', scopes: '', defaultScopes: '', createdAt: NOW });
      await expect(clients.findById('bare')).resolves.toMatchObject({ name: null, grants: [], scopes: [], defaultScopes: [] });
      await expect(clients.findById('nobody')).resolves.toBeNull();
    });
  });

  describe('TypeOrmClientRepository.update (compare-and-set)', () => {
    const web = {
      id: 'web',
      secretHash: hashRandomSecret('secret'),
      name: null,
      grants: ['password'],
      scopes: ['read', 'write'],
      defaultScopes: ['read'],
      redirectUris: [] as string[],
      tokenEndpointAuthMethod: 'client_secret_basic' as const,
      firstParty: false,
    };

    it('writes the new client over the one read, keeping its id and creation time', async () => {
      await clients.create(web);
      const createdAt = (await dataSource.getRepository(OAuthClientEntity).findOneByOrFail({ id: 'web' })).createdAt;
      const next = {
        ...web,
        secretHash: hashRandomSecret('other'),
        name: 'Web app',
        grants: ['client_credentials', 'urn:a:b'],
        scopes: ['read'],
        defaultScopes: [],
      };
      await expect(clients.update(web, next)).resolves.toBe(true);
      await expect(clients.findById('web')).resolves.toEqual(next);
      expect((await dataSource.getRepository(OAuthClientEntity).findOneByOrFail({ id: 'web' })).createdAt).toEqual(createdAt);
      // And back, from a name to none.
      await expect(clients.update(next, web)).resolves.toBe(true);
      await expect(clients.findById('web')).resolves.toEqual(web);
    });

    it('writes nothing when the id would change', async () => {
      await clients.create(web);
      await expect(clients.update(web, { ...web, id: 'other' })).resolves.toBe(false);
      expect(await clients.list()).toEqual([web]);
    });

    it('matches a row written by hand with other spacing in its lists', async () => {
      await dataSource.getRepository(OAuthClientEntity).insert({
        id: 'hand',
        secretHash: 'x',
        name: null,
        grants: ' password  refresh_token',
        scopes: 'read  write ',
        defaultScopes: 'read',
        createdAt: NOW,
      });
      const read = (await clients.findById('hand'))!;
      await expect(clients.update(read, { ...read, name: 'Tidied' })).resolves.toBe(true);
      expect(await dataSource.getRepository(OAuthClientEntity).findOneByOrFail({ id: 'hand' })).toMatchObject({
        name: 'Tidied',
        grants: 'password refresh_token',
        scopes: 'read write',
      });
    });
  });

  describe('TypeOrmGrantRepository: rows', () => {
    it('stores no refresh token row when there is none', async () => {
      const grant = newGrant();
      await grants.create(grant, { accessToken: newAccessToken(grant.id), refreshToken: null });
      await expect(dataSource.getRepository(OAuthRefreshTokenEntity).count()).resolves.toBe(0);
    });

    it('stores no row when revoking an unknown grant', async () => {
      await expect(grants.revoke(randomUUID(), 'logout', NOW)).resolves.toBeUndefined();
      await expect(dataSource.getRepository(OAuthGrantEntity).count()).resolves.toBe(0);
    });
  });

  describe('TypeOrmGrantRepository: the user-revocation mark', () => {
    it('starts at 0 and advances with every revokeAllForUser, whether or not the user had grants', async () => {
      await expect(grants.userRevocationMark()).resolves.toBe(0);
      await grants.revokeAllForUser('user-1', 'password changed', NOW);
      await grants.revokeAllForUser('user-2', 'user disabled', NOW);
      await expect(grants.userRevocationMark()).resolves.toBe(2);
    });

    it("refuses a user's grant and its refresh token against a mark from before that user's revocation, storing no row", async () => {
      const mark = await grants.userRevocationMark();
      await grants.revokeAllForUser('user-1', 'password changed', NOW);
      const grant = newGrant();
      const access = newAccessToken(grant.id);
      await expect(
        grants.create(grant, { accessToken: access, refreshToken: newRefreshToken(grant.id) }, { userRevocationMark: mark }),
      ).resolves.toBe(false);
      await expect(accessTokens.findByDigest(access.digest)).resolves.toBeNull();
      await expect(dataSource.getRepository(OAuthGrantEntity).count()).resolves.toBe(0);
      await expect(dataSource.getRepository(OAuthRefreshTokenEntity).count()).resolves.toBe(0);
    });

    it('stores grants against a later mark, of other users, of no user, or given no mark at all', async () => {
      const before = await grants.userRevocationMark();
      await grants.revokeAllForUser('user-1', 'password changed', NOW);
      const after = await grants.userRevocationMark();
      const cases: [OAuthGrant, number | undefined][] = [
        [newGrant(), after],
        [newGrant({ userId: 'user-2' }), before],
        [newGrant({ userId: null, grantType: 'client_credentials' }), before],
        [newGrant(), undefined],
      ];
      for (const [grant, userRevocationMark] of cases) {
        await expect(grants.create(grant, { accessToken: newAccessToken(grant.id), refreshToken: null }, { userRevocationMark })).resolves.toBe(true);
      }
      await expect(dataSource.getRepository(OAuthGrantEntity).count()).resolves.toBe(4);
    });
  });

  describe('TypeOrmRefreshTokenRepository.rotate', () => {
    it('keeps each rotation of a chain to its own token', async () => {
      const grant = newGrant();
      const original = newRefreshToken(grant.id);
      await grants.create(grant, { accessToken: newAccessToken(grant.id), refreshToken: original });
      const second = successorOf(original);
      await refreshTokens.rotate(original.digest, later(1_000), second, null);
      const third = successorOf(second.refreshToken);
      await expect(refreshTokens.rotate(second.refreshToken.digest, later(2_000), third, null)).resolves.toBe(true);
      await expect(refreshTokens.findByDigest(third.refreshToken.digest)).resolves.toMatchObject({
        token: { parentDigest: second.refreshToken.digest, usedAt: null },
      });
    });
  });
});
