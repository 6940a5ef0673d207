import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { BearerGuard, ClientRepository, OAuthModule } from '@nest-oauth/server';
import { InMemoryOAuthStore, OAuthTestingModule, OAuthTestingTokens } from '@nest-oauth/server/testing';
import { OAuthTypeOrmModule } from '@nest-oauth/server/typeorm';
import { listClients, registerClient, removeClient, rotateClientSecret } from '../src/clients/register-client.js';
import { createApp } from '../src/create-app.js';
import { UsersService } from '../src/users/users.service.js';

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  token_type: string;
  scope: string;
}

describe('the app, on the TypeORM storage, over HTTP', () => {
  let app: NestExpressApplication;
  let url: string;
  /** The shop client's secret, as the README's client administration hands it over. */
  let secret: string;

  beforeAll(async () => {
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = await app.getUrl();
    const generated = await registerClient(app);
    expect(generated).toEqual(expect.any(String));
    secret = generated!;
    await app.get(UsersService).register('ada', 'lovelace');
  });

  afterAll(async () => {
    await app?.close();
  });

  async function token(form: Record<string, string>): Promise<Response> {
    return fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`shop:${encodeURIComponent(secret)}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(form),
    });
  }

  const signIn = async (scope = 'orders:read') =>
    (await (await token({ grant_type: 'password', username: 'ada', password: 'lovelace', scope })).json()) as TokenResponse;

  const orders = (accessToken?: string) => fetch(`${url}/orders`, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });

  it('completes a password grant, a refresh and a scoped request', async () => {
    const issued = await token({ grant_type: 'password', username: 'ada', password: 'lovelace', scope: 'orders:read' });
    expect(issued.status).toBe(200);
    const first = (await issued.json()) as TokenResponse;
    expect(first).toMatchObject({ token_type: 'bearer', scope: 'orders:read' });

    const refreshed = await token({ grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(refreshed.status).toBe(200);
    const second = (await refreshed.json()) as TokenResponse;
    expect(second.scope).toBe('orders:read');
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);

    const response = await orders(second.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: 'order-1', owner: '1' }]);
  });

  it('refuses the route without a token, and with a token that lacks its scope', async () => {
    const anonymous = await orders();
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="oauth"');

    const writer = await signIn('orders:write');
    const forbidden = await orders(writer.access_token);
    expect(forbidden.status).toBe(403);
    expect(((await forbidden.json()) as { error: string }).error).toBe('insufficient_scope');
  });

  it('serves @Public() routes without a token', async () => {
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
  });

  it('registers the client once: a second run updates it and hands out no new secret', async () => {
    expect(await registerClient(app)).toBeNull();
    expect(await listClients(app)).toEqual([
      {
        id: 'shop',
        name: 'Shop',
        grants: ['password', 'refresh_token'],
        scopes: ['orders:read', 'orders:write'],
        defaultScopes: ['orders:read'],
        redirectUris: [],
        tokenEndpointAuthMethod: 'client_secret_basic',
        firstParty: false,
      },
    ]);
    expect((await token({ grant_type: 'password', username: 'ada', password: 'lovelace' })).status).toBe(200);
  });

  it("rotates the client's secret: the old secret and the tokens issued so far stop working", async () => {
    const before = await signIn();
    const next = await rotateClientSecret(app);
    expect(next).toEqual(expect.any(String));

    const withOldSecret = await token({ grant_type: 'password', username: 'ada', password: 'lovelace' });
    expect(withOldSecret.status).toBe(401);
    expect(((await withOldSecret.json()) as { error: string }).error).toBe('invalid_client');
    expect((await orders(before.access_token)).status).toBe(401);

    secret = next!;
    const after = await signIn();
    expect((await orders(after.access_token)).status).toBe(200);
    expect((await token({ grant_type: 'refresh_token', refresh_token: before.refresh_token })).status).toBe(400);
  });

  it('removes the client: its tokens stop working and it no longer authenticates', async () => {
    const last = await signIn();
    expect(await removeClient(app)).toBeGreaterThan(0);
    expect((await orders(last.access_token)).status).toBe(401);
    expect((await token({ grant_type: 'password', username: 'ada', password: 'lovelace' })).status).toBe(401);
    expect(await listClients(app)).toEqual([]);
  });
});

describe('the entry points', () => {
  it('share one copy of each class: the testing and typeorm entries build on the main entry', async () => {
    const testing = OAuthTestingModule.forRoot({ globalGuard: true });
    expect(testing.imports?.map((imported) => (imported as { module?: unknown }).module)).toContain(OAuthModule);
    expect(testing.providers).toContainEqual(expect.objectContaining({ useClass: BearerGuard }));
    const storage = OAuthTypeOrmModule.forFeature();
    expect(storage.providers).toContainEqual(expect.objectContaining({ provide: ClientRepository }));

    // A test seeds clients through the main entry's ClientRepository in an app built by the testing entry.
    const store = new InMemoryOAuthStore();
    const moduleRef = await Test.createTestingModule({ imports: [OAuthTestingModule.forRoot({ store })] }).compile();
    await moduleRef.get(ClientRepository).create({ id: 'seeded', secretHash: '', name: null, grants: [], scopes: [], defaultScopes: [] });
    expect(store.clients.has('seeded')).toBe(true);
    expect(moduleRef.get(OAuthTestingTokens).store).toBe(store);
    await moduleRef.close();
  });
});
