import { Controller, Get, Injectable, type INestApplication, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { exportJWK, generateKeyPair } from 'jose';
import request from 'supertest';
import { AccessTokenVerifier } from '../auth/access-token.verifier';
import { BearerGuard } from '../auth/bearer.guard';
import { Principal } from '../auth/principal.decorator';
import { Scopes } from '../auth/scopes.decorator';
import type { OAuthPrincipal } from '../auth/oauth-principal.interface';
import { hashRandomSecret } from '../crypto/secret-hash';
import { GrantRepository } from '../repositories/grant.repository';
import { UserLookup, type OAuthSubject } from '../repositories/user-lookup';
import { InMemoryOAuthStore } from './in-memory-oauth.store';
import { OAuthTestingModule, OAuthTestingTokens } from './oauth-testing.module';

@Controller('orders')
@UseGuards(BearerGuard)
class OrdersController {
  @Get()
  @Scopes('orders:read')
  list(@Principal() principal: OAuthPrincipal) {
    return { userId: principal.userId, clientId: principal.clientId };
  }
}

@Injectable()
class OneUserLookup extends UserLookup {
  async verifyCredentials(username: string, password: string): Promise<OAuthSubject | null> {
    return username === 'ada' && password === 'lovelace' ? { id: '7', username } : null;
  }

  async findById(id: string): Promise<OAuthSubject | null> {
    return id === '7' ? { id, username: 'ada' } : null;
  }
}

/** A controller of an app that installs BearerGuard globally: no @UseGuards of its own. */
@Controller('profile')
class ProfileController {
  @Get()
  @Scopes('profile')
  show(@Principal('userId') userId: string) {
    return { userId };
  }
}

async function start(imports: Parameters<typeof Test.createTestingModule>[0]['imports']): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports, controllers: [OrdersController] }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  return app.init();
}

describe('OAuthTestingModule', () => {
  let app: INestApplication;
  afterEach(() => app?.close());

  it('mints tokens that BearerGuard accepts, with the given user, client and scopes', async () => {
    app = await start([OAuthTestingModule.forRoot()]);
    const tokens = app.get(OAuthTestingTokens);
    const token = await tokens.mint({ userId: '42', scopes: ['orders:read'] });

    const response = await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ userId: '42', clientId: 'test-client' });

    const principal = await app.get(AccessTokenVerifier).verify(token);
    expect(principal).toMatchObject({ userId: '42', clientId: 'test-client', scopes: ['orders:read'] });
    expect(tokens.store.grants.size).toBe(1);
  });

  it('mints client tokens (no user) and honours another client id', async () => {
    app = await start([OAuthTestingModule.forRoot()]);
    const token = await app.get(OAuthTestingTokens).mint({ userId: null, clientId: 'reporting', scopes: ['orders:read'] });
    const response = await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(response.body).toEqual({ userId: null, clientId: 'reporting' });
  });

  it('makes a token without the route scope fail with 403 insufficient_scope, and no token with 401', async () => {
    app = await start([OAuthTestingModule.forRoot()]);
    const token = await app.get(OAuthTestingTokens).mint({ userId: '42', scopes: ['orders:write'] });
    const forbidden = await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${token}`);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error).toBe('insufficient_scope');
    expect((await request(app.getHttpServer()).get('/orders')).status).toBe(401);
  });

  it('revokes minted tokens like any other', async () => {
    app = await start([OAuthTestingModule.forRoot()]);
    const tokens = app.get(OAuthTestingTokens);
    const token = await tokens.mint({ userId: '42', scopes: ['orders:read'] });
    await app.get(GrantRepository).revokeAllForUser('42', 'test', new Date());
    expect((await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${token}`)).status).toBe(401);
  });

  it('mints JWT access tokens when the module is configured for them', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    app = await start([
      OAuthTestingModule.forRoot({ accessTokenFormat: 'jwt', issuer: 'https://issuer.test', jwt: { privateKey: await exportJWK(privateKey) } }),
    ]);
    const token = await app.get(OAuthTestingTokens).mint({ userId: '42', scopes: ['orders:read'] });
    expect(token.split('.')).toHaveLength(3);
    expect((await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  });

  it('runs the real token endpoint on the given user lookup and a seeded store', async () => {
    const store = new InMemoryOAuthStore();
    store.clients.set('web', {
      id: 'web',
      secretHash: hashRandomSecret('s3cret'),
      name: null,
      grants: ['password'],
      scopes: ['orders:read'],
      defaultScopes: ['orders:read'],
    });
    app = await start([OAuthTestingModule.forRoot({ userLookup: OneUserLookup, store })]);
    const token = await request(app.getHttpServer())
      .post('/oauth/token')
      .auth('web', 's3cret')
      .type('form')
      .send({ grant_type: 'password', username: 'ada', password: 'lovelace' });
    expect(token.status).toBe(200);
    const orders = await request(app.getHttpServer()).get('/orders').set('Authorization', `Bearer ${token.body.access_token}`);
    expect(orders.body).toEqual({ userId: '7', clientId: 'web' });
  });

  it('knows no users by default, so the password grant refuses everyone', async () => {
    const store = new InMemoryOAuthStore();
    store.clients.set('web', {
      id: 'web',
      secretHash: hashRandomSecret('s3cret'),
      name: null,
      grants: ['password'],
      scopes: ['a'],
      defaultScopes: ['a'],
    });
    app = await start([OAuthTestingModule.forRoot({ store })]);
    const response = await request(app.getHttpServer())
      .post('/oauth/token')
      .auth('web', 's3cret')
      .type('form')
      .send({ grant_type: 'password', username: 'ada', password: 'lovelace' });
    expect(response.status).toBe(400);
    expect(response.body.error).toBe('invalid_grant');
  });

  it('guards every route with globalGuard, as an app whose AppModule installs BearerGuard globally', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [OAuthTestingModule.forRoot({ globalGuard: true })],
      controllers: [ProfileController],
    }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    const mint = (scopes: string[]) => app.get(OAuthTestingTokens).mint({ userId: '42', scopes });

    const allowed = await request(app.getHttpServer())
      .get('/profile')
      .set('Authorization', `Bearer ${await mint(['profile'])}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body).toEqual({ userId: '42' });
    expect(
      (
        await request(app.getHttpServer())
          .get('/profile')
          .set('Authorization', `Bearer ${await mint(['other'])}`)
      ).status,
    ).toBe(403);
    expect((await request(app.getHttpServer()).get('/profile')).status).toBe(401);
  });
});
