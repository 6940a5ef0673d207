import { OAuthClientAdminService } from '@nest-oauth/server';
import request from 'supertest';
import { basicAuth, startTestApp, type TestApp } from './support/test-app';

/** The library's client administration on the real app and its real storage (sqlite, or PostgreSQL). */
describe('client administration (OAuthClientAdminService) on the real storage', () => {
  jest.setTimeout(60_000);

  let t: TestApp;
  let admin: OAuthClientAdminService;

  beforeAll(async () => {
    t = await startTestApp();
    admin = t.app.get(OAuthClientAdminService);
  });

  afterAll(() => t?.close());

  it('keeps every one of concurrent changes to one client: each writes only over what it read, and re-reads otherwise', async () => {
    await admin.create({ id: 'busy', grants: ['password'], scopes: ['read'] });
    const results = await Promise.all([
      admin.update('busy', { name: 'Busy app' }),
      admin.update('busy', { grants: ['password', 'client_credentials'] }),
      admin.update('busy', { scopes: ['read', 'write'] }),
      admin.rotateSecret('busy'),
    ]);
    const secret = (results[3] as { generatedSecret: string }).generatedSecret;
    expect(await admin.find('busy')).toEqual({
      id: 'busy',
      name: 'Busy app',
      grants: ['password', 'client_credentials'],
      scopes: ['read', 'write'],
      defaultScopes: ['read'],
      redirectUris: [],
      tokenEndpointAuthMethod: 'client_secret_basic',
      firstParty: false,
    });

    const granted = await request(t.http)
      .post('/oauth/token')
      .set('Authorization', basicAuth('busy', secret))
      .type('form')
      .send({ grant_type: 'client_credentials', scope: 'write' });
    expect({ status: granted.status, scope: granted.body.scope }).toEqual({ status: 200, scope: 'write' });
  });

  it('stores a client with a space and a colon in its id, which the app then authenticates', async () => {
    const { generatedSecret } = await admin.create({ id: 'a x:%41+y', grants: ['client_credentials'], scopes: ['read'] });
    const granted = await request(t.http)
      .post('/oauth/token')
      .set('Authorization', basicAuth('a x:%41+y', generatedSecret!))
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(granted.status).toBe(200);
    const rows = await t.sql<{ id: string; secret_hash: string }>('SELECT id, secret_hash FROM oauth_clients WHERE id = ?', ['a x:%41+y']);
    expect(rows).toHaveLength(1);
    expect(rows[0].secret_hash).not.toContain(generatedSecret);
  });
});
