import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OAUTH_OPENAPI_SECURITY, oauthOpenApi } from './oauth-openapi';

const LIBRARY_ROOT = join(__dirname, '..');

/** Every .ts file of the library, specs excepted. */
function librarySources(dir = LIBRARY_ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return librarySources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('oauthOpenApi', () => {
  it('leaves OpenAPI generation to the host: nothing in the library imports @nestjs/swagger', () => {
    const importing = librarySources().filter((file) => /from ['"]@nestjs\/swagger|require\(['"]@nestjs\/swagger/.test(readFileSync(file, 'utf8')));
    expect(importing).toEqual([]);
    expect(readFileSync(join(LIBRARY_ROOT, '../package.json'), 'utf8')).not.toContain('@nestjs/swagger');
  });

  it('describes the token, revocation, introspection, metadata and JWKS endpoints', () => {
    const { paths } = oauthOpenApi();
    expect(Object.keys(paths).sort()).toEqual([
      '/.well-known/jwks.json',
      '/.well-known/oauth-authorization-server',
      '/oauth/introspect',
      '/oauth/revoke',
      '/oauth/token',
    ]);
    for (const path of ['/oauth/token', '/oauth/revoke', '/oauth/introspect']) {
      const operation = paths[path].post as any;
      expect(Object.keys(operation.requestBody.content)).toEqual(['application/x-www-form-urlencoded']);
      // client_secret_basic, or client_secret_post (nothing in the Authorization header).
      expect(operation.security).toEqual([{ [OAUTH_OPENAPI_SECURITY.clientBasic]: [] }, {}]);
      // The hash limiter's refusal, which any client-authenticated request may meet.
      expect(operation.responses['503'].description).toContain('temporarily_unavailable');
      expect(Object.keys(operation.responses['503'].headers)).toContain('Retry-After');
    }
  });

  it('offers the password flow against the token endpoint with the given scopes, and Bearer', () => {
    const { securitySchemes } = oauthOpenApi({ scopes: { read: 'Read' } }).components;
    expect(securitySchemes[OAUTH_OPENAPI_SECURITY.oauth2]).toMatchObject({
      type: 'oauth2',
      flows: { password: { tokenUrl: '/oauth/token', refreshUrl: '/oauth/token', scopes: { read: 'Read' } } },
    });
    expect(securitySchemes[OAUTH_OPENAPI_SECURITY.bearer]).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(securitySchemes[OAUTH_OPENAPI_SECURITY.clientBasic]).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('applies a path prefix to every path and to the token URL', () => {
    const described = oauthOpenApi({ pathPrefix: '/api/' });
    expect(Object.keys(described.paths).every((path) => path.startsWith('/api/'))).toBe(true);
    expect(described.paths).toHaveProperty(['/api/oauth/token']);
    expect((described.components.securitySchemes.oauth2 as any).flows.password.tokenUrl).toBe('/api/oauth/token');
  });

  it('is plain JSON whose every schema reference resolves', () => {
    const described = oauthOpenApi();
    expect(JSON.parse(JSON.stringify(described))).toEqual(described);
    const refs = [...JSON.stringify(described).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(described.components.schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
  });

  it('returns a fresh copy each time, so a host may change what it gets', () => {
    const first = oauthOpenApi();
    (first.paths['/oauth/token'] as any).post.responses['401'].headers['WWW-Authenticate'].description = 'changed';
    (first.components.securitySchemes.oauth2 as any).flows.password.scopes.extra = 'x';
    expect((oauthOpenApi().paths['/oauth/revoke'] as any).post.responses['401'].headers['WWW-Authenticate'].description).not.toBe('changed');
    expect((oauthOpenApi().components.securitySchemes.oauth2 as any).flows.password.scopes).toEqual({});
  });
});
