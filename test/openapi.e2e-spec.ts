import request from 'supertest';
import { DEMO, startTestApp, type TestApp } from './support/test-app';

/**
 * The OpenAPI document at /docs-json and Swagger UI at /docs: the OAuth module's endpoints (described by the
 * module itself, merged by the app) and the app's own, with security schemes that let Swagger UI log in through
 * the password flow and call `/me`. test/docs-browser.e2e-spec.ts drives the page itself in a browser.
 */
describe('API documentation (/docs)', () => {
  let t: TestApp;
  let document: any;

  beforeAll(async () => {
    t = await startTestApp();
    const response = await request(t.http).get('/docs-json');
    expect(response.status).toBe(200);
    document = response.body;
  });
  afterAll(() => t.close());

  it('serves Swagger UI at /docs', async () => {
    const response = await request(t.http).get('/docs').redirects(1);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.text).toContain('swagger-ui');
  });

  it.each(['/docs', '/docs/', '/docs/swagger-ui-init.js', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui.css', '/docs-json', '/docs-yaml'])(
    'serves %s with a restrictive Content-Security-Policy, and framed by no page',
    async (path) => {
      const response = await request(t.http).get(path);
      expect(response.status).toBeLessThan(400);
      const policy = String(response.headers['content-security-policy']);
      expect(policy.split(/;\s*/)).toEqual(
        expect.arrayContaining([
          "default-src 'none'",
          "script-src 'self'",
          "connect-src 'self'",
          "frame-ancestors 'none'",
          "base-uri 'none'",
          "form-action 'self'",
        ]),
      );
      // Scripts from this origin only: no inline script, no eval, no other host.
      expect(policy).not.toMatch(/script-src[^;]*('unsafe-inline'|'unsafe-eval'|https?:|\*)/);
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    },
  );

  it('documents every route the app serves, and nothing else', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/.well-known/jwks.json',
      '/.well-known/oauth-authorization-server',
      '/.well-known/openid-configuration',
      '/health',
      '/me',
      '/oauth/authorize',
      '/oauth/authorize/consent',
      '/oauth/authorize/login',
      '/oauth/introspect',
      '/oauth/revoke',
      '/oauth/token',
      '/oauth/userinfo',
    ]);
  });

  it('describes the token, revocation and introspection endpoints as the module does: form bodies, Basic or body client auth', () => {
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
      const operation = document.paths[path].post;
      expect(Object.keys(operation.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
      expect(operation.security).toEqual([{ clientBasic: [] }, {}]);
      expect(operation.responses['401'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OAuthError' });
    }
    const token = document.paths['/oauth/token'].post;
    expect(token.requestBody.content['application/x-www-form-urlencoded'].schema).toEqual({ $ref: '#/components/schemas/OAuthTokenRequest' });
    expect(token.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/OAuthTokenResponse' });
    expect(document.components.schemas.OAuthTokenRequest.properties.grant_type.enum).toEqual([
      'password',
      'refresh_token',
      'client_credentials',
      'authorization_code',
    ]);
    // What the scanner inferred from the module's undecorated DTOs is replaced, not left beside.
    expect(Object.keys(document.components.schemas).filter((name) => !name.startsWith('OAuth'))).toEqual([]);
  });

  it('offers the OAuth2 password flow against the token endpoint, and Bearer, as security schemes', () => {
    expect(document.components.securitySchemes.oauth2).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/oauth/token', scopes: { read: expect.any(String), write: expect.any(String) } } },
    });
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.clientBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('protects GET /me with either scheme, the password flow asking for scope read', () => {
    const me = document.paths['/me'].get;
    expect(me.security).toEqual(expect.arrayContaining([{ oauth2: ['read'] }, { bearer: [] }]));
    expect(me.security).toHaveLength(2);
    expect(me.responses['200'].content['application/json'].schema.properties.email).toEqual({ type: 'string', format: 'email' });
  });

  it('refers only to schemas it defines', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(5);
    for (const name of refs) expect(document.components.schemas).toHaveProperty([name]);
  });

  /** The request Swagger UI's Authorize dialog sends for the password flow, per "Client credentials location". */
  const swaggerUiPasswordLogin = (location: 'basic' | 'request-body') => {
    const form = new URLSearchParams({ grant_type: 'password', username: DEMO.username, password: DEMO.password });
    const login = request(t.http)
      .post(document.components.securitySchemes.oauth2.flows.password.tokenUrl)
      .set('Accept', 'application/json, text/plain, */*')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .set('X-Requested-With', 'XMLHttpRequest');
    if (location === 'basic') {
      // Swagger UI's btoa(clientId + ":" + clientSecret), without RFC 6749's form-encoding of the two parts.
      login.set('Authorization', `Basic ${Buffer.from(`${DEMO.clientId}:${DEMO.clientSecret}`).toString('base64')}`);
    } else {
      form.set('client_id', DEMO.clientId);
      form.set('client_secret', DEMO.clientSecret);
    }
    return login.send(form.toString());
  };

  it.each(['basic', 'request-body'] as const)(
    'accepts the token request Swagger UI sends (client credentials: %s), and the token calls /me',
    async (location) => {
      const login = await swaggerUiPasswordLogin(location);
      expect(login.status).toBe(200);
      expect(login.body.token_type).toBe('bearer');
      const me = await request(t.http).get('/me').set('Authorization', `Bearer ${login.body.access_token}`);
      expect(me.status).toBe(200);
      expect(me.body.email).toBe(DEMO.username);
    },
  );
});
