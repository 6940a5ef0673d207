import { ConfigService } from '@nestjs/config';
import request from 'supertest';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { passwordGrant, startTestApp, TEST_HTTP_ADAPTER } from './support/test-app';

describe('the reference app', () => {
  it('answers GET /health when the app and its database are up', async () => {
    const t = await startTestApp();
    try {
      const response = await request(t.http).get('/health');
      expect(response.status).toBe(200);
      // Terminus's report; without REDIS_URL the rate limit is counted in this instance's memory.
      const rateLimits = { status: 'up', storage: 'local' };
      expect(response.body).toEqual({
        status: 'ok',
        info: { database: { status: 'up' }, rateLimits },
        error: {},
        details: { database: { status: 'up' }, rateLimits },
      });
    } finally {
      await t.close();
    }
  });

  it('answers GET /health with 503, naming the database, when the database is down', async () => {
    const t = await startTestApp();
    try {
      await t.dataSource.destroy();
      const response = await request(t.http).get('/health');
      expect(response.status).toBe(503);
      const rateLimits = { status: 'up', storage: 'local' };
      expect(response.body).toEqual({
        status: 'error',
        info: { rateLimits },
        error: { database: { status: 'down' } },
        details: { database: { status: 'down' }, rateLimits },
      });
    } finally {
      await t.close();
    }
  });

  it("takes the OAuth module's settings from @nestjs/config's ConfigService (forRootAsync)", async () => {
    const t = await startTestApp({ OAUTH_ACCESS_TOKEN_TTL: '1234' });
    try {
      expect(t.app.get(ConfigService).get('oauth.accessTokenTtl')).toBe(1234);
      // What the module was configured with is what the token endpoint answers.
      expect((await passwordGrant(t.http)).body.expires_in).toBe(1234);
    } finally {
      await t.close();
    }
  });

  it('does not seed the demo credentials in production', async () => {
    // Production requires an issuer (see production-start.e2e-spec.ts).
    const t = await startTestApp({ NODE_ENV: 'production', OAUTH_ISSUER: 'https://auth.example.com' });
    try {
      const response = await passwordGrant(t.http);
      expect(response.status).toBe(401);
      expect(response.body.error).toBe('invalid_client');
    } finally {
      await t.close();
    }
  });

  it('refuses to start with invalid configuration, naming every problem', () => {
    expect(() => loadAppConfig({ PORT: 'eighty', OAUTH_ACCESS_TOKEN_TTL: '-5', DATABASE_URL: 'mysql://x' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*OAUTH_ACCESS_TOKEN_TTL/,
    );
  });

  it('runs on Fastify unless HTTP_ADAPTER says express, and refuses any other platform', async () => {
    expect(loadAppConfig({}).httpAdapter).toBe('fastify');
    expect(loadAppConfig({ HTTP_ADAPTER: 'express' }).httpAdapter).toBe('express');
    expect(() => loadAppConfig({ HTTP_ADAPTER: 'koa' })).toThrow(/HTTP_ADAPTER must be one of express, fastify, got "koa"/);
    // The suite itself runs on the platform TEST_HTTP_ADAPTER names (npm run test:e2e:fastify), not silently on the default.
    const t = await startTestApp();
    try {
      expect(t.app.getHttpAdapter().getType()).toBe(TEST_HTTP_ADAPTER);
    } finally {
      await t.close();
    }
  });
});
