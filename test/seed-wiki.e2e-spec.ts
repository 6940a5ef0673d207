import request from 'supertest';
import { DEMO, startTestApp, type TestApp } from './support/test-app';

/** The three requests of the originating wiki page, byte for byte, against the app as `npm start` runs it. */
describe('the seed wiki flow', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const passwordRequest = () =>
    request(t.http)
      .post('/oauth/token')
      .set('Authorization', DEMO.basic)
      .set('Accept', 'application/json')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('Connection', 'close')
      .send('username=admin%40break-out.org&password=password&grant_type=password&scope=read+write');

  it('gets an access and refresh token (RFC 6749 §4.3, §5.1)', async () => {
    const response = await passwordRequest();

    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['access_token', 'token_type', 'refresh_token', 'expires_in', 'scope']);
    expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 43200, scope: 'read write' });
    // 256 random bits, base64url: 43 characters.
    expect(response.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['pragma']).toBe('no-cache');
  });

  it('uses the access token on GET /me/ and GET /me', async () => {
    const { body: tokens } = await passwordRequest();

    for (const path of ['/me/', '/me']) {
      const response = await request(t.http)
        .get(path)
        .set('Authorization', `Bearer ${tokens.access_token}`)
        .set('Content-Type', 'application/json')
        .set('Connection', 'close');
      expect(response.status).toBe(200);
      expect(Object.keys(response.body).sort()).toEqual(['email', 'firstname', 'id', 'lastname', 'roles']);
      expect(response.body).toMatchObject({ email: DEMO.username, roles: expect.arrayContaining(['USER']) });
    }
  });

  it('gets a new access token with the refresh token, which then stops working (RFC 6749 §6, RFC 9700 §4.14.2)', async () => {
    const { body: first } = await passwordRequest();
    const refresh = () =>
      request(t.http)
        .post('/oauth/token')
        .set('Authorization', DEMO.basic)
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .set('Connection', 'close')
        .send(`refresh_token=${first.refresh_token}&grant_type=refresh_token`);

    const response = await refresh();
    expect(response.status).toBe(200);
    expect(Object.keys(response.body)).toEqual(['access_token', 'token_type', 'refresh_token', 'expires_in', 'scope']);
    expect(response.body).toMatchObject({ token_type: 'bearer', scope: 'read write' });
    expect(response.body.access_token).not.toBe(first.access_token);
    expect(response.body.refresh_token).not.toBe(first.refresh_token);

    const me = await request(t.http).get('/me/').set('Authorization', `Bearer ${response.body.access_token}`);
    expect(me.status).toBe(200);

    const again = await refresh();
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
  });
});
