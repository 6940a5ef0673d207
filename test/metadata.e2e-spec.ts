import { ClientRepository } from '@nest-oauth/server';
import request from 'supertest';
import { createClient, startTestApp, type TestApp } from './support/test-app';

/** Authorization server metadata, RFC 8414. */
describe('GET /.well-known/oauth-authorization-server (RFC 8414)', () => {
  describe('without a configured issuer', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(() => t.close());

    it('derives the issuer from the request origin and lists the endpoints (§2, §3.2)', async () => {
      const response = await request(t.http).get('/.well-known/oauth-authorization-server').set('Host', 'auth.example.test:8443');
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).toMatchObject({
        issuer: 'http://auth.example.test:8443',
        token_endpoint: 'http://auth.example.test:8443/oauth/token',
        revocation_endpoint: 'http://auth.example.test:8443/oauth/revoke',
        introspection_endpoint: 'http://auth.example.test:8443/oauth/introspect',
        authorization_endpoint: 'http://auth.example.test:8443/oauth/authorize',
        grant_types_supported: ['password', 'refresh_token', 'client_credentials', 'authorization_code'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
        introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        response_types_supported: ['code'],
      });
    });

    it('leaves scopes_supported out unless configured (§2: RECOMMENDED), whatever the clients hold', async () => {
      const { body } = await request(t.http).get('/.well-known/oauth-authorization-server');
      expect(body).not.toHaveProperty('scopes_supported');
    });

    it('answers anonymous requests without reading the registered clients', async () => {
      const clients = t.app.get(ClientRepository);
      const reads = ['findById', 'list', 'create', 'delete'].map((method) => jest.spyOn(clients, method as keyof ClientRepository));
      try {
        const responses = await Promise.all(Array.from({ length: 20 }, () => request(t.http).get('/.well-known/oauth-authorization-server')));
        expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
        for (const read of reads) expect(read).not.toHaveBeenCalled();
      } finally {
        for (const read of reads) read.mockRestore();
      }
    });

    it('points at endpoints that exist', async () => {
      const { body } = await request(t.http).get('/.well-known/oauth-authorization-server');
      for (const endpoint of [body.token_endpoint, body.revocation_endpoint, body.introspection_endpoint]) {
        const response = await request(t.http).post(new URL(endpoint).pathname).type('form').send({});
        expect(response.status).toBe(401); // exists, and wants client authentication
      }
    });
  });

  describe('with OAUTH_ISSUER set', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ OAUTH_ISSUER: 'https://auth.example.com', OAUTH_SCOPES_SUPPORTED: 'read write' });
    });
    afterAll(() => t.close());

    it('uses the configured issuer whatever the Host header says (§2)', async () => {
      const response = await request(t.http).get('/.well-known/oauth-authorization-server').set('Host', 'evil.example');
      expect(response.body.issuer).toBe('https://auth.example.com');
      expect(response.body.token_endpoint).toBe('https://auth.example.com/oauth/token');
    });

    it('advertises the configured scopes, and a client registered later changes nothing', async () => {
      const before = await request(t.http).get('/.well-known/oauth-authorization-server');
      expect(before.body.scopes_supported).toEqual(['read', 'write']);
      await createClient(t.dataSource, { id: 'reports', secret: 's', grants: ['client_credentials'], scopes: ['reports'] });
      const after = await request(t.http).get('/.well-known/oauth-authorization-server');
      expect(after.body).toEqual(before.body);
    });
  });
});
