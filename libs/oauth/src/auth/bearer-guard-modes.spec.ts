import { Controller, Get, type INestApplication, type Type, UseGuards } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { hashRandomSecret } from '../crypto/secret-hash';
import { InMemoryOAuthStore } from '../testing/in-memory-oauth.store';
import { OAuthTestingModule, OAuthTestingTokens } from '../testing/oauth-testing.module';
import { BearerGuard } from './bearer.guard';
import type { OAuthPrincipal } from './oauth-principal.interface';
import { Principal } from './principal.decorator';
import { Public } from './public.decorator';
import { RequireUser } from './require-user.decorator';
import { Scopes } from './scopes.decorator';

/** BearerGuard per route, per controller and as a global guard with `@Public()`, and the typed `@Principal()`. */

@Controller('per-route')
class PerRouteController {
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('guarded')
  @UseGuards(BearerGuard)
  @Scopes('read')
  guarded(@Principal('userId') userId: string | null) {
    return { userId };
  }
}

@Controller('per-controller')
@UseGuards(BearerGuard)
@Scopes('read')
class PerControllerController {
  @Get()
  read(@Principal() principal: OAuthPrincipal) {
    return { scopes: principal.scopes };
  }

  /** A method's `@Scopes()` replaces the controller's. */
  @Get('write')
  @Scopes('write')
  write() {
    return { written: true };
  }

  @Get('mine')
  @RequireUser()
  mine(@Principal('userId') userId: string | null, @Principal('clientId') clientId: string) {
    return { userId, clientId };
  }
}

/** Under a global guard: protected by default, `@Public()` per route. */
@Controller('global')
@Scopes('read')
class GlobalController {
  @Get()
  read(@Principal('scopes') scopes: string[]) {
    return { scopes };
  }

  @Get('admin')
  @Scopes('admin')
  admin() {
    return { admin: true };
  }

  @Get('open')
  @Public()
  open() {
    return { open: true };
  }

  /** A public route has no principal: asking for one is a programming error, not a 401. */
  @Get('open-with-principal')
  @Public()
  openWithPrincipal(@Principal() principal: OAuthPrincipal) {
    return principal;
  }
}

/** `@Public()` on a controller opens all of its routes, even those with `@Scopes()`. */
@Controller('status')
@Public()
class StatusController {
  @Get()
  @Scopes('read')
  status() {
    return { up: true };
  }
}

const CLIENT = { id: 'web', secret: 's3cret' };

async function start(controllers: Type<unknown>[], globalGuard: boolean): Promise<{ app: INestApplication; mint: OAuthTestingTokens['mint'] }> {
  const store = new InMemoryOAuthStore();
  store.clients.set(CLIENT.id, {
    id: CLIENT.id,
    secretHash: hashRandomSecret(CLIENT.secret),
    name: null,
    grants: ['client_credentials'],
    scopes: ['read'],
    defaultScopes: ['read'],
  });
  const moduleRef = await Test.createTestingModule({
    imports: [OAuthTestingModule.forRoot({ store })],
    controllers,
    providers: globalGuard ? [{ provide: APP_GUARD, useClass: BearerGuard }] : [],
  }).compile();
  const app = await moduleRef.createNestApplication({ logger: false }).init();
  const tokens = app.get(OAuthTestingTokens);
  return { app, mint: (input) => tokens.mint(input) };
}

const bearer = (token: string) => `Bearer ${token}`;

describe('BearerGuard on one route', () => {
  let app: INestApplication;
  let mint: OAuthTestingTokens['mint'];
  beforeAll(async () => ({ app, mint } = await start([PerRouteController], false)));
  afterAll(() => app.close());

  it('guards only that route', async () => {
    expect((await request(app.getHttpServer()).get('/per-route/open')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/per-route/guarded')).status).toBe(401);
  });

  it("enforces the route's scopes and hands over the principal's fields", async () => {
    const reader = await mint({ userId: '1', scopes: ['read'] });
    const writer = await mint({ userId: '1', scopes: ['write'] });
    const ok = await request(app.getHttpServer()).get('/per-route/guarded').set('Authorization', bearer(reader));
    expect(ok.body).toEqual({ userId: '1' });
    expect((await request(app.getHttpServer()).get('/per-route/guarded').set('Authorization', bearer(writer))).status).toBe(403);
  });
});

describe('BearerGuard on a controller', () => {
  let app: INestApplication;
  let mint: OAuthTestingTokens['mint'];
  beforeAll(async () => ({ app, mint } = await start([PerControllerController], false)));
  afterAll(() => app.close());

  it("guards every route with the controller's scopes", async () => {
    expect((await request(app.getHttpServer()).get('/per-controller')).status).toBe(401);
    const reader = await mint({ userId: '1', scopes: ['read'] });
    const response = await request(app.getHttpServer()).get('/per-controller').set('Authorization', bearer(reader));
    expect(response.body).toEqual({ scopes: ['read'] });
  });

  it("lets a method's @Scopes() replace the controller's", async () => {
    const reader = await mint({ userId: '1', scopes: ['read'] });
    const writer = await mint({ userId: '1', scopes: ['write'] });
    expect((await request(app.getHttpServer()).get('/per-controller/write').set('Authorization', bearer(reader))).status).toBe(403);
    expect((await request(app.getHttpServer()).get('/per-controller/write').set('Authorization', bearer(writer))).status).toBe(200);
  });

  it('combines with @RequireUser()', async () => {
    const client = await mint({ userId: null, scopes: ['read'] });
    const user = await mint({ userId: '9', clientId: 'app', scopes: ['read'] });
    expect((await request(app.getHttpServer()).get('/per-controller/mine').set('Authorization', bearer(client))).status).toBe(403);
    const response = await request(app.getHttpServer()).get('/per-controller/mine').set('Authorization', bearer(user));
    expect(response.body).toEqual({ userId: '9', clientId: 'app' });
  });
});

describe('BearerGuard as a global guard (APP_GUARD) with @Public()', () => {
  let app: INestApplication;
  let mint: OAuthTestingTokens['mint'];
  beforeAll(async () => ({ app, mint } = await start([GlobalController, StatusController], true)));
  afterAll(() => app.close());

  it('protects every route that is not @Public()', async () => {
    const noToken = await request(app.getHttpServer()).get('/global');
    expect(noToken.status).toBe(401);
    expect(noToken.headers['www-authenticate']).toMatch(/^Bearer/);
    const reader = await mint({ userId: '1', scopes: ['read'] });
    expect((await request(app.getHttpServer()).get('/global').set('Authorization', bearer(reader))).body).toEqual({ scopes: ['read'] });
  });

  it('combines with @Scopes() on the controller and on the route', async () => {
    const reader = await mint({ userId: '1', scopes: ['read'] });
    const admin = await mint({ userId: '1', scopes: ['admin'] });
    expect((await request(app.getHttpServer()).get('/global').set('Authorization', bearer(admin))).status).toBe(403);
    expect((await request(app.getHttpServer()).get('/global/admin').set('Authorization', bearer(reader))).status).toBe(403);
    expect((await request(app.getHttpServer()).get('/global/admin').set('Authorization', bearer(admin))).status).toBe(200);
  });

  it('lets @Public() routes and controllers through without a token, and ignores a bad one there', async () => {
    expect((await request(app.getHttpServer()).get('/global/open')).body).toEqual({ open: true });
    expect((await request(app.getHttpServer()).get('/global/open').set('Authorization', 'Bearer nonsense')).status).toBe(200);
    expect((await request(app.getHttpServer()).get('/status')).body).toEqual({ up: true });
  });

  it('refuses to hand a principal to a @Public() route (a programming error: 500, not a fake principal)', async () => {
    expect((await request(app.getHttpServer()).get('/global/open-with-principal')).status).toBe(500);
  });

  it("keeps the module's own endpoints reachable without an access token", async () => {
    const token = await request(app.getHttpServer())
      .post('/oauth/token')
      .auth(CLIENT.id, CLIENT.secret)
      .type('form')
      .send({ grant_type: 'client_credentials' });
    expect(token.status).toBe(200);
    const introspection = await request(app.getHttpServer())
      .post('/oauth/introspect')
      .auth(CLIENT.id, CLIENT.secret)
      .type('form')
      .send({ token: token.body.access_token });
    expect(introspection.body.active).toBe(true);
    const revocation = await request(app.getHttpServer())
      .post('/oauth/revoke')
      .auth(CLIENT.id, CLIENT.secret)
      .type('form')
      .send({ token: token.body.access_token });
    expect(revocation.status).toBe(200);
    expect((await request(app.getHttpServer()).get('/.well-known/oauth-authorization-server')).status).toBe(200);
    // Not found because the tokens are opaque, not because the guard asked for a token.
    expect((await request(app.getHttpServer()).get('/.well-known/jwks.json')).status).toBe(404);
  });
});

describe('@Principal() typing', () => {
  it('accepts the fields of OAuthPrincipal and nothing else', () => {
    expect(() => Principal('userId')).not.toThrow();
    expect(() => Principal()).not.toThrow();
    // @ts-expect-error: not a field of OAuthPrincipal
    Principal('username');
  });
});
