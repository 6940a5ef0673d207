import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { type DynamicModule, type INestApplicationContext, Module, type ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { digestToken, generateOpaqueToken } from '../crypto/opaque-token';
import { AccessTokenRepository, type AccessTokenRecord } from '../repositories/access-token.repository';
import { AuthorizationCodeRepository, type AuthorizationCodeRecord } from '../repositories/authorization-code.repository';
import { BrowserSessionRepository, type BrowserSessionRecord } from '../repositories/browser-session.repository';
import { ConsentRepository } from '../repositories/consent.repository';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { GrantRepository, type OAuthGrant } from '../repositories/grant.repository';
import { AttemptCounterRepository, type AttemptPolicy, type AttemptReservation } from '../repositories/attempt-counter.repository';
import { RefreshTokenRepository, type RefreshTokenRecord, type RotationSuccessor } from '../repositories/refresh-token.repository';

/** The repositories a storage module provides to `OAuthModule`, as the conformance cases use them. */
export interface OAuthStorageUnderTest {
  clients: ClientRepository;
  grants: GrantRepository;
  accessTokens: AccessTokenRepository;
  refreshTokens: RefreshTokenRepository;
  attemptCounters: AttemptCounterRepository;
  authorizationCodes: AuthorizationCodeRepository;
  browserSessions: BrowserSessionRepository;
  consents: ConsentRepository;
  /** Frees what `open` took (connections, schemas, files). */
  close(): Promise<void>;
}

/** The two functions of a test framework the suite needs; jest's and vitest's globals both fit. */
export interface ConformanceTestFramework {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
}

/** One requirement of the storage interfaces, run against a fresh, empty storage. */
export interface StorageConformanceCase {
  name: string;
  run(storage: OAuthStorageUnderTest): Promise<void>;
}

/**
 * Registers every conformance case as a test of `framework`: each opens a fresh, empty storage with `open`,
 * runs, and closes it. Any implementation of the repository interfaces (another ORM, another database) proves
 * with this that `OAuthModule` can rely on it, atomicity under concurrent calls included.
 *
 * ```ts
 * import { describe, it } from 'vitest'; // or jest's globals
 * describeOAuthStorageConformance({ describe, it }, 'Prisma storage', () =>
 *   openOAuthStorage(MyPrismaOAuthStorageModule.forFeature(), [PrismaModule.forTest()]),
 * );
 * ```
 */
export function describeOAuthStorageConformance(
  framework: ConformanceTestFramework,
  name: string,
  open: () => Promise<OAuthStorageUnderTest>,
  options: { timeout?: number } = {},
): void {
  framework.describe(`${name}: OAuth storage conformance`, () => {
    for (const conformanceCase of storageConformanceCases()) {
      framework.it(
        conformanceCase.name,
        async () => {
          const storage = await open();
          try {
            await conformanceCase.run(storage);
          } finally {
            await storage.close();
          }
        },
        options.timeout ?? 30_000,
      );
    }
  });
}

/**
 * Opens a storage module (what `OAuthModule` takes as `storage`) in a Nest application context of its own, with
 * `imports` beside it (a `TypeOrmModule.forRoot()`, say), and hands out its repositories.
 */
export async function openOAuthStorage(storage: DynamicModule, imports: ModuleMetadata['imports'] = []): Promise<OAuthStorageUnderTest> {
  @Module({ imports: [...imports, storage] })
  class StorageConformanceModule {}
  const context: INestApplicationContext = await NestFactory.createApplicationContext(StorageConformanceModule, {
    logger: false,
    abortOnError: false,
  });
  return {
    clients: context.get(ClientRepository, { strict: false }),
    grants: context.get(GrantRepository, { strict: false }),
    accessTokens: context.get(AccessTokenRepository, { strict: false }),
    refreshTokens: context.get(RefreshTokenRepository, { strict: false }),
    attemptCounters: context.get(AttemptCounterRepository, { strict: false }),
    authorizationCodes: context.get(AuthorizationCodeRepository, { strict: false }),
    browserSessions: context.get(BrowserSessionRepository, { strict: false }),
    consents: context.get(ConsentRepository, { strict: false }),
    close: () => context.close(),
  };
}

// The records the cases store, built at a fixed instant. Exported for the storage implementations' own specs
// (not from the testing entry: hosts build records of their own).
export const NOW = new Date('2030-05-06T07:08:09.123Z');
export const later = (ms: number) => new Date(NOW.getTime() + ms);
const HOUR = 3_600_000;

function newClient(overrides: Partial<OAuthClient> = {}): OAuthClient {
  return {
    id: `client-${randomUUID()}`,
    secretHash: `scrypt$${randomUUID()}`,
    name: 'Conformance client',
    grants: ['password', 'refresh_token'],
    scopes: ['read', 'write', 'orders:read'],
    defaultScopes: ['read'],
    redirectUris: [],
    tokenEndpointAuthMethod: 'client_secret_basic',
    firstParty: false,
    ...overrides,
  };
}

function newAuthorizationCode(overrides: Partial<AuthorizationCodeRecord> = {}): AuthorizationCodeRecord {
  return {
    digest: digestToken(generateOpaqueToken()),
    clientId: 'web',
    userId: 'user-1',
    redirectUri: 'https://app.example.com/cb?x=1&y=%20',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    scope: ['openid', 'read'],
    nonce: 'n-0S6_WzA2Mj',
    authTime: later(-5_000),
    userRevocationMark: 7,
    expiresAt: later(60_000),
    createdAt: NOW,
    usedAt: null,
    grantId: null,
    ...overrides,
  };
}

export function newGrant(overrides: Partial<OAuthGrant> = {}): OAuthGrant {
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

export function newAccessToken(grantId: string, overrides: Partial<AccessTokenRecord> = {}): AccessTokenRecord {
  return { digest: digestToken(generateOpaqueToken()), grantId, scope: ['read', 'write'], expiresAt: later(HOUR), createdAt: NOW, ...overrides };
}

export function newRefreshToken(grantId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  return {
    digest: digestToken(generateOpaqueToken()),
    grantId,
    parentDigest: null,
    scope: ['read', 'write'],
    expiresAt: later(24 * HOUR),
    usedAt: null,
    sealedSuccessor: null,
    createdAt: NOW,
    ...overrides,
  };
}

export function successorOf(parent: RefreshTokenRecord, at = later(60_000)): RotationSuccessor {
  return {
    refreshToken: newRefreshToken(parent.grantId, { parentDigest: parent.digest, createdAt: at, expiresAt: new Date(at.getTime() + 24 * HOUR) }),
    accessToken: newAccessToken(parent.grantId, { scope: ['read'], createdAt: at, expiresAt: new Date(at.getTime() + HOUR) }),
  };
}

/** A grant stored with an access and a refresh token. */
async function storedGrant(storage: OAuthStorageUnderTest, overrides: Partial<OAuthGrant> = {}) {
  const grant = newGrant(overrides);
  const accessToken = newAccessToken(grant.id);
  const refreshToken = newRefreshToken(grant.id);
  await storage.grants.create(grant, { accessToken, refreshToken });
  return { grant, accessToken, refreshToken };
}

/**
 * Deep equality that compares dates by their instant: a storage may hand back dates made in another realm (a
 * test runner's sandbox, `structuredClone`), which strict equality would tell apart from the ones sent in.
 */
function assertSame(actual: unknown, expected: unknown, message?: string): void {
  assert.deepEqual(comparable(actual), comparable(expected), message);
}

function comparable(value: unknown): unknown {
  if (Object.prototype.toString.call(value) === '[object Date]') return { date: (value as Date).toISOString() };
  if (Array.isArray(value)) return Array.from(value as unknown[], comparable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, comparable(entry)]));
  return value;
}

async function assertRejects(promise: Promise<unknown>, message: string): Promise<void> {
  await assert.rejects(promise, (error: unknown) => error !== undefined, message);
}

const POLICY: AttemptPolicy = { maxFailures: 3, windowSeconds: 60, lockSeconds: 600 };

function slotOf(reservation: AttemptReservation) {
  assert.equal(reservation.granted, true, 'a slot was expected');
  return (reservation as Extract<AttemptReservation, { granted: true }>).slot;
}

/** Every requirement, in the words of the interfaces' documentation. */
export function storageConformanceCases(): StorageConformanceCase[] {
  return [
    {
      name: 'ClientRepository: a created client reads back equal, lists and all; an unknown id reads null',
      async run({ clients }) {
        const client = newClient({ id: 'a x:%41+y', scopes: ['a', 'b:c', 'https://api.example.com/orders'] });
        const bare = newClient({ name: null, grants: [], scopes: [], defaultScopes: [] });
        assert.equal(await clients.create(client), true);
        assert.equal(await clients.create(bare), true);
        assertSame(await clients.findById(client.id), client);
        assertSame(await clients.findById(bare.id), bare);
        assert.equal(await clients.findById('nobody'), null);
        const listed = await clients.list();
        assertSame(
          listed.filter((entry) => entry.id === client.id || entry.id === bare.id).sort((a, b) => a.id.localeCompare(b.id)),
          [client, bare].sort((a, b) => a.id.localeCompare(b.id)),
        );
      },
    },
    {
      name: 'ClientRepository: redirect URIs, the authentication method and the first-party mark read back, and update changes them',
      async run({ clients }) {
        const client = newClient({
          redirectUris: ['https://app.example.com/cb?x=1&y=%20', 'http://127.0.0.1/callback', 'com.example.app:/oauth'],
          tokenEndpointAuthMethod: 'none',
          secretHash: '',
          grants: ['authorization_code', 'refresh_token'],
        });
        assert.equal(await clients.create(client), true);
        assertSame(await clients.findById(client.id), client);
        const changed = { ...client, redirectUris: ['https://other.example.com/cb'], firstParty: true };
        assert.equal(await clients.update(client, changed), true);
        assertSame(await clients.findById(client.id), changed);
        // An update from the read before that change loses.
        assert.equal(await clients.update(client, { ...client, name: 'stale' }), false);
        assertSame(await clients.findById(client.id), changed);
      },
    },
    {
      name: 'AuthorizationCodeRepository: a saved code reads back equal by its digest; an unknown digest reads null',
      async run({ authorizationCodes }) {
        const code = newAuthorizationCode();
        const bare = newAuthorizationCode({ nonce: null, scope: ['read'] });
        await authorizationCodes.save(code);
        await authorizationCodes.save(bare);
        assertSame(await authorizationCodes.findByDigest(code.digest), code);
        assertSame(await authorizationCodes.findByDigest(bare.digest), bare);
        assert.equal(await authorizationCodes.findByDigest(digestToken('nothing')), null);
        await assertRejects(authorizationCodes.save({ ...code, clientId: 'other' }), 'a digest is stored once');
      },
    },
    {
      name: 'AuthorizationCodeRepository.consume: of 10 concurrent exchanges of one code exactly one wins, and the losers read its grant',
      async run({ authorizationCodes }) {
        const code = newAuthorizationCode();
        await authorizationCodes.save(code);
        const grantIds = Array.from({ length: 10 }, () => randomUUID());
        const results = await Promise.all(grantIds.map((grantId) => authorizationCodes.consume(code.digest, grantId, later(1_000))));
        assert.equal(results.filter(Boolean).length, 1);
        const stored = await authorizationCodes.findByDigest(code.digest);
        assertSame(stored, { ...code, usedAt: later(1_000), grantId: grantIds[results.indexOf(true)] });
        assert.equal(await authorizationCodes.consume(code.digest, randomUUID(), later(2_000)), false);
        assert.equal(await authorizationCodes.consume(digestToken('nothing'), randomUUID(), later(2_000)), false);
        assertSame(await authorizationCodes.findByDigest(code.digest), stored);
      },
    },
    {
      name: 'AuthorizationCodeRepository.deleteExpired deletes only codes expired before the instant, at most `limit`',
      async run({ authorizationCodes }) {
        const expired = [newAuthorizationCode({ expiresAt: later(-2_000) }), newAuthorizationCode({ expiresAt: later(-1_000) })];
        const live = newAuthorizationCode({ expiresAt: later(1_000) });
        for (const code of [...expired, live]) await authorizationCodes.save(code);
        assert.equal(await authorizationCodes.deleteExpired(NOW, 1), 1);
        assert.equal(await authorizationCodes.deleteExpired(NOW, 10), 1);
        assert.equal(await authorizationCodes.deleteExpired(NOW, 10), 0);
        for (const code of expired) assert.equal(await authorizationCodes.findByDigest(code.digest), null);
        assertSame(await authorizationCodes.findByDigest(live.digest), live);
      },
    },
    {
      name: 'BrowserSessionRepository: a saved session reads back by digest, touch moves its last use, delete, deleteForUser and deleteExpired remove it',
      async run({ browserSessions }) {
        const session = (overrides: Partial<BrowserSessionRecord> = {}): BrowserSessionRecord => ({
          digest: digestToken(generateOpaqueToken()),
          userId: 'user-1',
          authTime: NOW,
          userRevocationMark: 3,
          lastSeenAt: NOW,
          expiresAt: later(HOUR),
          createdAt: NOW,
          ...overrides,
        });
        const live = session();
        const ended = session({ expiresAt: later(-1_000) });
        const other = session();
        for (const entry of [live, ended, other]) await browserSessions.save(entry);
        assertSame(await browserSessions.findByDigest(live.digest), live);
        assert.equal(await browserSessions.findByDigest(digestToken('nothing')), null);
        await assertRejects(browserSessions.save({ ...live, userId: 'other' }), 'a digest is stored once');
        await browserSessions.touch(live.digest, later(5_000));
        assertSame(await browserSessions.findByDigest(live.digest), { ...live, lastSeenAt: later(5_000) });
        assert.equal(await browserSessions.deleteExpired(NOW, 10), 1);
        assert.equal(await browserSessions.findByDigest(ended.digest), null);
        await browserSessions.delete(other.digest);
        assert.equal(await browserSessions.findByDigest(other.digest), null);
        const elsewhere = session({ userId: 'user-2' });
        await browserSessions.save(elsewhere);
        await browserSessions.save(session());
        assert.equal(await browserSessions.deleteForUser('user-1'), 2);
        assert.equal(await browserSessions.findByDigest(live.digest), null);
        assertSame(await browserSessions.findByDigest(elsewhere.digest), elsewhere);
        await browserSessions.save({ ...live, lastSeenAt: later(5_000) });
        assertSame(await browserSessions.findByDigest(live.digest), { ...live, lastSeenAt: later(5_000) });
      },
    },
    {
      name: 'ConsentRepository: one consent per user and client, replaced by the next, deleted on request',
      async run({ consents }) {
        const first = { userId: 'user-1', clientId: 'a x:%41+y', scope: ['openid', 'read'], updatedAt: NOW };
        await consents.save(first);
        await consents.save({ userId: 'user-2', clientId: first.clientId, scope: ['read'], updatedAt: NOW });
        assertSame(await consents.find('user-1', first.clientId), first);
        assert.equal(await consents.find('user-1', 'other'), null);
        const wider = { ...first, scope: ['openid', 'read', 'write'], updatedAt: later(1_000) };
        await Promise.all([consents.save(wider), consents.save(wider)]);
        assertSame(await consents.find('user-1', first.clientId), wider);
        await consents.delete('user-1', first.clientId);
        assert.equal(await consents.find('user-1', first.clientId), null);
        assertSame((await consents.find('user-2', first.clientId))?.scope, ['read']);
      },
    },
    {
      name: "ConsentRepository.deleteForClient forgets every user's consent to one client, and counts them",
      async run({ consents }) {
        for (const [userId, clientId] of [
          ['user-1', 'gone'],
          ['user-2', 'gone'],
          ['user-1', 'kept'],
        ])
          await consents.save({ userId, clientId, scope: ['read'], updatedAt: NOW });
        assert.equal(await consents.deleteForClient('gone'), 2);
        assert.equal(await consents.find('user-1', 'gone'), null);
        assert.equal(await consents.find('user-2', 'gone'), null);
        assert.notEqual(await consents.find('user-1', 'kept'), null);
        assert.equal(await consents.deleteForClient('gone'), 0);
      },
    },
    {
      name: 'ClientRepository: an id is registered once; the first registration stays',
      async run({ clients }) {
        const first = newClient();
        assert.equal(await clients.create(first), true);
        assert.equal(await clients.create({ ...first, name: 'impostor', secretHash: 'other' }), false);
        assertSame(await clients.findById(first.id), first);
      },
    },
    {
      name: 'ClientRepository: of 10 concurrent registrations of one id, exactly one succeeds',
      async run({ clients }) {
        const id = `client-${randomUUID()}`;
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => clients.create(newClient({ id, name: `n${i}` }))));
        assert.equal(results.filter(Boolean).length, 1);
        assert.equal((await clients.findById(id))?.name, `n${results.indexOf(true)}`);
      },
    },
    {
      name: 'ClientRepository: delete answers whether there was such a client, and removes only it',
      async run({ clients }) {
        const gone = newClient();
        const kept = newClient();
        await clients.create(gone);
        await clients.create(kept);
        assert.equal(await clients.delete(gone.id), true);
        assert.equal(await clients.delete(gone.id), false);
        assert.equal(await clients.findById(gone.id), null);
        assertSame(await clients.findById(kept.id), kept);
      },
    },
    {
      name: 'ClientRepository.update writes only over the client as it was read; of concurrent updates from one read, one wins',
      async run({ clients }) {
        const client = newClient();
        await clients.create(client);
        const renamed = { ...client, name: 'renamed', scopes: ['read'], defaultScopes: ['read'] };
        assert.equal(await clients.update(client, renamed), true);
        assertSame(await clients.findById(client.id), renamed);
        assert.equal(await clients.update(client, { ...client, name: 'stale' }), false, 'an update from a stale read is refused');
        assert.equal(await clients.update({ ...renamed, id: 'nobody' }, { ...renamed, id: 'nobody' }), false);
        const racing = await Promise.all(Array.from({ length: 5 }, (_, i) => clients.update(renamed, { ...renamed, name: `racer ${i}` })));
        assert.equal(racing.filter(Boolean).length, 1);
        assert.equal((await clients.findById(client.id))?.name, `racer ${racing.indexOf(true)}`);
      },
    },
    {
      name: 'GrantRepository.create: the grant and its tokens read back together, to the millisecond',
      async run(storage) {
        const grant = newGrant({ createdAt: later(1) });
        const accessToken = newAccessToken(grant.id, { createdAt: later(999), expiresAt: later(HOUR + 7) });
        const refreshToken = newRefreshToken(grant.id, { createdAt: later(999) });
        await storage.grants.create(grant, { accessToken, refreshToken });
        assertSame(await storage.accessTokens.findByDigest(accessToken.digest), { token: accessToken, grant });
        assertSame(await storage.refreshTokens.findByDigest(refreshToken.digest), { token: refreshToken, grant });
      },
    },
    {
      name: 'GrantRepository.create: a client acting for itself has a null user and may have no refresh token',
      async run(storage) {
        const grant = newGrant({ userId: null, scope: [] });
        const accessToken = newAccessToken(grant.id, { scope: [] });
        await storage.grants.create(grant, { accessToken, refreshToken: null });
        assertSame(await storage.accessTokens.findByDigest(accessToken.digest), { token: accessToken, grant });
      },
    },
    {
      name: 'findByDigest: an unknown digest is null, and access and refresh tokens are never mixed up',
      async run(storage) {
        const { accessToken, refreshToken } = await storedGrant(storage);
        assert.equal(await storage.accessTokens.findByDigest(digestToken('unknown')), null);
        assert.equal(await storage.refreshTokens.findByDigest(digestToken('unknown')), null);
        assert.equal(await storage.accessTokens.findByDigest(refreshToken.digest), null);
        assert.equal(await storage.refreshTokens.findByDigest(accessToken.digest), null);
      },
    },
    {
      name: 'GrantRepository.create is all or nothing: when a token cannot be stored, neither is the grant',
      async run(storage) {
        const existing = await storedGrant(storage);
        const grant = newGrant();
        const accessToken = newAccessToken(grant.id);
        const clashing = newRefreshToken(grant.id, { digest: existing.refreshToken.digest });
        await assertRejects(
          storage.grants.create(grant, { accessToken, refreshToken: clashing }),
          'a refresh token digest stored twice must be refused',
        );
        assert.equal(await storage.accessTokens.findByDigest(accessToken.digest), null);
        assertSame(await storage.refreshTokens.findByDigest(existing.refreshToken.digest), { token: existing.refreshToken, grant: existing.grant });
        assert.equal(await storage.grants.revokeAllForUser(grant.userId!, 'probe', NOW), 1, 'only the first grant exists');
      },
    },
    {
      name: 'GrantRepository.create refuses, storing nothing, a grant whose user was revoked after the mark it was checked against',
      async run(storage) {
        const before = await storage.grants.userRevocationMark();
        await storage.grants.revokeAllForUser('ada', 'password_changed', NOW);
        const after = await storage.grants.userRevocationMark();
        assert.ok(after > before, 'a user revocation moves the mark');

        const late = newGrant({ userId: 'ada' });
        const lateToken = newAccessToken(late.id);
        assert.equal(await storage.grants.create(late, { accessToken: lateToken, refreshToken: null }, { userRevocationMark: before }), false);
        assert.equal(await storage.accessTokens.findByDigest(lateToken.digest), null);

        const fresh = newGrant({ userId: 'ada' });
        assert.equal(
          await storage.grants.create(fresh, { accessToken: newAccessToken(fresh.id), refreshToken: null }, { userRevocationMark: after }),
          true,
        );
        const other = newGrant({ userId: 'bob' });
        assert.equal(
          await storage.grants.create(other, { accessToken: newAccessToken(other.id), refreshToken: null }, { userRevocationMark: before }),
          true,
          'another user is not affected',
        );
      },
    },
    {
      name: 'GrantRepository.revoke: the tokens read back revoked; a second revocation keeps the first time and reason',
      async run(storage) {
        const { grant, accessToken, refreshToken } = await storedGrant(storage);
        const other = await storedGrant(storage);
        await storage.grants.revoke(grant.id, 'first', later(1_000));
        await storage.grants.revoke(grant.id, 'second', later(2_000));
        await storage.grants.revoke(randomUUID(), 'unknown', later(3_000));
        const revoked = { ...grant, revokedAt: later(1_000), revokedReason: 'first' };
        assertSame(await storage.accessTokens.findByDigest(accessToken.digest), { token: accessToken, grant: revoked });
        assertSame(await storage.refreshTokens.findByDigest(refreshToken.digest), { token: refreshToken, grant: revoked });
        assertSame((await storage.accessTokens.findByDigest(other.accessToken.digest))?.grant, other.grant);
      },
    },
    {
      name: 'GrantRepository.revokeAllForUser / revokeAllForClient: every live grant of one user or client, counted once',
      async run(storage) {
        const ada = [await storedGrant(storage, { userId: 'ada', clientId: 'web' }), await storedGrant(storage, { userId: 'ada', clientId: 'cli' })];
        const bob = await storedGrant(storage, { userId: 'bob', clientId: 'web' });
        const machine = await storedGrant(storage, { userId: null, clientId: 'web' });
        await storage.grants.revoke(ada[1].grant.id, 'logout', later(1));

        assert.equal(await storage.grants.revokeAllForUser('ada', 'password_changed', later(2)), 1);
        assert.equal(await storage.grants.revokeAllForUser('ada', 'password_changed', later(3)), 0);
        assertSame((await storage.accessTokens.findByDigest(ada[0].accessToken.digest))?.grant, {
          ...ada[0].grant,
          revokedAt: later(2),
          revokedReason: 'password_changed',
        });
        assert.equal((await storage.accessTokens.findByDigest(ada[1].accessToken.digest))?.grant.revokedReason, 'logout');
        assert.equal((await storage.accessTokens.findByDigest(bob.accessToken.digest))?.grant.revokedAt, null);

        assert.equal(await storage.grants.revokeAllForClient('web', 'client_deleted', later(4)), 2);
        assert.equal((await storage.accessTokens.findByDigest(bob.accessToken.digest))?.grant.revokedReason, 'client_deleted');
        assert.equal((await storage.accessTokens.findByDigest(machine.accessToken.digest))?.grant.revokedReason, 'client_deleted');
      },
    },
    {
      name: 'GrantRepository.deleteRevoked: grants revoked before the cut-off go with all their tokens, at most `limit` at a time',
      async run(storage) {
        const old = [await storedGrant(storage), await storedGrant(storage), await storedGrant(storage)];
        const recent = await storedGrant(storage);
        const live = await storedGrant(storage);
        for (const { grant } of old) await storage.grants.revoke(grant.id, 'logout', later(1_000));
        await storage.grants.revoke(recent.grant.id, 'logout', later(5_000));

        assert.equal(await storage.grants.deleteRevoked(later(2_000), 2), 2);
        assert.equal(await storage.grants.deleteRevoked(later(2_000), 2), 1);
        assert.equal(await storage.grants.deleteRevoked(later(2_000), 2), 0);
        for (const { accessToken, refreshToken } of old) {
          assert.equal(await storage.accessTokens.findByDigest(accessToken.digest), null);
          assert.equal(await storage.refreshTokens.findByDigest(refreshToken.digest), null);
        }
        assert.notEqual(await storage.accessTokens.findByDigest(recent.accessToken.digest), null);
        assert.notEqual(await storage.refreshTokens.findByDigest(live.refreshToken.digest), null);
      },
    },
    {
      name: 'AccessTokenRepository.delete removes one token; the grant and its other tokens stay',
      async run(storage) {
        const { grant, accessToken, refreshToken } = await storedGrant(storage);
        await storage.accessTokens.delete(accessToken.digest);
        await storage.accessTokens.delete(digestToken('unknown'));
        assert.equal(await storage.accessTokens.findByDigest(accessToken.digest), null);
        assertSame(await storage.refreshTokens.findByDigest(refreshToken.digest), { token: refreshToken, grant });
      },
    },
    {
      name: 'AccessTokenRepository.revocationMark moves with every revocation that can end an access token, and with nothing else',
      async run(storage) {
        const { grant, accessToken } = await storedGrant(storage);
        const marks = [await storage.accessTokens.revocationMark()];
        const moved = async (what: string) => {
          const mark = await storage.accessTokens.revocationMark();
          assert.ok(mark !== marks[marks.length - 1], `${what} must move the revocation mark`);
          assert.ok(!marks.includes(mark), `${what} must move the mark to a value it never had`);
          marks.push(mark);
        };
        await storedGrant(storage);
        await storage.grants.userRevocationMark();
        assert.equal(await storage.accessTokens.revocationMark(), marks[0], 'storing grants or reading marks leaves it');
        await storage.accessTokens.delete(accessToken.digest);
        await moved('AccessTokenRepository.delete');
        await storage.grants.revoke(grant.id, 'test', NOW);
        await moved('GrantRepository.revoke');
        await storage.grants.revokeAllForUser('ada', 'test', NOW);
        await moved('GrantRepository.revokeAllForUser');
        await storage.grants.revokeAllForClient(grant.clientId, 'test', NOW);
        await moved('GrantRepository.revokeAllForClient');
      },
    },
    {
      name: 'AccessTokenRepository.revocationMark: 20 concurrent revocations move it 20 times',
      async run(storage) {
        const stored = await Promise.all(Array.from({ length: 20 }, () => storedGrant(storage)));
        const before = await storage.accessTokens.revocationMark();
        await Promise.all(
          stored.map(({ grant }, index) =>
            index % 2 ? storage.grants.revoke(grant.id, 'test', NOW) : storage.accessTokens.delete(stored[index].accessToken.digest),
          ),
        );
        assert.equal((await storage.accessTokens.revocationMark()) - before, 20);
      },
    },
    {
      name: 'deleteExpired removes tokens expired before the cut-off, at most `limit`, and keeps used refresh tokens that are still valid',
      async run(storage) {
        // Three grants whose access tokens have expired; two of them also hold an expired refresh token.
        const expired: AccessTokenRecord[] = [];
        for (const i of [1, 2, 3]) {
          const grant = newGrant();
          expired.push(newAccessToken(grant.id, { expiresAt: later(i) }));
          const refreshToken = i === 1 ? null : newRefreshToken(grant.id, { expiresAt: later(i + 10) });
          await storage.grants.create(grant, { accessToken: expired[expired.length - 1], refreshToken });
        }
        const validGrant = newGrant();
        const valid = newAccessToken(validGrant.id, { expiresAt: later(HOUR) });
        await storage.grants.create(validGrant, { accessToken: valid, refreshToken: null });

        assert.equal(await storage.accessTokens.deleteExpired(later(100), 2), 2);
        assert.equal(await storage.accessTokens.deleteExpired(later(100), 2), 1);
        assert.equal(await storage.accessTokens.deleteExpired(later(100), 2), 0);
        assert.notEqual(await storage.accessTokens.findByDigest(valid.digest), null);

        const rotating = await storedGrant(storage);
        assert.equal(
          await storage.refreshTokens.rotate(rotating.refreshToken.digest, later(50), successorOf(rotating.refreshToken, later(50)), null),
          true,
        );
        assert.equal(await storage.refreshTokens.deleteExpired(later(100), 10), 2);
        assertSame((await storage.refreshTokens.findByDigest(rotating.refreshToken.digest))?.token.usedAt, later(50));
      },
    },
    {
      name: 'RefreshTokenRepository.rotate marks the token used, records the sealed successor, and stores the successors',
      async run(storage) {
        const { grant, refreshToken } = await storedGrant(storage);
        const successor = successorOf(refreshToken);
        assert.equal(await storage.refreshTokens.rotate(refreshToken.digest, later(60_000), successor, 'sealed'), true);
        assertSame(await storage.refreshTokens.findByDigest(refreshToken.digest), {
          token: { ...refreshToken, usedAt: later(60_000), sealedSuccessor: 'sealed' },
          grant,
        });
        assertSame(await storage.refreshTokens.findByDigest(successor.refreshToken.digest), { token: successor.refreshToken, grant });
        assertSame(await storage.accessTokens.findByDigest(successor.accessToken.digest), { token: successor.accessToken, grant });
      },
    },
    {
      name: 'RefreshTokenRepository.rotate refuses a used or unknown token, storing nothing',
      async run(storage) {
        const { refreshToken } = await storedGrant(storage);
        await storage.refreshTokens.rotate(refreshToken.digest, later(1_000), successorOf(refreshToken), null);
        const late = successorOf(refreshToken);
        assert.equal(await storage.refreshTokens.rotate(refreshToken.digest, later(2_000), late, null), false);
        const orphan = successorOf(refreshToken);
        assert.equal(await storage.refreshTokens.rotate(digestToken('unknown'), later(3_000), orphan, null), false);
        for (const successor of [late, orphan]) {
          assert.equal(await storage.refreshTokens.findByDigest(successor.refreshToken.digest), null);
          assert.equal(await storage.accessTokens.findByDigest(successor.accessToken.digest), null);
        }
        assertSame((await storage.refreshTokens.findByDigest(refreshToken.digest))?.token.usedAt, later(1_000));
      },
    },
    {
      name: 'RefreshTokenRepository.rotate: of 20 concurrent rotations of one token exactly one wins, and only its successors exist (RFC 9700 §4.14.2)',
      async run(storage) {
        const { refreshToken } = await storedGrant(storage);
        const successors = Array.from({ length: 20 }, (_, i) => successorOf(refreshToken, later(i + 1)));
        const results = await Promise.all(
          successors.map((successor, i) => storage.refreshTokens.rotate(refreshToken.digest, later(i + 1), successor, null)),
        );
        assert.equal(results.filter(Boolean).length, 1);
        for (const [index, successor] of successors.entries()) {
          const stored = (await storage.refreshTokens.findByDigest(successor.refreshToken.digest)) !== null;
          const storedAccess = (await storage.accessTokens.findByDigest(successor.accessToken.digest)) !== null;
          assert.equal(stored, results[index], `successor ${index}: stored exactly when it won`);
          assert.equal(storedAccess, results[index], `access token ${index}: stored exactly when it won`);
        }
        assertSame((await storage.refreshTokens.findByDigest(refreshToken.digest))?.token.usedAt, later(results.indexOf(true) + 1));
      },
    },
    {
      name: 'RefreshTokenRepository.rotate is atomic: when a successor cannot be stored, the token stays unused',
      async run(storage) {
        const { accessToken, refreshToken } = await storedGrant(storage);
        const broken = successorOf(refreshToken);
        broken.accessToken.digest = accessToken.digest;
        await assertRejects(
          storage.refreshTokens.rotate(refreshToken.digest, later(1_000), broken, null),
          'an access token digest stored twice must be refused',
        );
        assert.equal((await storage.refreshTokens.findByDigest(refreshToken.digest))?.token.usedAt, null);
        assert.equal(await storage.refreshTokens.findByDigest(broken.refreshToken.digest), null);
        assert.equal(await storage.refreshTokens.rotate(refreshToken.digest, later(2_000), successorOf(refreshToken), null), true);
      },
    },
    {
      name: 'AttemptCounterRepository: at most maxFailures slots a window, the last starts the lock, and each kind counts apart',
      async run({ attemptCounters }) {
        const key = digestToken(randomUUID());
        assert.equal(await attemptCounters.lockedUntil('login', key, NOW, POLICY), null);
        const first = slotOf(await attemptCounters.reserve('login', key, NOW, POLICY));
        assertSame(first, { windowStartedAt: NOW, settledFailures: 0, lockedUntil: null });
        await attemptCounters.settle('login', key, first, 'failure', POLICY);
        assertSame(slotOf(await attemptCounters.reserve('login', key, later(1_000), POLICY)), {
          windowStartedAt: NOW,
          settledFailures: 1,
          lockedUntil: null,
        });
        assertSame(slotOf(await attemptCounters.reserve('login', key, later(2_000), POLICY)).lockedUntil, later(602_000));
        assertSame(await attemptCounters.reserve('login', key, later(3_000), POLICY), { granted: false, lockedUntil: later(602_000) });
        assertSame(await attemptCounters.lockedUntil('login', key, later(3_000), POLICY), later(602_000));
        assert.equal(
          (await attemptCounters.reserve('client', key, later(3_000), POLICY)).granted,
          true,
          'the client counter of the same key is its own',
        );
        assertSame(slotOf(await attemptCounters.reserve('login', key, later(603_000), POLICY)), {
          windowStartedAt: later(603_000),
          settledFailures: 0,
          lockedUntil: null,
        });
      },
    },
    {
      name: 'AttemptCounterRepository: a success frees its own slot and clears only the failures settled before it',
      async run({ attemptCounters }) {
        const key = digestToken(randomUUID());
        await attemptCounters.settle('login', key, slotOf(await attemptCounters.reserve('login', key, NOW, POLICY)), 'failure', POLICY);
        const succeeding = slotOf(await attemptCounters.reserve('login', key, NOW, POLICY));
        const inFlight = slotOf(await attemptCounters.reserve('login', key, NOW, POLICY));
        await attemptCounters.settle('login', key, succeeding, 'success', POLICY);
        await attemptCounters.settle('login', key, inFlight, 'failure', POLICY);
        // The failure still being checked when the success took its slot stays counted: two slots are left, not three.
        assert.equal((await attemptCounters.reserve('login', key, NOW, POLICY)).granted, true);
        assert.equal((await attemptCounters.reserve('login', key, NOW, POLICY)).granted, true);
        assert.equal((await attemptCounters.reserve('login', key, NOW, POLICY)).granted, false);
      },
    },
    {
      name: 'AttemptCounterRepository: of 20 concurrent reservations of one key exactly maxFailures get a slot',
      async run({ attemptCounters }) {
        const key = digestToken(randomUUID());
        const policy = { ...POLICY, maxFailures: 5 };
        const reservations = await Promise.all(Array.from({ length: 20 }, () => attemptCounters.reserve('login', key, NOW, policy)));
        assert.equal(reservations.filter((reservation) => reservation.granted).length, 5);
      },
    },
    {
      name: 'AttemptCounterRepository.deleteExpired removes keys whose window and lock have both passed, of one kind',
      async run({ attemptCounters }) {
        const open = digestToken(randomUUID());
        const locked = digestToken(randomUUID());
        await attemptCounters.reserve('login', open, NOW, POLICY);
        await attemptCounters.reserve('client', open, NOW, POLICY);
        for (let i = 0; i < POLICY.maxFailures; i++) await attemptCounters.reserve('login', locked, NOW, POLICY);

        assert.equal(await attemptCounters.deleteExpired('login', later(120_000), 10), 1);
        assert.equal((await attemptCounters.reserve('login', locked, later(120_000), POLICY)).granted, false, 'a lock outlives its window');
        assert.equal(await attemptCounters.deleteExpired('login', later(700_000), 10), 1);
        assert.equal(await attemptCounters.deleteExpired('client', later(120_000), 10), 1);
      },
    },
  ];
}
