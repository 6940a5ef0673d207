import { type INestApplication, Module, VersioningType } from '@nestjs/common';
import { NestFactory, RouterModule } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { hashRandomSecret, OAuthModule, type OAuthModuleOptions } from '@nest-oauth/server';
import { InMemoryOAuthStore, OAuthInMemoryStorageModule } from '@nest-oauth/server/testing';
import { createLocalJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import request from 'supertest';
import { useFastifyFormBodies } from '../apps/api/src/fastify-form-body';
import { basicAuth, DEMO, initApp, passwordGrant, startTestApp, TEST_HTTP_ADAPTER, type TestApp } from './support/test-app';

jest.setTimeout(60_000);

const ISSUER = 'https://auth.example.com';
const METADATA = '.well-known/oauth-authorization-server';

type Http = TestApp['http'];

/** The metadata document served at `path`. */
async function metadataAt(http: Http, path: string): Promise<Record<string, string>> {
  const response = await request(http).get(path);
  expect({ path, status: response.status }).toEqual({ path, status: 200 });
  return response.body;
}

/** The path of an advertised endpoint on this server, checked to be under the issuer. */
function pathOf(url: string): string {
  expect(url.startsWith(`${ISSUER}/`)).toBe(true);
  return new URL(url).pathname;
}

/** Every advertised endpoint answers where the metadata says: it asks for client authentication, not a 404. */
async function expectEndpointsServed(http: Http, metadata: Record<string, string>): Promise<void> {
  for (const endpoint of [metadata.token_endpoint, metadata.revocation_endpoint, metadata.introspection_endpoint]) {
    const response = await request(http).post(pathOf(endpoint)).type('form').send({});
    expect({ endpoint, status: response.status }).toEqual({ endpoint, status: 401 });
  }
}

/** RFC 9068: the token names the metadata's issuer and verifies against the keys at its jwks_uri. */
async function expectJwtMatchesMetadata(http: Http, metadata: Record<string, string>, accessToken: string): Promise<void> {
  expect(decodeJwt(accessToken).iss).toBe(metadata.issuer);
  const jwks = await request(http).get(pathOf(metadata.jwks_uri));
  expect(jwks.status).toBe(200);
  const { payload } = await jwtVerify(accessToken, createLocalJWKSet(jwks.body), { issuer: metadata.issuer, typ: 'at+jwt' });
  expect(payload.iss).toBe(ISSUER);
}

/** A token request to the token endpoint at `path`. */
type TokenRequest = (http: Http, path: string) => request.Test;

const demoPasswordGrant: TokenRequest = (http, path) =>
  request(http)
    .post(path)
    .set('Authorization', DEMO.basic)
    .type('form')
    .send({ grant_type: 'password', username: DEMO.username, password: DEMO.password });

/**
 * What a client that discovers the server does: reads the metadata at `path`, then gets tokens from the token
 * endpoint it names. Returns the metadata and the token response's body.
 */
async function discoverAndGetTokens(
  http: Http,
  path: string,
  tokenRequest: TokenRequest,
): Promise<{ metadata: Record<string, string>; tokens: Record<string, string> }> {
  const metadata = await metadataAt(http, path);
  const response = await tokenRequest(http, pathOf(metadata.token_endpoint));
  expect({ token_endpoint: metadata.token_endpoint, status: response.status }).toEqual({ token_endpoint: metadata.token_endpoint, status: 200 });
  return { metadata, tokens: response.body };
}

describe("the reference app under app.setGlobalPrefix('api')", () => {
  const underPrefix = { beforeInit: (app: INestApplication) => app.setGlobalPrefix('api') };

  describe('with opaque tokens', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ OAUTH_ISSUER: ISSUER }, undefined, underPrefix);
    });
    afterAll(() => t.close());

    it('advertises the prefixed endpoints, and the token endpoint it names issues tokens', async () => {
      const { metadata, tokens } = await discoverAndGetTokens(t.http, `/api/${METADATA}`, demoPasswordGrant);
      expect(metadata).toMatchObject({
        issuer: ISSUER,
        token_endpoint: `${ISSUER}/api/oauth/token`,
        revocation_endpoint: `${ISSUER}/api/oauth/revoke`,
        introspection_endpoint: `${ISSUER}/api/oauth/introspect`,
      });
      expect(tokens).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), token_type: 'bearer' });
      await expectEndpointsServed(t.http, metadata);
      // Nothing is left at the unprefixed path the metadata used to name.
      expect((await passwordGrant(t.http)).status).toBe(404);
    });
  });

  describe('with JWT access tokens', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ OAUTH_ISSUER: ISSUER, OAUTH_ACCESS_TOKEN_FORMAT: 'jwt' }, undefined, underPrefix);
    });
    afterAll(() => t.close());

    it('names the prefixed jwks_uri, whose keys verify the tokens its token endpoint issues', async () => {
      const { metadata, tokens } = await discoverAndGetTokens(t.http, `/api/${METADATA}`, demoPasswordGrant);
      expect(metadata.jwks_uri).toBe(`${ISSUER}/api/.well-known/jwks.json`);
      await expectJwtMatchesMetadata(t.http, metadata, tokens.access_token);
    });
  });

  describe('with URI versioning on top', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ OAUTH_ISSUER: ISSUER }, undefined, {
        beforeInit: (app) => app.setGlobalPrefix('api').enableVersioning({ type: VersioningType.URI, defaultVersion: '2' }),
      });
    });
    afterAll(() => t.close());

    it('advertises the versioned paths, where the token endpoint issues tokens', async () => {
      const { metadata } = await discoverAndGetTokens(t.http, `/api/v2/${METADATA}`, demoPasswordGrant);
      expect(metadata.token_endpoint).toBe(`${ISSUER}/api/v2/oauth/token`);
      await expectEndpointsServed(t.http, metadata);
    });
  });

  describe('with the well-known documents excluded from the prefix', () => {
    let t: TestApp;

    beforeAll(async () => {
      t = await startTestApp({ OAUTH_ISSUER: ISSUER, OAUTH_ACCESS_TOKEN_FORMAT: 'jwt' }, undefined, {
        beforeInit: (app) => app.setGlobalPrefix('api', { exclude: [METADATA, '.well-known/jwks.json'] }),
      });
    });
    afterAll(() => t.close());

    it('serves the metadata where RFC 8414 §3 looks for it, naming the prefixed endpoints and the unprefixed jwks_uri', async () => {
      const { metadata, tokens } = await discoverAndGetTokens(t.http, `/${METADATA}`, demoPasswordGrant);
      expect(metadata).toMatchObject({ token_endpoint: `${ISSUER}/api/oauth/token`, jwks_uri: `${ISSUER}/.well-known/jwks.json` });
      await expectJwtMatchesMetadata(t.http, metadata, tokens.access_token);
      await expectEndpointsServed(t.http, metadata);
    });
  });
});

/**
 * Another team's app: the module mounted with `RouterModule.register([{ path: 'auth', module: OAuthModule }])`,
 * in-memory storage, and form bodies parsed as the README asks, on the platform the suite runs on.
 */
async function startRouterModuleApp(options: OAuthModuleOptions): Promise<INestApplication> {
  const store = new InMemoryOAuthStore();
  store.clients.set('orders', {
    id: 'orders',
    secretHash: hashRandomSecret('orders-secret'),
    name: null,
    grants: ['client_credentials'],
    scopes: ['orders:read'],
    defaultScopes: ['orders:read'],
  });

  @Module({
    imports: [
      OAuthModule.forRoot({ grantTypes: ['client_credentials'], ...options, storage: OAuthInMemoryStorageModule.register(store) }),
      RouterModule.register([{ path: 'auth', module: OAuthModule }]),
    ],
  })
  class HostModule {}

  let app: INestApplication;
  if (TEST_HTTP_ADAPTER === 'fastify') {
    const fastifyApp = await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter({ bodyLimit: 16 * 1024 }), {
      bodyParser: false,
      logger: false,
      abortOnError: false,
    });
    await useFastifyFormBodies(fastifyApp, 16 * 1024);
    app = fastifyApp;
  } else {
    const expressApp = await NestFactory.create<NestExpressApplication>(HostModule, { bodyParser: false, logger: false, abortOnError: false });
    expressApp.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
    app = expressApp;
  }
  await initApp(app);
  return app;
}

describe("a host app that mounts the module with RouterModule at 'auth'", () => {
  const clientCredentials: TokenRequest = (http, path) =>
    request(http).post(path).set('Authorization', basicAuth('orders', 'orders-secret')).type('form').send({ grant_type: 'client_credentials' });

  describe('with opaque tokens', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await startRouterModuleApp({ issuer: ISSUER });
    });
    afterAll(() => app.close());

    it('advertises the endpoints under the module path, and the token endpoint it names issues tokens', async () => {
      const { metadata, tokens } = await discoverAndGetTokens(app.getHttpServer(), `/auth/${METADATA}`, clientCredentials);
      expect(metadata).toMatchObject({
        issuer: ISSUER,
        token_endpoint: `${ISSUER}/auth/oauth/token`,
        revocation_endpoint: `${ISSUER}/auth/oauth/revoke`,
        introspection_endpoint: `${ISSUER}/auth/oauth/introspect`,
      });
      expect(tokens).toMatchObject({ access_token: expect.any(String), token_type: 'bearer', scope: 'orders:read' });
      await expectEndpointsServed(app.getHttpServer(), metadata);
    });
  });

  describe('with JWT access tokens', () => {
    let app: INestApplication;

    beforeAll(async () => {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      app = await startRouterModuleApp({
        issuer: ISSUER,
        accessTokenFormat: 'jwt',
        jwt: { privateKey: { ...(await exportJWK(privateKey)), alg: 'ES256' } },
      });
    });
    afterAll(() => app.close());

    it('names the jwks_uri under the module path, whose keys verify the tokens its token endpoint issues', async () => {
      const { metadata, tokens } = await discoverAndGetTokens(app.getHttpServer(), `/auth/${METADATA}`, clientCredentials);
      expect(metadata.jwks_uri).toBe(`${ISSUER}/auth/.well-known/jwks.json`);
      await expectJwtMatchesMetadata(app.getHttpServer(), metadata, tokens.access_token);
    });
  });
});
