import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { hashRandomSecret } from '@nest-oauth/server';
import { OAuthClientEntity } from '@nest-oauth/server/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadAppConfig } from '../../apps/api/src/config/app-config';
import { createApp } from '../../apps/api/src/create-app';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, portableSql, type TestDatabase } from './test-database';

export const DEMO = {
  clientId: 'breakout_app',
  clientSecret: '123456789',
  username: 'admin@break-out.org',
  password: 'password',
  /** The seed's `Authorization: Basic BASE64ENCODEDCLIENTCREDENTIALS`. */
  basic: `Basic ${Buffer.from('breakout_app:123456789').toString('base64')}`,
};

/**
 * The HTTP platform the suite runs on, passed to the app as `HTTP_ADAPTER`: `TEST_HTTP_ADAPTER=fastify` (what
 * `npm run test:e2e:fastify` sets), Express otherwise.
 */
export const TEST_HTTP_ADAPTER = process.env.TEST_HTTP_ADAPTER || 'express';

/** `app.init()`, then on Fastify `ready()`, without which `getHttpServer()` answers no request. */
export async function initApp(app: INestApplication): Promise<void> {
  await app.init();
  if (app.getHttpAdapter().getType() === 'fastify') await (app.getHttpAdapter().getInstance() as { ready(): Promise<unknown> }).ready();
}

export interface TestApp {
  app: INestApplication;
  http: ReturnType<INestApplication['getHttpServer']>;
  dataSource: DataSource;
  /** The database this app runs on; pass it to `startTestApp` again to start a second instance on it. */
  database: TestDatabase;
  /** Raw SQL with `?` placeholders, on whichever database the suite runs. */
  sql<T = Record<string, unknown>>(query: string, parameters?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * Boots the real app, as main.ts does, on a fresh database of its own (see `createTestDatabase`), or on
 * `shared.database` to run a second instance beside another. `env` overrides the environment the app reads. Password hashing runs at a low cost so the suite stays quick, and the per-IP rate
 * limit is off because every test request comes from 127.0.0.1 (the rate-limit spec turns it on); everything
 * else is the production configuration.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  shared?: { database: TestDatabase },
  {
    beforeInit,
  }: {
    /** What a host does to the app between creating and initialising it, e.g. `setGlobalPrefix()`. */ beforeInit?: (app: INestApplication) => void;
  } = {},
): Promise<TestApp> {
  const database = shared?.database ?? (await createTestDatabase());
  const keyDir = mkdtempSync(join(tmpdir(), 'oauth-keys-'));
  const config = loadAppConfig({
    ...database.env,
    HTTP_ADAPTER: TEST_HTTP_ADAPTER,
    PASSWORD_HASH_COST: '10',
    OAUTH_TOKEN_RATE_LIMIT: '0',
    OAUTH_JWT_KEY_FILE: join(keyDir, 'jwt-signing-keys.json'),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  beforeInit?.(app);
  await initApp(app);
  const dataSource = app.get<DataSource>(getDataSourceToken());
  return {
    app,
    http: app.getHttpServer(),
    dataSource,
    database,
    sql: (query, parameters) => dataSource.query(portableSql(query), parameters),
    close: async () => {
      await app.close();
      // The instance that created the database removes it; one started on a shared database leaves it be.
      if (!shared) await database.drop();
      rmSync(keyDir, { recursive: true, force: true });
    },
  };
}

/** HTTP Basic credentials as RFC 6749 §2.3.1 wants them: each part form-urlencoded, then base64. */
export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

/** Registers an extra client straight in the database, as an operator would. */
export async function createClient(
  dataSource: DataSource,
  client: { id: string; secret: string; grants: string[]; scopes: string[]; defaultScopes?: string[] },
): Promise<void> {
  await dataSource.getRepository(OAuthClientEntity).insert({
    id: client.id,
    secretHash: hashRandomSecret(client.secret),
    name: null,
    grants: client.grants.join(' '),
    scopes: client.scopes.join(' '),
    defaultScopes: (client.defaultScopes ?? client.scopes).join(' '),
    createdAt: new Date(),
  });
}

/** A password grant for the demo user with the demo client. */
export function passwordGrant(http: TestApp['http'], fields: Record<string, string> = {}, authorization = DEMO.basic) {
  return request(http)
    .post('/oauth/token')
    .set('Authorization', authorization)
    .type('form')
    .send({ grant_type: 'password', username: DEMO.username, password: DEMO.password, ...fields });
}

export function refreshGrant(http: TestApp['http'], refreshToken: string, fields: Record<string, string> = {}, authorization = DEMO.basic) {
  return request(http)
    .post('/oauth/token')
    .set('Authorization', authorization)
    .type('form')
    .send({ grant_type: 'refresh_token', refresh_token: refreshToken, ...fields });
}

/** RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E. */
export function expectOAuthError(response: request.Response, status: number, error: string): void {
  expect({ status: response.status, error: response.body.error }).toEqual({ status, error });
  expect(Object.keys(response.body).sort()).toEqual(['error', 'error_description']);
  expect(response.body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]+$/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['pragma']).toBe('no-cache');
}
