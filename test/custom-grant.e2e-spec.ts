import { Controller, Get, Injectable, type INestApplication, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  BearerGuard,
  type GrantHandler,
  OAuthClientAdminService,
  OAuthError,
  OAuthGrantRegistry,
  OAuthModule,
  type OAuthModuleOptions,
  type OAuthPrincipal,
  type OAuthSubject,
  Principal,
  oauthOpenApi,
  resolveScope,
  TokenIssuer,
  type TokenRequestDto,
  TokenRequestParameters,
  type OAuthClient,
  type TokenResponse,
  UserLookup,
} from '@nest-oauth/server';
import { OAuthTypeOrmModule } from '@nest-oauth/server/typeorm';
import request from 'supertest';
import { loadAppConfig } from '../apps/api/src/config/app-config';
import { dataSourceOptions } from '../apps/api/src/database/data-source-options';
import { useFastifyFormBodies } from '../apps/api/src/fastify-form-body';
import { basicAuth, initApp, TEST_HTTP_ADAPTER } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/*
 * A host registers a grant type of its own (RFC 6749 §4.5) with the `grantHandlers` extra, in a small app built
 * around the library (not the reference app), and a client completes it over HTTP.
 */

const DEMO_GRANT = 'urn:example:params:oauth:grant-type:demo';
/** What the token endpoint accepts by default: every registered grant type, the built-in ones first. */
const ENABLED = ['password', 'refresh_token', 'client_credentials', 'authorization_code', DEMO_GRANT];

/** The host's own state the grant checks: one-time codes, each standing for a user. */
@Injectable()
class DemoCodes {
  private readonly codes = new Map<string, string>();

  issue(code: string, userId: string): void {
    this.codes.set(code, userId);
  }

  redeem(code: string): string | null {
    const userId = this.codes.get(code) ?? null;
    this.codes.delete(code);
    return userId;
  }
}

@Module({ providers: [DemoCodes], exports: [DemoCodes] })
class DemoCodesModule {}

/** The host's users, as the library sees them (a refresh checks that the user still exists). */
@Injectable()
class DemoUsers extends UserLookup {
  async verifyCredentials(): Promise<OAuthSubject | null> {
    return null;
  }

  async findById(id: string): Promise<OAuthSubject | null> {
    return id.startsWith('user-') ? { id, username: id } : null;
  }
}

/** An extension grant: a one-time `demo_code` (a parameter the library does not know) for the user it stands for. */
@Injectable()
class DemoGrant implements GrantHandler {
  static readonly grantType = DEMO_GRANT;
  readonly grantType = DemoGrant.grantType;

  constructor(
    private readonly issuer: TokenIssuer,
    private readonly codes: DemoCodes,
  ) {}

  async handle(request: TokenRequestDto, client: OAuthClient, parameters: TokenRequestParameters): Promise<TokenResponse> {
    const code = parameters.require('demo_code');
    const scope = resolveScope(request.scope, client.scopes, client.defaultScopes);
    const userId = this.codes.redeem(code);
    if (!userId) throw OAuthError.invalidGrant('The demo_code is invalid or was already used');
    return this.issuer.issueForNewGrant({ grantType: this.grantType, client, userId, scope, refreshable: true });
  }
}

@Controller('whoami')
@UseGuards(BearerGuard)
class WhoAmIController {
  @Get()
  who(@Principal() principal: OAuthPrincipal) {
    return { userId: principal.userId, clientId: principal.clientId, scopes: principal.scopes };
  }
}

/** The host app: its database, its own module, and the OAuth module with the host's grant. */
async function startHostApp(database: TestDatabase, options: OAuthModuleOptions = {}): Promise<INestApplication> {
  @Module({
    imports: [
      TypeOrmModule.forRoot({ ...dataSourceOptions(loadAppConfig(database.env)), migrationsRun: true }),
      DemoCodesModule,
      OAuthModule.forRoot({
        tokenRateLimit: 0,
        ...options,
        storage: OAuthTypeOrmModule.forFeature(),
        userLookup: DemoUsers,
        grantHandlers: [DemoGrant],
        imports: [DemoCodesModule],
      }),
    ],
    controllers: [WhoAmIController],
  })
  class HostModule {}

  let app: INestApplication;
  if (TEST_HTTP_ADAPTER === 'fastify') {
    const fastifyApp = await NestFactory.create<NestFastifyApplication>(HostModule, new FastifyAdapter(), {
      logger: false,
      bodyParser: false,
      abortOnError: false,
    });
    await useFastifyFormBodies(fastifyApp, 16 * 1024);
    app = fastifyApp;
  } else {
    const expressApp = await NestFactory.create<NestExpressApplication>(HostModule, { logger: false, bodyParser: false, abortOnError: false });
    expressApp.useBodyParser('urlencoded', { extended: false, limit: '16kb' });
    app = expressApp;
  }
  await initApp(app);
  return app;
}

describe('a grant type of the host (RFC 6749 §4.5), registered with grantHandlers', () => {
  jest.setTimeout(60_000);

  let database: TestDatabase;
  let app: INestApplication;
  let deviceSecret: string;
  let plainSecret: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startHostApp(database);
    const admin = app.get(OAuthClientAdminService);
    // Client administration takes the host's grant type like a built-in one.
    deviceSecret = (await admin.create({ id: 'device', grants: [DEMO_GRANT, 'refresh_token'], scopes: ['read', 'write'], defaultScopes: ['read'] }))
      .generatedSecret!;
    plainSecret = (await admin.create({ id: 'plain', grants: ['client_credentials'], scopes: ['read'] })).generatedSecret!;
  });

  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  const token = (clientId: string, secret: string, fields: Record<string, string | string[]>) =>
    request(app.getHttpServer()).post('/oauth/token').set('Authorization', basicAuth(clientId, secret)).type('form').send(fields);

  it("issues tokens for its own parameter, which work on the host's guarded route and refresh like any other", async () => {
    app.get(DemoCodes).issue('code-1', 'user-7');
    const granted = await token('device', deviceSecret, { grant_type: DEMO_GRANT, demo_code: 'code-1', scope: 'write' });
    expect(granted.status).toBe(200);
    expect(granted.body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      refresh_token: expect.any(String),
      expires_in: 3600,
      scope: 'write',
    });
    expect(granted.headers['cache-control']).toBe('no-store');

    const who = await request(app.getHttpServer()).get('/whoami').set('Authorization', `Bearer ${granted.body.access_token}`);
    expect(who.body).toEqual({ userId: 'user-7', clientId: 'device', scopes: ['write'] });

    const refreshed = await token('device', deviceSecret, { grant_type: 'refresh_token', refresh_token: granted.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect((await request(app.getHttpServer()).get('/whoami').set('Authorization', `Bearer ${refreshed.body.access_token}`)).body.userId).toBe(
      'user-7',
    );

    // The handler's own rules hold: the code was single-use.
    const again = await token('device', deviceSecret, { grant_type: DEMO_GRANT, demo_code: 'code-1' });
    expect({ status: again.status, error: again.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
  });

  it('answers a missing or repeated extension parameter with invalid_request (RFC 6749 §3.2, §5.2)', async () => {
    app.get(DemoCodes).issue('code-2', 'user-8');
    const missing = await token('device', deviceSecret, { grant_type: DEMO_GRANT });
    expect({ status: missing.status, body: missing.body }).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'The demo_code parameter is missing' },
    });
    const repeated = await token('device', deviceSecret, { grant_type: DEMO_GRANT, demo_code: ['code-2', 'code-2'] });
    expect({ status: repeated.status, body: repeated.body }).toEqual({
      status: 400,
      body: { error: 'invalid_request', error_description: 'The demo_code parameter was sent more than once' },
    });
    // Neither request used the code up.
    expect((await token('device', deviceSecret, { grant_type: DEMO_GRANT, demo_code: 'code-2' })).status).toBe(200);
  });

  it('answers unauthorized_client to a client not allowed the grant, before the handler runs', async () => {
    app.get(DemoCodes).issue('code-3', 'user-9');
    const refused = await token('plain', plainSecret, { grant_type: DEMO_GRANT, demo_code: 'code-3' });
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'unauthorized_client' });
    // The code is still unused: the handler never saw the request.
    expect((await token('device', deviceSecret, { grant_type: DEMO_GRANT, demo_code: 'code-3' })).status).toBe(200);
  });

  it('lists the grant type in the metadata (RFC 8414 grant_types_supported) and in the OpenAPI description', async () => {
    const metadata = await request(app.getHttpServer()).get('/.well-known/oauth-authorization-server');
    expect(metadata.body.grant_types_supported).toEqual(ENABLED);

    const enabled = app.get(OAuthGrantRegistry).enabledGrantTypes;
    expect(enabled).toEqual(ENABLED);
    const document = oauthOpenApi({ grantTypes: enabled });
    const tokenRequest = document.components.schemas.OAuthTokenRequest as { properties: { grant_type: { enum: string[] } } };
    expect(tokenRequest.properties.grant_type.enum).toEqual(enabled);
    expect(JSON.stringify(document.paths['/oauth/token'])).toContain(`\`${DEMO_GRANT}\` (an extension grant, §4.5)`);
  });

  it('is unsupported_grant_type where grantTypes leaves it out, yet still a grant type a client may be given', async () => {
    const narrowed = await startHostApp(database, { grantTypes: ['client_credentials'] });
    try {
      narrowed.get(DemoCodes).issue('code-4', 'user-10');
      const refused = await request(narrowed.getHttpServer())
        .post('/oauth/token')
        .set('Authorization', basicAuth('device', deviceSecret))
        .type('form')
        .send({ grant_type: DEMO_GRANT, demo_code: 'code-4' });
      expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'unsupported_grant_type' });
      expect((await request(narrowed.getHttpServer()).get('/.well-known/oauth-authorization-server')).body.grant_types_supported).toEqual([
        'client_credentials',
      ]);
      await expect(narrowed.get(OAuthClientAdminService).update('plain', { grants: ['client_credentials', DEMO_GRANT] })).resolves.toMatchObject({
        grants: ['client_credentials', DEMO_GRANT],
      });
      // Without the authorization code grant there is no authorization endpoint: no login form, no sessions.
      const http = narrowed.getHttpServer();
      expect((await request(http).get('/oauth/authorize').query({ response_type: 'code', client_id: 'plain' })).status).toBe(404);
      expect((await request(http).post('/oauth/authorize/login').type('form').send({ username: 'a', password: 'b' })).status).toBe(404);
      expect((await request(http).post('/oauth/authorize/consent').type('form').send({ decision: 'allow' })).status).toBe(404);
    } finally {
      await narrowed.close();
    }
  });
});
