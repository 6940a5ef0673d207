import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import { hashRandomSecret } from '../crypto/secret-hash';
import type { AccessTokenRecord } from '../repositories/access-token.repository';
import type { OAuthGrant } from '../repositories/grant.repository';
import type { RefreshTokenRecord, RotationSuccessor } from '../repositories/refresh-token.repository';
import { OAUTH_ENTITIES, OAuthAccessTokenEntity, OAuthClientEntity, OAuthGrantEntity, OAuthRefreshTokenEntity } from './entities';
import { TypeOrmAccessTokenRepository } from './typeorm-access-token.repository';
import { TypeOrmClientRepository } from './typeorm-client.repository';
import { TypeOrmGrantRepository } from './typeorm-grant.repository';
import { TypeOrmRefreshTokenRepository } from './typeorm-refresh-token.repository';
import { TypeOrmStorageConnection } from './typeorm-storage-connection';

const NOW = new Date('2030-05-06T07:08:09.123Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

function newGrant(overrides: Partial<OAuthGrant> = {}): OAuthGrant {
  return {
    id: randomUUID(),
    clientId: 'web',
    userId: 'user-1',
    grantType: 'password',
    scope: ['read', 'write'],
    createdAt: NOW,
    revokedAt: null,
    revokedReason: null,
    ...overrides,
  };
}

function newAccessToken(grantId: string, scope = ['read', 'write'], createdAt = NOW): AccessTokenRecord {
  return { digest: digestToken(generateOpaqueToken()), grantId, scope, expiresAt: new Date(createdAt.getTime() + 3_600_000), createdAt };
}

function newRefreshToken(grantId: string, parentDigest: string | null = null, createdAt = NOW): RefreshTokenRecord {
  return {
    digest: digestToken(generateOpaqueToken()),
    grantId,
    parentDigest,
    scope: ['read', 'write'],
    expiresAt: new Date(createdAt.getTime() + 86_400_000),
    usedAt: null,
    sealedSuccessor: null,
    createdAt,
  };
}

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

    it('writes nothing when the client changed since it was read, is gone, or the id would change', async () => {
      await clients.create(web);
      const renamed = { ...web, name: 'Renamed' };
      await expect(clients.update(web, renamed)).resolves.toBe(true);
      // `web` is stale now: a second writer that read it must not undo the rename.
      await expect(clients.update(web, { ...web, grants: ['client_credentials'] })).resolves.toBe(false);
      await expect(clients.findById('web')).resolves.toEqual(renamed);
      await expect(clients.update(renamed, { ...renamed, id: 'other' })).resolves.toBe(false);
      await expect(clients.update({ ...web, id: 'nobody' }, { ...web, id: 'nobody' })).resolves.toBe(false);
      expect(await clients.list()).toEqual([renamed]);
    });

    it('lets exactly one of concurrent updates from the same read win', async () => {
      await clients.create(web);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => clients.update(web, { ...web, name: `writer ${i}` })));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await clients.findById('web'))!.name).toBe(`writer ${results.indexOf(true)}`);
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

  describe('TypeOrmGrantRepository.create and findByDigest', () => {
    it('stores a grant with its first tokens; each token reads back with its grant', async () => {
      const grant = newGrant();
      const access = newAccessToken(grant.id);
      const refresh = newRefreshToken(grant.id);
      await grants.create(grant, { accessToken: access, refreshToken: refresh });

      await expect(accessTokens.findByDigest(access.digest)).resolves.toEqual({ token: access, grant });
      await expect(refreshTokens.findByDigest(refresh.digest)).resolves.toEqual({ token: refresh, grant });
    });

    it('keeps dates to the millisecond and a null user (a client acting for itself)', async () => {
      const grant = newGrant({ userId: null, createdAt: later(1) });
      const access = newAccessToken(grant.id, ['read'], later(999));
      await grants.create(grant, { accessToken: access, refreshToken: null });
      const found = await accessTokens.findByDigest(access.digest);
      expect(found!.grant.userId).toBeNull();
      expect(found!.grant.createdAt).toEqual(later(1));
      expect(found!.token.createdAt).toEqual(later(999));
      expect(found!.token.expiresAt).toEqual(access.expiresAt);
      expect(found!.token.scope).toEqual(['read']);
    });

    it('stores no refresh token when there is none', async () => {
      const grant = newGrant();
      await grants.create(grant, { accessToken: newAccessToken(grant.id), refreshToken: null });
      await expect(dataSource.getRepository(OAuthRefreshTokenEntity).count()).resolves.toBe(0);
    });

    it('answers null for a digest it does not know, and does not mix access and refresh tokens', async () => {
      const grant = newGrant();
      const access = newAccessToken(grant.id);
      const refresh = newRefreshToken(grant.id);
      await grants.create(grant, { accessToken: access, refreshToken: refresh });
      await expect(accessTokens.findByDigest(digestToken('unknown'))).resolves.toBeNull();
      await expect(refreshTokens.findByDigest(digestToken('unknown'))).resolves.toBeNull();
      await expect(accessTokens.findByDigest(refresh.digest)).resolves.toBeNull();
      await expect(refreshTokens.findByDigest(access.digest)).resolves.toBeNull();
    });

    it('stores all or nothing: when a token cannot be stored, the grant is not stored either', async () => {
      const first = newGrant();
      const access = newAccessToken(first.id);
      await grants.create(first, { accessToken: access, refreshToken: null });

      const existing = newRefreshToken(first.id);
      await dataSource.getRepository(OAuthRefreshTokenEntity).insert({ ...existing, scope: 'read write' });

      // The new grant's refresh token collides with that row, so the last of the three INSERTs fails.
      const second = newGrant();
      const clashing = { ...newRefreshToken(second.id), digest: existing.digest };
      await expect(grants.create(second, { accessToken: newAccessToken(second.id), refreshToken: clashing })).rejects.toThrow();

      await expect(dataSource.getRepository(OAuthGrantEntity).findOneBy({ id: second.id })).resolves.toBeNull();
      await expect(dataSource.getRepository(OAuthAccessTokenEntity).countBy({ grantId: second.id })).resolves.toBe(0);
    });
  });

  describe('TypeOrmGrantRepository.revoke', () => {
    it('sets revokedAt and the reason, so the tokens read back revoked', async () => {
      const grant = newGrant();
      const access = newAccessToken(grant.id);
      const refresh = newRefreshToken(grant.id);
      await grants.create(grant, { accessToken: access, refreshToken: refresh });
      await grants.revoke(grant.id, 'refresh_token_reuse', later(5_000));
      await expect(accessTokens.findByDigest(access.digest)).resolves.toMatchObject({
        grant: { id: grant.id, revokedAt: later(5_000), revokedReason: 'refresh_token_reuse' },
      });
      await expect(refreshTokens.findByDigest(refresh.digest)).resolves.toMatchObject({ grant: { revokedAt: later(5_000) } });
    });

    it('revokes once: a second revocation keeps the first time and reason', async () => {
      const grant = newGrant();
      const access = newAccessToken(grant.id);
      await grants.create(grant, { accessToken: access, refreshToken: null });
      await grants.revoke(grant.id, 'first', later(1_000));
      await grants.revoke(grant.id, 'second', later(2_000));
      const found = await accessTokens.findByDigest(access.digest);
      expect(found!.grant.revokedAt).toEqual(later(1_000));
      expect(found!.grant.revokedReason).toBe('first');
    });

    it('touches only the grant it names', async () => {
      const kept = newGrant();
      const revoked = newGrant();
      const keptToken = newAccessToken(kept.id);
      await grants.create(kept, { accessToken: keptToken, refreshToken: null });
      await grants.create(revoked, { accessToken: newAccessToken(revoked.id), refreshToken: null });
      await grants.revoke(revoked.id, 'logout', NOW);
      await expect(accessTokens.findByDigest(keptToken.digest)).resolves.toMatchObject({ grant: { revokedAt: null, revokedReason: null } });
    });

    it('does nothing for an unknown grant', async () => {
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

    it("refuses a user's grant against a mark from before that user's revocation, storing nothing", async () => {
      const mark = await grants.userRevocationMark();
      await grants.revokeAllForUser('user-1', 'password changed', NOW);
      const grant = newGrant();
      const access = newAccessToken(grant.id);
      await expect(
        grants.create(grant, { accessToken: access, refreshToken: newRefreshToken(grant.id) }, { userRevocationMark: mark }),
      ).resolves.toBe(false);
      await expect(accessTokens.findByDigest(access.digest)).resolves.toBeNull();
      await expect(dataSource.getRepository(OAuthGrantEntity).count()).resolves.toBe(0);
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

    it('records the grant type, and reads it back with the tokens', async () => {
      const grant = newGrant({ userId: null, grantType: 'client_credentials' });
      const access = newAccessToken(grant.id);
      await grants.create(grant, { accessToken: access, refreshToken: null });
      await expect(accessTokens.findByDigest(access.digest)).resolves.toMatchObject({ grant: { grantType: 'client_credentials', userId: null } });
    });
  });

  describe('TypeOrmRefreshTokenRepository.rotate (RFC 9700 §4.14.2)', () => {
    let grant: OAuthGrant;
    let original: RefreshTokenRecord;

    const successorOf = (parent: RefreshTokenRecord, at = later(60_000)): RotationSuccessor => ({
      refreshToken: newRefreshToken(grant.id, parent.digest, at),
      accessToken: newAccessToken(grant.id, ['read'], at),
    });

    beforeEach(async () => {
      grant = newGrant();
      original = newRefreshToken(grant.id);
      await grants.create(grant, { accessToken: newAccessToken(grant.id), refreshToken: original });
    });

    it('marks the token used and stores its successors', async () => {
      const successor = successorOf(original);
      await expect(refreshTokens.rotate(original.digest, later(60_000), successor, null)).resolves.toBe(true);
      await expect(refreshTokens.findByDigest(original.digest)).resolves.toMatchObject({ token: { usedAt: later(60_000) } });
      await expect(refreshTokens.findByDigest(successor.refreshToken.digest)).resolves.toEqual({ token: successor.refreshToken, grant });
      await expect(accessTokens.findByDigest(successor.accessToken.digest)).resolves.toEqual({ token: successor.accessToken, grant });
    });

    it('refuses a token that was already used, storing nothing', async () => {
      await refreshTokens.rotate(original.digest, later(1_000), successorOf(original), null);
      const late = successorOf(original);
      await expect(refreshTokens.rotate(original.digest, later(2_000), late, null)).resolves.toBe(false);
      await expect(refreshTokens.findByDigest(original.digest)).resolves.toMatchObject({ token: { usedAt: later(1_000) } });
      await expect(refreshTokens.findByDigest(late.refreshToken.digest)).resolves.toBeNull();
      await expect(accessTokens.findByDigest(late.accessToken.digest)).resolves.toBeNull();
    });

    it('refuses an unknown token, storing nothing', async () => {
      const successor = successorOf(original);
      await expect(refreshTokens.rotate(digestToken('unknown'), NOW, successor, null)).resolves.toBe(false);
      await expect(refreshTokens.findByDigest(successor.refreshToken.digest)).resolves.toBeNull();
    });

    it('lets exactly one of 20 concurrent rotations of one token win, and stores only its successor', async () => {
      const successors = Array.from({ length: 20 }, () => successorOf(original));
      const results = await Promise.all(successors.map((successor, i) => refreshTokens.rotate(original.digest, later(i + 1), successor, null)));

      expect(results.filter((won) => won)).toHaveLength(1);
      const winner = successors[results.indexOf(true)];
      const children = await dataSource.getRepository(OAuthRefreshTokenEntity).findBy({ parentDigest: original.digest });
      expect(children.map((row) => row.digest)).toEqual([winner.refreshToken.digest]);
      await expect(dataSource.getRepository(OAuthAccessTokenEntity).countBy({ grantId: grant.id })).resolves.toBe(2);
      await expect(accessTokens.findByDigest(winner.accessToken.digest)).resolves.not.toBeNull();
      await expect(refreshTokens.findByDigest(original.digest)).resolves.toMatchObject({ token: { usedAt: later(results.indexOf(true) + 1) } });
    });

    it('rolls the claim back when the successor cannot be stored, so the token stays usable', async () => {
      const broken = successorOf(original);
      // An access token digest that already exists makes the second INSERT fail after the claim.
      const existing = await dataSource.getRepository(OAuthAccessTokenEntity).findOneByOrFail({ grantId: grant.id });
      broken.accessToken.digest = existing.digest;
      await expect(refreshTokens.rotate(original.digest, later(1_000), broken, null)).rejects.toThrow();

      await expect(refreshTokens.findByDigest(original.digest)).resolves.toMatchObject({ token: { usedAt: null } });
      await expect(refreshTokens.findByDigest(broken.refreshToken.digest)).resolves.toBeNull();
      await expect(refreshTokens.rotate(original.digest, later(2_000), successorOf(original), null)).resolves.toBe(true);
    });

    it('keeps each rotation of a chain to its own token', async () => {
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
