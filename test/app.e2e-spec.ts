import request from 'supertest';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { passwordGrant, startTestApp } from './support/test-app';

describe('the reference app', () => {
  it('answers GET /health when the app and its database are up', async () => {
    const t = await startTestApp();
    try {
      const response = await request(t.http).get('/health');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'ok', database: 'up' });
    } finally {
      await t.close();
    }
  });

  it('does not seed the demo credentials in production', async () => {
    const t = await startTestApp({ NODE_ENV: 'production' });
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
});
