import { Injectable } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { AccessTokenVerifier } from '../auth/access-token.verifier';
import { verifySecret } from '../crypto/secret-hash';
import type { GrantHandler } from '../grants/grant-handler.interface';
import { ClientRepository, type OAuthClient } from '../repositories/client.repository';
import { ConsentRepository } from '../repositories/consent.repository';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { OAuthInMemoryStorageModule } from '../testing/oauth-in-memory-storage.module';
import { OAuthTestingModule, OAuthTestingTokens } from '../testing/oauth-testing.module';
import type { TokenResponse } from '../token/token-response';
import { OAuthClientAdminError } from './oauth-client-admin.error';
import { OAuthClientAdminModule } from './oauth-client-admin.module';
import { OAuthClientAdminService, type NewOAuthClient } from './oauth-client-admin.service';

const DEMO_GRANT = 'urn:example:params:oauth:grant-type:demo';

/** A host's grant: registered, so client administration must accept it as a client's grant. */
@Injectable()
class DemoGrant implements GrantHandler {
  static readonly grantType = DEMO_GRANT;
  readonly grantType = DemoGrant.grantType;

  async handle(): Promise<TokenResponse> {
    throw new Error('not called here');
  }
}

/** RFC 6749 Appendix A: every VSCHAR (%x20-7E), and every NQCHAR (%x21 / %x23-5B / %x5D-7E). */
const ALL_VSCHARS = String.fromCharCode(...Array.from({ length: 0x7f - 0x20 }, (_, i) => 0x20 + i));
const ALL_NQCHARS = ALL_VSCHARS.replace(/[ "\\]/g, '');

describe('OAuthClientAdminService', () => {
  let moduleRef: TestingModule;
  let store: InMemoryOAuthStore;
  let admin: OAuthClientAdminService;

  beforeEach(async () => {
    store = new InMemoryOAuthStore();
    moduleRef = await Test.createTestingModule({
      imports: [OAuthTestingModule.forRoot({ store, clientSecretHash: { cost: 10 }, accessTokenCacheSeconds: 60, grantHandlers: [DemoGrant] })],
    }).compile();
    admin = moduleRef.get(OAuthClientAdminService);
  });

  afterEach(() => moduleRef.close());

  const client = (overrides: Partial<NewOAuthClient> = {}): NewOAuthClient => ({
    id: 'web',
    grants: ['password'],
    scopes: ['read', 'write'],
    ...overrides,
  });

  /** The error a call fails with, which must be an invalid_input naming `field`. */
  async function refusal(call: Promise<unknown>, field: string): Promise<OAuthClientAdminError> {
    const error = await call.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(OAuthClientAdminError);
    expect(error).toMatchObject({ code: 'invalid_input', field, name: 'OAuthClientAdminError' });
    return error as OAuthClientAdminError;
  }

  describe('create: the examples of the issue, against RFC 6749 Appendix A', () => {
    it('accepts the client id "bad:id": a colon is a VSCHAR, and RFC 6749 §2.3.1 form-encodes ids for Basic', async () => {
      await admin.create(client({ id: 'bad:id' }));
      expect(store.clients.get('bad:id')?.id).toBe('bad:id');
    });

    it('refuses the scope "a b" (a space is no NQCHAR) instead of storing it as two scopes', async () => {
      const error = await refusal(admin.create(client({ scopes: ['a b'] })), 'scopes');
      expect(error.message).toContain('"a b"');
      expect(error.message).toContain('RFC 6749 section 3.3');
      expect(store.clients.size).toBe(0);
    });

    it('refuses a grant type nobody registered, and default scopes outside the scopes', async () => {
      expect((await refusal(admin.create(client({ grants: ['password', 'implicit'] })), 'grants')).message).toMatch(
        /unknown grant type "implicit"; allowed: password, refresh_token, client_credentials, authorization_code, urn:example:params:oauth:grant-type:demo/,
      );
      expect((await refusal(admin.create(client({ defaultScopes: ['read', 'admin'] })), 'defaultScopes')).message).toMatch(
        /admin not among the scopes \(read write\)/,
      );
      expect(store.clients.size).toBe(0);
    });

    it('never stores the secret itself: a generated one is returned once, and only its digest is kept', async () => {
      const created = await admin.create(client());
      expect(created.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const stored = store.clients.get('web')!;
      expect(stored.secretHash).toMatch(/^sha256\$/);
      expect(JSON.stringify([...store.clients.values()])).not.toContain(created.generatedSecret);
      expect(await verifySecret(created.generatedSecret!, stored.secretHash)).toBe(true);
      // Nothing the service answers afterwards carries the secret or its hash.
      for (const view of [created.client, await admin.find('web'), ...(await admin.list())]) {
        expect(view).not.toHaveProperty('secretHash');
        expect(JSON.stringify(view)).not.toContain(created.generatedSecret);
      }
    });
  });

  describe('create: client ids (RFC 6749 Appendix A.1, VSCHAR, 1 to 128)', () => {
    it.each([
      ['spaces, a colon, percent and plus', 'a x:%41+y'],
      ['every VSCHAR', ALL_VSCHARS],
      ['a single space', ' '],
      ['128 characters', 'x'.repeat(128)],
    ])('accepts %s, stored exactly as given', async (_case, id) => {
      await admin.create(client({ id }));
      expect(await admin.find(id)).toMatchObject({ id });
    });

    it.each([
      ['empty', ''],
      ['129 characters', 'x'.repeat(129)],
      ['a non-ASCII letter', 'café'],
      ['a tab', 'a\tb'],
      ['a line break', 'a\nb'],
      ['NUL', 'a\u0000b'],
      ['DEL', 'a\u007fb'],
      ['not a string', 42 as unknown as string],
    ])('refuses %s', async (_case, id) => {
      expect((await refusal(admin.create(client({ id })), 'id')).message).toContain('RFC 6749 Appendix A.1');
      expect(store.clients.size).toBe(0);
    });
  });

  describe('create: scopes (RFC 6749 §3.3, scope-token = 1*NQCHAR)', () => {
    it('accepts every NQCHAR, drops repeats, and makes all scopes the default ones unless told otherwise', async () => {
      const { client: created } = await admin.create(client({ scopes: [ALL_NQCHARS, 'read', 'read'] }));
      expect(created).toMatchObject({ scopes: [ALL_NQCHARS, 'read'], defaultScopes: [ALL_NQCHARS, 'read'] });
    });

    it('accepts default scopes among the scopes, none at all, and a client with no grants or scopes (a resource server that introspects)', async () => {
      expect((await admin.create(client({ id: 'a', defaultScopes: ['read'] }))).client.defaultScopes).toEqual(['read']);
      expect((await admin.create(client({ id: 'b', defaultScopes: [] }))).client.defaultScopes).toEqual([]);
      expect((await admin.create({ id: 'rs', grants: [], scopes: [] })).client).toEqual({
        id: 'rs',
        name: null,
        grants: [],
        scopes: [],
        defaultScopes: [],
        redirectUris: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        firstParty: false,
      });
    });

    it.each([
      ['a double quote', 'say"hi'],
      ['a backslash', 'a\\b'],
      ['a space', 'a b'],
      ['a tab', 'a\tb'],
      ['a non-ASCII letter', 'lecture'.replace('e', 'é')],
      ['an empty token', ''],
    ])('refuses a scope with %s', async (_case, scope) => {
      await refusal(admin.create(client({ scopes: ['read', scope] })), 'scopes');
      await refusal(admin.create(client({ defaultScopes: [scope] })), 'defaultScopes');
      expect(store.clients.size).toBe(0);
    });

    it('refuses scopes given as one string rather than a list', async () => {
      await refusal(admin.create(client({ scopes: 'read write' as unknown as string[] })), 'scopes');
      await refusal(admin.create(client({ scopes: ['read', 7 as unknown as string] })), 'scopes');
    });
  });

  describe('create: grants, names and secrets', () => {
    it("accepts every registered grant type, the host's too, and drops repeats", async () => {
      const { client: created } = await admin.create(client({ grants: ['password', 'refresh_token', 'client_credentials', DEMO_GRANT, 'password'] }));
      expect(created.grants).toEqual(['password', 'refresh_token', 'client_credentials', DEMO_GRANT]);
    });

    it.each([['Password'], ['implicit'], ['urn:example:params:oauth:grant-type:other'], ['']])('refuses the grant type %j', async (grant) => {
      await refusal(admin.create(client({ grants: [grant] })), 'grants');
    });

    it('trims a name, stores a blank one as none, and refuses control characters and more than 255 characters', async () => {
      expect((await admin.create(client({ id: 'a', name: '  Mobile app ' }))).client.name).toBe('Mobile app');
      expect((await admin.create(client({ id: 'b', name: '   ' }))).client.name).toBeNull();
      expect((await admin.create(client({ id: 'c', name: 'x'.repeat(255) }))).client.name).toHaveLength(255);
      for (const name of ['x'.repeat(256), 'bell\u0007', 'esc\u001b[2J', 'c1\u0085']) await refusal(admin.create(client({ id: 'd', name })), 'name');
    });

    it('stores a given secret with scrypt at clientSecretHash, returns no secret, and refuses a secret outside VSCHAR without echoing it', async () => {
      const created = await admin.create(client({ secret: 'a typed secret!' }));
      expect(created.generatedSecret).toBeNull();
      const stored = store.clients.get('web')!;
      expect(stored.secretHash).toMatch(/^scrypt\$10\$/);
      expect(await verifySecret('a typed secret!', stored.secretHash)).toBe(true);

      for (const secret of ['', 'sécret', 'line\nbreak', 'x'.repeat(513)]) {
        const error = await refusal(admin.create(client({ id: 'other', secret })), 'secret');
        if (secret.length > 0) expect(error.message).not.toContain(secret);
      }
      expect(store.clients.has('other')).toBe(false);
    });

    it('refuses an id that is taken with client_exists, and keeps the existing client and its secret', async () => {
      const first = await admin.create(client());
      await expect(admin.create(client({ scopes: ['other'], secret: 'other secret' }))).rejects.toMatchObject({
        code: 'client_exists',
        message: 'A client with id "web" already exists',
      });
      const stored = store.clients.get('web')!;
      expect(stored.scopes).toEqual(['read', 'write']);
      expect(await verifySecret(first.generatedSecret!, stored.secretHash)).toBe(true);
    });
  });

  describe('create and update: redirect URIs, public clients, first party', () => {
    it('stores redirect URIs as given, and refuses one with a fragment, a relative one, or http on a public host', async () => {
      const uris = ['https://app.example.com/cb', 'http://127.0.0.1/cb', 'com.example.app:/oauth'];
      const { client: created } = await admin.create(client({ redirectUris: uris }));
      expect(created.redirectUris).toEqual(uris);
      expect(store.clients.get('web')!.redirectUris).toEqual(uris);
      for (const uri of ['https://app.example.com/cb#x', '/cb', 'http://app.example.com/cb', 'javascript:alert(1)']) {
        const error = await refusal(admin.create(client({ id: 'other', redirectUris: [uri] })), 'redirectUris');
        expect(error.message).toContain(JSON.stringify(uri));
      }
      await refusal(admin.create(client({ id: 'other', redirectUris: 'https://app.example.com/cb' as unknown as string[] })), 'redirectUris');
      await refusal(
        admin.create(client({ id: 'other', redirectUris: Array.from({ length: 21 }, (_, i) => `https://a.example/${i}`) })),
        'redirectUris',
      );
      expect(store.clients.has('other')).toBe(false);
    });

    it('refuses the authorization_code grant without a redirect URI, on create and on update', async () => {
      expect((await refusal(admin.create(client({ grants: ['authorization_code'] })), 'redirectUris')).message).toMatch(
        /needs at least one redirect URI/,
      );
      await admin.create(client({ grants: ['authorization_code'], redirectUris: ['https://app.example.com/cb'] }));
      await refusal(admin.update('web', { redirectUris: [] }), 'redirectUris');
      expect(store.clients.get('web')!.redirectUris).toEqual(['https://app.example.com/cb']);
      const spa = await admin.create(
        client({
          id: 'spa',
          tokenEndpointAuthMethod: 'none',
          grants: ['authorization_code', 'refresh_token'],
          redirectUris: ['http://127.0.0.1/cb'],
        }),
      );
      expect(spa.client.grants).toEqual(['authorization_code', 'refresh_token']);
    });

    it('registers a public client without a secret, and refuses it any grant but authorization_code and refresh_token', async () => {
      const created = await admin.create(
        client({ tokenEndpointAuthMethod: 'none', grants: ['refresh_token'], redirectUris: ['http://127.0.0.1/cb'] }),
      );
      expect(created.generatedSecret).toBeNull();
      expect(created.client.tokenEndpointAuthMethod).toBe('none');
      expect(store.clients.get('web')!.secretHash).toBe('');

      const publicClient = (overrides: Partial<NewOAuthClient>) =>
        client({ id: 'spa', tokenEndpointAuthMethod: 'none', grants: ['refresh_token'], ...overrides });
      expect((await refusal(admin.create(publicClient({ grants: ['password'] })), 'grants')).message).toMatch(/public client may use only/);
      await refusal(admin.create(publicClient({ grants: ['client_credentials'] })), 'grants');
      await refusal(admin.create(publicClient({ secret: 'a secret' })), 'secret');
      await refusal(admin.create(publicClient({ tokenEndpointAuthMethod: 'private_key_jwt' as 'none' })), 'tokenEndpointAuthMethod');
      await refusal(admin.update('web', { grants: ['password'] }), 'grants');
      await refusal(admin.update('web', { tokenEndpointAuthMethod: 'client_secret_basic' }), 'tokenEndpointAuthMethod');
      await refusal(admin.rotateSecret('web'), 'secret');
      expect(store.clients.get('web')!.secretHash).toBe('');
    });

    it('keeps a confidential client confidential, switches it between basic and post, and marks it first party', async () => {
      await admin.create(client());
      await refusal(admin.update('web', { tokenEndpointAuthMethod: 'none' }), 'tokenEndpointAuthMethod');
      expect((await admin.update('web', { tokenEndpointAuthMethod: 'client_secret_post', firstParty: true })).tokenEndpointAuthMethod).toBe(
        'client_secret_post',
      );
      expect(store.clients.get('web')!.firstParty).toBe(true);
      await refusal(admin.update('web', { firstParty: 'yes' as unknown as boolean }), 'firstParty');
    });
  });

  describe('update', () => {
    it('changes grants, scopes, default scopes and name, checking each, and keeps what is not given', async () => {
      await admin.create(client({ name: 'Web' }));
      const before = store.clients.get('web')!.secretHash;
      const updated = await admin.update('web', { grants: ['client_credentials', DEMO_GRANT], scopes: ['read', 'admin'], defaultScopes: ['admin'] });
      expect(updated).toEqual({
        id: 'web',
        name: 'Web',
        grants: ['client_credentials', DEMO_GRANT],
        scopes: ['read', 'admin'],
        defaultScopes: ['admin'],
        redirectUris: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        firstParty: false,
        revokedGrants: 0,
      });
      expect(store.clients.get('web')).toEqual({ ...updated, revokedGrants: undefined, secretHash: before });
      expect((await admin.update('web', { name: '' })).name).toBeNull();

      await refusal(admin.update('web', { grants: ['implicit'] }), 'grants');
      await refusal(admin.update('web', { scopes: ['a b'] }), 'scopes');
      await refusal(admin.update('web', { defaultScopes: ['write'] }), 'defaultScopes');
      // The current default scope (admin) would fall outside the new scopes.
      expect((await refusal(admin.update('web', { scopes: ['read'] }), 'defaultScopes')).message).toMatch(
        /admin not among the scopes \(read\); change the default scopes too/,
      );
      expect(store.clients.get('web')!.scopes).toEqual(['read', 'admin']);
    });

    it('answers client_not_found for an unknown client', async () => {
      await expect(admin.update('nobody', { name: 'x' })).rejects.toMatchObject({ code: 'client_not_found', message: 'No client with id "nobody"' });
    });

    it('keeps both of two concurrent updates: the later one re-reads instead of overwriting the earlier', async () => {
      await admin.create(client());
      await Promise.all([
        admin.update('web', { name: 'Renamed' }),
        admin.update('web', { grants: ['client_credentials'] }),
        admin.rotateSecret('web'),
      ]);
      expect(store.clients.get('web')).toMatchObject({ name: 'Renamed', grants: ['client_credentials'], scopes: ['read', 'write'] });
    });

    it("revokes the client's grants only when asked, and then its tokens stop at once, the access-token cache included", async () => {
      await admin.create(client());
      const tokens = moduleRef.get(OAuthTestingTokens);
      const verifier = moduleRef.get(AccessTokenVerifier);
      const token = await tokens.mint({ userId: '1', clientId: 'web', scopes: ['write'] });
      expect(await verifier.verify(token)).not.toBeNull();

      expect((await admin.update('web', { scopes: ['read'], defaultScopes: ['read'] })).revokedGrants).toBe(0);
      expect(await verifier.verify(token)).not.toBeNull();
      expect((await admin.update('web', { name: 'x' }, { revokeGrants: true })).revokedGrants).toBe(1);
      expect(await verifier.verify(token)).toBeNull();
    });
  });

  describe('rotateSecret', () => {
    it('replaces the secret: the old one stops verifying, the new one (generated, or given) does', async () => {
      const { generatedSecret: first } = await admin.create(client());
      const rotated = await admin.rotateSecret('web');
      expect(rotated.generatedSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(rotated.generatedSecret).not.toBe(first);
      expect(rotated.client).not.toHaveProperty('secretHash');
      let stored = store.clients.get('web')!;
      expect(await verifySecret(first!, stored.secretHash)).toBe(false);
      expect(await verifySecret(rotated.generatedSecret!, stored.secretHash)).toBe(true);

      expect((await admin.rotateSecret('web', { secret: 'chosen one' })).generatedSecret).toBeNull();
      stored = store.clients.get('web')!;
      expect(stored.secretHash).toMatch(/^scrypt\$10\$/);
      expect(await verifySecret('chosen one', stored.secretHash)).toBe(true);
      await refusal(admin.rotateSecret('web', { secret: 'tab\there' }), 'secret');
      await expect(admin.rotateSecret('nobody')).rejects.toMatchObject({ code: 'client_not_found' });
    });

    it('leaves the tokens alone unless revokeGrants', async () => {
      await admin.create(client());
      const verifier = moduleRef.get(AccessTokenVerifier);
      const token = await moduleRef.get(OAuthTestingTokens).mint({ userId: '1', clientId: 'web', scopes: ['read'] });
      expect((await admin.rotateSecret('web')).revokedGrants).toBe(0);
      expect(await verifier.verify(token)).not.toBeNull();
      expect((await admin.rotateSecret('web', { revokeGrants: true })).revokedGrants).toBe(1);
      expect(await verifier.verify(token)).toBeNull();
    });
  });

  describe('delete', () => {
    it("deletes the client and revokes its grants, so its tokens stop at once even when this instance had cached them; other clients' stay", async () => {
      await admin.create(client());
      await admin.create(client({ id: 'other' }));
      const tokens = moduleRef.get(OAuthTestingTokens);
      const verifier = moduleRef.get(AccessTokenVerifier);
      const mine = [
        await tokens.mint({ userId: '1', clientId: 'web', scopes: ['read'] }),
        await tokens.mint({ userId: null, clientId: 'web', scopes: ['read'] }),
      ];
      const theirs = await tokens.mint({ userId: '1', clientId: 'other', scopes: ['read'] });
      for (const token of [...mine, theirs]) expect(await verifier.verify(token)).not.toBeNull();

      expect(await admin.delete('web')).toEqual({ revokedGrants: 2 });

      expect(store.clients.has('web')).toBe(false);
      for (const token of mine) expect(await verifier.verify(token)).toBeNull();
      expect(await verifier.verify(theirs)).not.toBeNull();
      expect([...store.grants.values()].filter((grant) => grant.clientId === 'web').map((grant) => grant.revokedReason)).toEqual([
        'client deleted',
        'client deleted',
      ]);
      await expect(admin.delete('web')).rejects.toMatchObject({ code: 'client_not_found' });
    });

    it("forgets the users' consents to the client, so a client registered later under its id asks again; other clients' stay", async () => {
      await admin.create(client());
      await admin.create(client({ id: 'other' }));
      const consents = moduleRef.get(ConsentRepository);
      const at = new Date();
      await consents.save({ userId: '1', clientId: 'web', scope: ['read'], updatedAt: at });
      await consents.save({ userId: '2', clientId: 'web', scope: ['read'], updatedAt: at });
      await consents.save({ userId: '1', clientId: 'other', scope: ['read'], updatedAt: at });
      await admin.delete('web');
      expect(await consents.find('1', 'web')).toBeNull();
      expect(await consents.find('2', 'web')).toBeNull();
      expect(await consents.find('1', 'other')).not.toBeNull();
    });

    it('revokes what an interrupted delete left: grants of a client that is already gone', async () => {
      const token = await moduleRef.get(OAuthTestingTokens).mint({ userId: '1', clientId: 'gone', scopes: ['read'] });
      await expect(admin.delete('gone')).rejects.toMatchObject({ code: 'client_not_found' });
      expect(await moduleRef.get(AccessTokenVerifier).verify(token)).toBeNull();
    });
  });
});

describe('OAuthClientAdminModule', () => {
  it("serves client administration alone, with the host's grant types and the given hashing cost, and re-exports the storage", async () => {
    const store = new InMemoryOAuthStore();
    const moduleRef = await Test.createTestingModule({
      imports: [
        OAuthClientAdminModule.register({
          storage: OAuthInMemoryStorageModule.register(store),
          grantHandlers: [DemoGrant],
          clientSecretHash: { cost: 11 },
        }),
      ],
    }).compile();
    try {
      const admin = moduleRef.get(OAuthClientAdminService);
      await admin.create({ id: 'tool', secret: 'typed secret', grants: [DEMO_GRANT, 'password'], scopes: ['read'] });
      expect(store.clients.get('tool')).toMatchObject<Partial<OAuthClient>>({
        grants: [DEMO_GRANT, 'password'],
        secretHash: expect.stringMatching(/^scrypt\$11\$/),
      });
      await expect(admin.create({ id: 'x', grants: ['implicit'], scopes: [] })).rejects.toMatchObject({ code: 'invalid_input', field: 'grants' });
      expect(moduleRef.get(ClientRepository)).toBeDefined();
      // Nothing to revoke tokens from in this process: the delete still revokes the stored grants.
      await expect(admin.delete('tool')).resolves.toEqual({ revokedGrants: 0 });
    } finally {
      await moduleRef.close();
    }
  });
});
