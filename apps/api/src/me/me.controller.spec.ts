import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { OAuthTestingModule, OAuthTestingTokens } from '@nest-oauth/server/testing';
import request from 'supertest';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { MeController } from './me.controller';

/** MeController's guard, scopes and user requirement, on in-memory OAuth storage and a fake user store: no database. */
describe('MeController (GET /me)', () => {
  const ada = {
    id: 7,
    email: 'ada@example.org',
    passwordHash: 'scrypt$...',
    firstname: 'Ada',
    lastname: 'Lovelace',
    roles: ['USER'],
    disabled: false,
  } as User;
  const users = { findById: async (id: number) => (id === ada.id ? ada : null) };
  let app: INestApplication;
  let tokens: OAuthTestingTokens;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [OAuthTestingModule.forRoot()],
      controllers: [MeController],
      providers: [{ provide: UsersService, useValue: users }],
    }).compile();
    app = await moduleRef.createNestApplication({ logger: false }).init();
    tokens = app.get(OAuthTestingTokens);
  });
  afterAll(() => app.close());

  const me = (token?: string) => {
    const call = request(app.getHttpServer()).get('/me');
    return token === undefined ? call : call.set('Authorization', `Bearer ${token}`);
  };

  it("shows the token's user, without the password hash", async () => {
    const response = await me(await tokens.mint({ userId: '7', scopes: ['read'] }));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: 7, email: 'ada@example.org', firstname: 'Ada', lastname: 'Lovelace', roles: ['USER'] });
  });

  it('answers 401 without a token', async () => {
    const response = await me();
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm=/);
  });

  it('answers 403 insufficient_scope to a token without the read scope', async () => {
    const response = await me(await tokens.mint({ userId: '7', scopes: ['write'] }));
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('insufficient_scope');
    expect(response.headers['www-authenticate']).toMatch(/scope="read"/);
  });

  it('answers 403 to a client token (no user behind it), even with the read scope', async () => {
    const response = await me(await tokens.mint({ userId: null, scopes: ['read'] }));
    expect(response.status).toBe(403);
    expect(response.body.error).toBe('insufficient_scope');
  });

  it('answers 401 invalid_token once the user behind the token is gone', async () => {
    const response = await me(await tokens.mint({ userId: '99', scopes: ['read'] }));
    expect(response.status).toBe(401);
    expect(response.body.error).toBe('invalid_token');
  });
});
