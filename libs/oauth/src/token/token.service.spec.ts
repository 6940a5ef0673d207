import { Test, type TestingModule } from '@nestjs/testing';
import { AccessTokenVerifier } from '../auth/access-token.verifier';
import { ClientAuthenticator } from '../auth/client-authenticator';
import { digestToken } from '../crypto/opaque-token';
import { hashRandomSecret, hashSecret } from '../crypto/secret-hash';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { OAuthError } from '../errors/oauth.error';
import type { OAuthModuleOptions } from '../oauth-module-options.interface';
import { OAuthModule } from '../oauth.module';
import type { OAuthClient } from '../repositories/client.repository';
import { UserLookup, type OAuthSubject } from '../repositories/user-lookup';
import { UserRevocationService } from '../revocation/user-revocation.service';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { OAuthInMemoryStorageModule } from '../testing/oauth-in-memory-storage.module';
import type { TokenRequestDto } from './token-request.dto';
import type { TokenResponse } from './token-response';
import { TokenService } from './token.service';

/** The host's users as the fake lookup sees them; reset before every test. */
const users = new Map<string, { id: string; password: string; disabled: boolean }>();

/**
 * When set, `verifyCredentials` reads the user, says so through `reached`, and waits for `release` before it
 * compares: as a host's lookup reads the password hash and then waits for its turn to hash.
 */
let slowCheck: { reached: () => void; release: Promise<void> } | null = null;

class FakeUserLookup extends UserLookup {
  async verifyCredentials(username: string, password: string): Promise<OAuthSubject | null> {
    const user = users.get(username);
    const read = user && { ...user };
    if (slowCheck) {
      slowCheck.reached();
      await slowCheck.release;
    }
    return read && !read.disabled && read.password === password ? { id: read.id, username } : null;
  }

  async findById(id: string): Promise<OAuthSubject | null> {
    const entry = [...users.entries()].find(([, user]) => user.id === id && !user.disabled);
    return entry ? { id, username: entry[0] } : null;
  }
}

const WEB_SECRET = 'web-client-secret';
const CLI_SECRET = 'Q2xpZW50U2VjcmV0VGhhdElzUmFuZG9tMjU2Yml0cw';
let webSecretHash: string;

beforeAll(async () => {
  webSecretHash = await hashSecret(WEB_SECRET, { cost: 10 });
});

function seedClients(store: InMemoryOAuthStore): void {
  store.clients.set('web', {
    id: 'web',
    secretHash: webSecretHash,
    name: 'Web app',
    grants: ['password', 'refresh_token'],
    scopes: ['read', 'write', 'admin'],
    defaultScopes: ['read'],
  });
  // May use the password grant but not refresh: it must get no refresh token.
  store.clients.set('cli', {
    id: 'cli',
    secretHash: hashRandomSecret(CLI_SECRET),
    name: 'CLI',
    grants: ['password'],
    scopes: ['read'],
    defaultScopes: ['read'],
  });
  // Allowed to refresh only.
  store.clients.set('refresher', {
    id: 'refresher',
    secretHash: hashRandomSecret('refresher-secret'),
    name: null,
    grants: ['refresh_token'],
    scopes: ['read', 'write', 'admin'],
    defaultScopes: ['read'],
  });
  // A second client with the same rights as `web`.
  store.clients.set('other', {
    id: 'other',
    secretHash: hashRandomSecret('other-secret'),
    name: null,
    grants: ['password', 'refresh_token'],
    scopes: ['read', 'write', 'admin'],
    defaultScopes: ['read'],
  });
}

interface Harness {
  moduleRef: TestingModule;
  store: InMemoryOAuthStore;
  tokens: TokenService;
  verifier: AccessTokenVerifier;
  client(id: string, secret: string): Promise<OAuthClient>;
}

async function boot(options: OAuthModuleOptions = {}, withLookup = true): Promise<Harness> {
  const store = new InMemoryOAuthStore();
  seedClients(store);
  const moduleRef = await Test.createTestingModule({
    imports: [
      OAuthModule.forRoot({
        ...options,
        storage: OAuthInMemoryStorageModule.register(store),
        ...(withLookup ? { userLookup: FakeUserLookup } : {}),
      }),
    ],
  }).compile();
  const authenticator = moduleRef.get(ClientAuthenticator, { strict: false });
  return {
    moduleRef,
    store,
    tokens: moduleRef.get(TokenService),
    verifier: moduleRef.get(AccessTokenVerifier),
    // The client as ClientBasicGuard would hand it to the token endpoint.
    async client(id, secret) {
      const client = await authenticator.authenticate(id, secret);
      if (!client) throw new Error(`fixture client ${id} did not authenticate`);
      return client;
    },
  };
}

const request = (fields: Partial<TokenRequestDto> & { grant_type: string }): TokenRequestDto => fields as TokenRequestDto;

/** The rejection of `promise`, which must be an OAuthError. */
async function oauthError(promise: Promise<unknown>): Promise<OAuthError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OAuthError);
  return error as OAuthError;
}

describe('TokenService with OAuthModule.forRoot and in-memory storage', () => {
  let h: Harness;
  let web: OAuthClient;

  beforeEach(async () => {
    users.clear();
    users.set('alice', { id: 'user-alice', password: 'alice-pw', disabled: false });
    users.set('bob', { id: 'user-bob', password: 'bob-pw', disabled: false });
    h = await boot({ accessTokenTtl: 120, refreshTokenTtl: 600 });
    web = await h.client('web', WEB_SECRET);
  });

  afterEach(() => h.moduleRef.close());

  const password = (client: OAuthClient, fields: Partial<TokenRequestDto> = {}) =>
    h.tokens.exchange(client, request({ grant_type: 'password', username: 'alice', password: 'alice-pw', ...fields }));
  const refresh = (client: OAuthClient, refreshToken: string, scope?: string) =>
    h.tokens.exchange(client, request({ grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope === undefined ? {} : { scope }) }));

  describe('password grant (RFC 6749 §4.3)', () => {
    it('issues an access token and a refresh token (RFC 6749 §4.3.3, §5.1)', async () => {
      const response = await password(web, { scope: 'read write' });
      expect(response).toEqual({
        access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        token_type: 'bearer',
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expires_in: 120,
        scope: 'read write',
      });
      expect(response.refresh_token).not.toBe(response.access_token);
    });

    it('stores the digests of the tokens, never the tokens themselves', async () => {
      const response = await password(web);
      const accessDigest = digestToken(response.access_token);
      const refreshDigest = digestToken(response.refresh_token!);
      expect([...h.store.accessTokens.keys()]).toEqual([accessDigest]);
      expect([...h.store.refreshTokens.keys()]).toEqual([refreshDigest]);
      const everything = JSON.stringify({
        grants: [...h.store.grants.values()],
        accessTokens: [...h.store.accessTokens.entries()],
        refreshTokens: [...h.store.refreshTokens.entries()],
      });
      expect(everything).not.toContain(response.access_token);
      expect(everything).not.toContain(response.refresh_token);
    });

    it('records the grant for the user and client, and dates the tokens with the configured lifetimes', async () => {
      const before = Date.now();
      const response = await password(web, { scope: 'write' });
      const after = Date.now();
      const [grant] = [...h.store.grants.values()];
      expect(grant).toMatchObject({ clientId: 'web', userId: 'user-alice', scope: ['write'], revokedAt: null });
      const access = h.store.accessTokens.get(digestToken(response.access_token))!;
      const refreshRecord = h.store.refreshTokens.get(digestToken(response.refresh_token!))!;
      expect(access).toMatchObject({ grantId: grant.id, scope: ['write'] });
      expect(refreshRecord).toMatchObject({ grantId: grant.id, scope: ['write'], parentDigest: null, usedAt: null });
      expect(access.createdAt.getTime()).toBeGreaterThanOrEqual(before);
      expect(access.createdAt.getTime()).toBeLessThanOrEqual(after);
      expect(access.expiresAt.getTime() - access.createdAt.getTime()).toBe(120_000);
      expect(refreshRecord.expiresAt.getTime() - refreshRecord.createdAt.getTime()).toBe(600_000);
    });

    it('gives an access token that AccessTokenVerifier accepts until it expires', async () => {
      const response = await password(web, { scope: 'read write' });
      const principal = await h.verifier.verify(response.access_token);
      expect(principal).toMatchObject({ userId: 'user-alice', clientId: 'web', scopes: ['read', 'write'] });
      await expect(h.verifier.verify(response.access_token, new Date(principal!.expiresAt.getTime()))).resolves.toBeNull();
      // The refresh token is not an access token.
      await expect(h.verifier.verify(response.refresh_token!)).resolves.toBeNull();
    });

    it("grants the client's default scope when none is requested (RFC 6749 §3.3)", async () => {
      await expect(password(web)).resolves.toMatchObject({ scope: 'read' });
    });

    it('refuses a scope beyond what the client may have with invalid_scope (RFC 6749 §3.3, §5.2)', async () => {
      const cli = await h.client('cli', CLI_SECRET);
      expect(await oauthError(password(cli, { scope: 'read write' }))).toMatchObject({ error: 'invalid_scope', status: 400 });
      expect(h.store.grants.size).toBe(0);
    });

    it('issues no refresh token to a client that may not use the refresh_token grant (RFC 6749 §5.1)', async () => {
      const cli = await h.client('cli', CLI_SECRET);
      const response = await password(cli);
      expect(response).not.toHaveProperty('refresh_token');
      expect(h.store.refreshTokens.size).toBe(0);
      await expect(h.verifier.verify(response.access_token)).resolves.toMatchObject({ clientId: 'cli' });
    });

    it('opens a separate grant for every successful request', async () => {
      const first = await password(web);
      const second = await password(web);
      expect(h.store.grants.size).toBe(2);
      expect((await h.verifier.verify(first.access_token))!.grantId).not.toBe((await h.verifier.verify(second.access_token))!.grantId);
    });

    it('refuses a missing username with invalid_request (RFC 6749 §4.3.2, §5.2)', async () => {
      const error = await oauthError(h.tokens.exchange(web, request({ grant_type: 'password', password: 'alice-pw' })));
      expect(error).toMatchObject({ error: 'invalid_request', status: 400 });
      expect(error.description).toMatch(/username/);
    });

    it('refuses a missing password with invalid_request (RFC 6749 §4.3.2, §5.2)', async () => {
      const error = await oauthError(h.tokens.exchange(web, request({ grant_type: 'password', username: 'alice' })));
      expect(error).toMatchObject({ error: 'invalid_request', status: 400 });
      expect(error.description).toMatch(/password/);
    });

    it('answers a wrong password and an unknown user with the same invalid_grant (RFC 6749 §5.2)', async () => {
      const wrongPassword = await oauthError(password(web, { password: 'not-alice-pw' }));
      const unknownUser = await oauthError(password(web, { username: 'mallory', password: 'alice-pw' }));
      users.get('bob')!.disabled = true;
      const disabledUser = await oauthError(password(web, { username: 'bob', password: 'bob-pw' }));
      const shape = (error: OAuthError) => ({
        error: error.error,
        description: error.description,
        status: error.status,
        challenge: error.challenge,
        message: error.message,
      });
      expect(wrongPassword).toMatchObject({ error: 'invalid_grant', status: 400 });
      expect(shape(unknownUser)).toEqual(shape(wrongPassword));
      expect(shape(disabledUser)).toEqual(shape(wrongPassword));
      expect(h.store.grants.size).toBe(0);
      expect(h.store.accessTokens.size).toBe(0);
    });
  });

  describe('token endpoint dispatch (RFC 6749 §5.2)', () => {
    it('refuses a grant_type the server does not support with unsupported_grant_type', async () => {
      for (const grantType of ['urn:ietf:params:oauth:grant-type:jwt-bearer', 'urn:ietf:params:oauth:grant-type:device_code', 'PASSWORD', '']) {
        expect(await oauthError(h.tokens.exchange(web, request({ grant_type: grantType, username: 'alice', password: 'alice-pw' })))).toMatchObject({
          error: 'unsupported_grant_type',
          status: 400,
        });
      }
    });

    it('refuses a grant the client is not registered for with unauthorized_client', async () => {
      const refresher = await h.client('refresher', 'refresher-secret');
      expect(await oauthError(password(refresher))).toMatchObject({ error: 'unauthorized_client', status: 400 });
      const cli = await h.client('cli', CLI_SECRET);
      expect(await oauthError(refresh(cli, 'anything'))).toMatchObject({ error: 'unauthorized_client', status: 400 });
      expect(h.store.grants.size).toBe(0);
    });

    it('refuses the password grant to a public client even when its stored record lists it (stored past client administration)', async () => {
      const publicRecord: OAuthClient = {
        ...web,
        id: 'inserted-spa',
        secretHash: '',
        tokenEndpointAuthMethod: 'none',
        grants: ['password', 'refresh_token'],
      };
      expect(await oauthError(password(publicRecord))).toMatchObject({ error: 'unauthorized_client', status: 400 });
      expect(h.store.grants.size).toBe(0);
    });
  });

  describe('refresh_token grant (RFC 6749 §6)', () => {
    it('issues a new access token and a new refresh token for the same grant', async () => {
      const first = await password(web, { scope: 'read write' });
      const second = await refresh(web, first.refresh_token!);
      expect(second).toEqual({
        access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        token_type: 'bearer',
        refresh_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        expires_in: 120,
        scope: 'read write',
      });
      expect(second.access_token).not.toBe(first.access_token);
      expect(second.refresh_token).not.toBe(first.refresh_token);
      const before = await h.verifier.verify(first.access_token);
      const after = await h.verifier.verify(second.access_token);
      expect(after).toMatchObject({ userId: 'user-alice', clientId: 'web', scopes: ['read', 'write'], grantId: before!.grantId });
      expect(h.store.grants.size).toBe(1);
      const successor = h.store.refreshTokens.get(digestToken(second.refresh_token!))!;
      expect(successor.parentDigest).toBe(digestToken(first.refresh_token!));
      expect(h.store.refreshTokens.get(digestToken(first.refresh_token!))!.usedAt).toBeInstanceOf(Date);
    });

    it('rotates: a used refresh token no longer works (RFC 9700 §4.14.2)', async () => {
      const first = await password(web);
      await refresh(web, first.refresh_token!);
      expect(await oauthError(refresh(web, first.refresh_token!))).toMatchObject({ error: 'invalid_grant', status: 400 });
    });

    it('revokes the whole grant when a used refresh token comes back (RFC 9700 §4.14.2)', async () => {
      const first = await password(web);
      const second = await refresh(web, first.refresh_token!);
      await expect(h.verifier.verify(second.access_token)).resolves.not.toBeNull();

      expect(await oauthError(refresh(web, first.refresh_token!))).toMatchObject({ error: 'invalid_grant' });

      const [grant] = [...h.store.grants.values()];
      expect(grant.revokedAt).toBeInstanceOf(Date);
      expect(grant.revokedReason).toBe('refresh_token_reuse');
      // Every token of the family stops working, including those issued after the reused one.
      await expect(h.verifier.verify(second.access_token)).resolves.toBeNull();
      await expect(h.verifier.verify(first.access_token)).resolves.toBeNull();
      expect(await oauthError(refresh(web, second.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    });

    it("does not touch the user's other grants when one is revoked for reuse", async () => {
      const compromised = await password(web);
      const unrelated = await password(web);
      await refresh(web, compromised.refresh_token!);
      await oauthError(refresh(web, compromised.refresh_token!));
      await expect(h.verifier.verify(unrelated.access_token)).resolves.not.toBeNull();
      await expect(refresh(web, unrelated.refresh_token!)).resolves.toHaveProperty('access_token');
    });

    it('lets only one of two concurrent uses of a refresh token succeed (RFC 9700 §4.14.2)', async () => {
      const first = await password(web);
      const results = await Promise.allSettled([refresh(web, first.refresh_token!), refresh(web, first.refresh_token!)]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const [rejected] = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
      expect(rejected.reason).toMatchObject({ error: 'invalid_grant' });
      expect([...h.store.refreshTokens.values()].filter((token) => token.parentDigest === digestToken(first.refresh_token!))).toHaveLength(1);
    });

    it('may narrow the scope of the new access token (RFC 6749 §6)', async () => {
      const first = await password(web, { scope: 'read write' });
      const narrowed = await refresh(web, first.refresh_token!, 'read');
      expect(narrowed.scope).toBe('read');
      await expect(h.verifier.verify(narrowed.access_token)).resolves.toMatchObject({ scopes: ['read'] });
      // The new refresh token keeps the originally granted scope: omitting scope gives it all back (RFC 6749 §6).
      const restored = await refresh(web, narrowed.refresh_token!);
      expect(restored.scope).toBe('read write');
    });

    it('refuses to widen the scope with invalid_scope, and leaves the refresh token usable (RFC 6749 §6)', async () => {
      const first = await password(web, { scope: 'read' });
      // `admin` is allowed to the client, but was not granted by the resource owner.
      expect(await oauthError(refresh(web, first.refresh_token!, 'read admin'))).toMatchObject({ error: 'invalid_scope', status: 400 });
      expect(await oauthError(refresh(web, first.refresh_token!, 'write'))).toMatchObject({ error: 'invalid_scope' });
      await expect(refresh(web, first.refresh_token!)).resolves.toMatchObject({ scope: 'read' });
    });

    it('refuses a refresh token issued to another client with invalid_grant, and does not revoke it (RFC 6749 §10.4)', async () => {
      const first = await password(web);
      const other = await h.client('other', 'other-secret');
      const foreign = await oauthError(refresh(other, first.refresh_token!));
      const unknown = await oauthError(refresh(other, 'no-such-refresh-token'));
      expect(foreign).toMatchObject({ error: 'invalid_grant', status: 400 });
      // The same answer as for a token that does not exist: nothing leaks about whose it is.
      expect(foreign.description).toBe(unknown.description);
      // A foreign client cannot burn or revoke the owner's token.
      expect([...h.store.grants.values()][0].revokedAt).toBeNull();
      await expect(refresh(web, first.refresh_token!)).resolves.toHaveProperty('access_token');
    });

    it('refuses an unknown refresh token, and an access token presented as one, with invalid_grant', async () => {
      const first = await password(web);
      expect(await oauthError(refresh(web, 'not-a-refresh-token'))).toMatchObject({ error: 'invalid_grant' });
      expect(await oauthError(refresh(web, first.access_token))).toMatchObject({ error: 'invalid_grant' });
      expect(await oauthError(refresh(web, digestToken(first.refresh_token!)))).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a missing refresh_token with invalid_request (RFC 6749 §6, §5.2)', async () => {
      expect(await oauthError(h.tokens.exchange(web, request({ grant_type: 'refresh_token' })))).toMatchObject({
        error: 'invalid_request',
        status: 400,
      });
    });

    it('refuses an expired refresh token with invalid_grant', async () => {
      const first = await password(web);
      h.store.refreshTokens.get(digestToken(first.refresh_token!))!.expiresAt = new Date(Date.now() - 1);
      expect(await oauthError(refresh(web, first.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    });

    it('refuses a refresh token of a revoked grant with invalid_grant', async () => {
      const first = await password(web);
      const [grant] = [...h.store.grants.values()];
      grant.revokedAt = new Date();
      grant.revokedReason = 'logout';
      expect(await oauthError(refresh(web, first.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
      expect(grant.revokedReason).toBe('logout');
    });

    it('refuses to refresh for a user who no longer exists or was disabled, without consuming the token', async () => {
      const first = await password(web);
      users.get('alice')!.disabled = true;
      expect(await oauthError(refresh(web, first.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
      users.get('alice')!.disabled = false;
      await expect(refresh(web, first.refresh_token!)).resolves.toHaveProperty('access_token');
    });

    it('gives the new refresh token a fresh lifetime', async () => {
      const first = await password(web);
      const old = h.store.refreshTokens.get(digestToken(first.refresh_token!))!;
      old.expiresAt = new Date(Date.now() + 5_000);
      const second = await refresh(web, first.refresh_token!);
      const successor = h.store.refreshTokens.get(digestToken(second.refresh_token!))!;
      expect(successor.expiresAt.getTime() - successor.createdAt.getTime()).toBe(600_000);
    });

    it("narrows the new access token to the client's scopes of the moment, and refuses a lost one with invalid_scope", async () => {
      const first = await password(web, { scope: 'read write' });
      h.store.clients.get('web')!.scopes = ['read', 'admin'];
      const client = await h.client('web', WEB_SECRET);
      expect(await oauthError(refresh(client, first.refresh_token!, 'write'))).toMatchObject({ error: 'invalid_scope' });
      await expect(refresh(client, first.refresh_token!)).resolves.toMatchObject({ scope: 'read' });
    });

    it('refuses with unauthorized_client once the client may no longer use the grant that opened the family', async () => {
      const first = await password(web);
      h.store.clients.get('web')!.grants = ['refresh_token'];
      expect(await oauthError(refresh(await h.client('web', WEB_SECRET), first.refresh_token!))).toMatchObject({ error: 'unauthorized_client' });
    });
  });

  describe('a user revoked while a password login is in flight (UserRevocationService)', () => {
    let release: () => void;
    let reached: Promise<void>;

    beforeEach(() => {
      let reach!: () => void;
      reached = new Promise((resolve) => (reach = resolve));
      slowCheck = { reached: reach, release: new Promise((resolve) => (release = resolve)) };
    });
    afterEach(() => (slowCheck = null));

    it('refuses, with invalid_grant, a login that checked the credentials before the revocation', async () => {
      const login = password(web);
      await reached;
      users.get('alice')!.password = 'new-pw';
      await h.moduleRef.get(UserRevocationService).revokeUser('user-alice', 'password changed');
      release();
      expect(await oauthError(login)).toMatchObject({ error: 'invalid_grant' });
      expect([...h.store.grants.values()].filter((grant) => grant.userId === 'user-alice')).toEqual([]);
    });

    it("lets a login started after the revocation through, and leaves other users' logins alone", async () => {
      await h.moduleRef.get(UserRevocationService).revokeUser('user-alice', 'password changed');
      const alice = password(web);
      await reached;
      await h.moduleRef.get(UserRevocationService).revokeUser('user-bob', 'user disabled');
      release();
      await expect(alice).resolves.toHaveProperty('access_token');
    });
  });

  describe('refreshTokenAbsoluteTtl', () => {
    beforeEach(async () => {
      await h.moduleRef.close();
      h = await boot({ accessTokenTtl: 120, refreshTokenTtl: 600, refreshTokenAbsoluteTtl: 1000 });
      web = await h.client('web', WEB_SECRET);
    });

    it('cuts refresh tokens to the end of the login, and stops rotation after it with invalid_grant', async () => {
      const first = await password(web);
      const grant = [...h.store.grants.values()][0];
      grant.createdAt = new Date(Date.now() - 900_000);
      const second = await refresh(web, first.refresh_token!);
      expect(h.store.refreshTokens.get(digestToken(second.refresh_token!))!.expiresAt).toEqual(new Date(grant.createdAt.getTime() + 1_000_000));

      grant.createdAt = new Date(Date.now() - 1_000_000);
      expect(await oauthError(refresh(web, second.refresh_token!))).toMatchObject({ error: 'invalid_grant' });
    });
  });
});

describe('OAuthModule configuration', () => {
  beforeEach(() => {
    users.clear();
    users.set('alice', { id: 'user-alice', password: 'alice-pw', disabled: false });
  });

  it('refuses forRoot without storage with MisconfigurationError', () => {
    expect(() => OAuthModule.forRoot({})).toThrow(MisconfigurationError);
    expect(() => OAuthModule.forRoot({ userLookup: FakeUserLookup })).toThrow(/storage/);
  });

  it('refuses forRootAsync without storage with MisconfigurationError', () => {
    expect(() => OAuthModule.forRootAsync({ useFactory: () => ({}) })).toThrow(MisconfigurationError);
  });

  it('fails at boot when the password grant is enabled without a userLookup', async () => {
    const store = new InMemoryOAuthStore();
    const compiling = Test.createTestingModule({
      imports: [OAuthModule.forRoot({ storage: OAuthInMemoryStorageModule.register(store) })],
    }).compile();
    await expect(compiling).rejects.toBeInstanceOf(MisconfigurationError);
    await expect(
      Test.createTestingModule({
        imports: [OAuthModule.forRoot({ grantTypes: ['password'], storage: OAuthInMemoryStorageModule.register(store) })],
      }).compile(),
    ).rejects.toThrow(/userLookup/);
  });

  it('fails at boot when the authorization_code grant is enabled without a userLookup: its login page checks passwords', async () => {
    const compiling = Test.createTestingModule({
      imports: [OAuthModule.forRoot({ grantTypes: ['authorization_code'], storage: OAuthInMemoryStorageModule.register() })],
    }).compile();
    await expect(compiling).rejects.toThrow(/the authorization_code grant is enabled but no user lookup/);
  });

  it('fails at boot on invalid options, also when they come from forRootAsync', async () => {
    await expect(
      Test.createTestingModule({
        imports: [OAuthModule.forRoot({ accessTokenTtl: 0, storage: OAuthInMemoryStorageModule.register(), userLookup: FakeUserLookup })],
      }).compile(),
    ).rejects.toBeInstanceOf(MisconfigurationError);
    await expect(
      Test.createTestingModule({
        imports: [
          OAuthModule.forRootAsync({
            useFactory: async () => ({ realm: 'a "quoted" realm' }),
            storage: OAuthInMemoryStorageModule.register(),
            userLookup: FakeUserLookup,
          }),
        ],
      }).compile(),
    ).rejects.toBeInstanceOf(MisconfigurationError);
  });

  it('boots without a userLookup when only refresh_token is enabled, and refuses password as unsupported', async () => {
    const h = await boot({ grantTypes: ['refresh_token'] }, false);
    try {
      const web = await h.client('web', WEB_SECRET);
      expect(await oauthError(h.tokens.exchange(web, request({ grant_type: 'password', username: 'alice', password: 'alice-pw' })))).toMatchObject({
        error: 'unsupported_grant_type',
      });
    } finally {
      await h.moduleRef.close();
    }
  });

  it('issues no refresh token, and refuses refresh_token, when the server disables that grant', async () => {
    const h = await boot({ grantTypes: ['password'] });
    try {
      const web = await h.client('web', WEB_SECRET);
      const response: TokenResponse = await h.tokens.exchange(web, request({ grant_type: 'password', username: 'alice', password: 'alice-pw' }));
      expect(response).not.toHaveProperty('refresh_token');
      expect(h.store.refreshTokens.size).toBe(0);
      expect(await oauthError(h.tokens.exchange(web, request({ grant_type: 'refresh_token', refresh_token: 'x' })))).toMatchObject({
        error: 'unsupported_grant_type',
      });
    } finally {
      await h.moduleRef.close();
    }
  });

  it('works the same when registered with forRootAsync', async () => {
    const store = new InMemoryOAuthStore();
    seedClients(store);
    const moduleRef = await Test.createTestingModule({
      imports: [
        OAuthModule.forRootAsync({
          useFactory: async () => ({ accessTokenTtl: 42 }),
          storage: OAuthInMemoryStorageModule.register(store),
          userLookup: FakeUserLookup,
        }),
      ],
    }).compile();
    try {
      const web = (await moduleRef.get(ClientAuthenticator, { strict: false }).authenticate('web', WEB_SECRET))!;
      const response = await moduleRef.get(TokenService).exchange(web, request({ grant_type: 'password', username: 'alice', password: 'alice-pw' }));
      expect(response.expires_in).toBe(42);
      await expect(moduleRef.get(AccessTokenVerifier).verify(response.access_token)).resolves.toMatchObject({ userId: 'user-alice' });
    } finally {
      await moduleRef.close();
    }
  });
});
