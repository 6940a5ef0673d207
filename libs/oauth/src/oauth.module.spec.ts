import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AccessTokenVerifier } from './auth/access-token.verifier';
import { BearerGuard } from './auth/bearer.guard';
import { Principal } from './auth/principal.decorator';
import { MisconfigurationError } from './errors/misconfiguration.error';
import { OAuthModule } from './oauth.module';
import { GrantRepository } from './repositories/grant.repository';
import { OAuthInMemoryStorageModule } from './testing/oauth-in-memory-storage.module';
import { OAuthTestingTokens } from './testing/oauth-testing.module';

/** A feature module that imports nothing of the OAuth module, yet injects what it exports. */
@Injectable()
class SessionsService {
  constructor(
    readonly grants: GrantRepository,
    readonly verifier: AccessTokenVerifier,
  ) {}
}

@Controller('feature')
@UseGuards(BearerGuard)
class FeatureController {
  @Get()
  who(@Principal('userId') userId: string | null) {
    return { userId };
  }
}

@Module({ providers: [SessionsService], controllers: [FeatureController] })
class FeatureModule {}

const oauth = (isGlobal?: boolean) =>
  OAuthModule.forRoot({
    grantTypes: ['client_credentials'],
    storage: OAuthInMemoryStorageModule.register(),
    ...(isGlobal === undefined ? {} : { isGlobal }),
  });

describe('OAuthModule registration', () => {
  it('with isGlobal: true, serves its exports (repositories, verifier) and BearerGuard to modules that do not import it', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [oauth(true), FeatureModule] }).compile();
    const app = await moduleRef.createNestApplication({ logger: false }).init();
    try {
      const sessions = app.get(SessionsService);
      expect(sessions.grants).toBeInstanceOf(GrantRepository);
      expect(sessions.verifier).toBeInstanceOf(AccessTokenVerifier);
      expect((await request(app.getHttpServer()).get('/feature')).status).toBe(401);
    } finally {
      await app.close();
    }
  });

  it('is not global by default: a module that does not import it cannot inject its exports', async () => {
    for (const registration of [oauth(), oauth(false)]) {
      const compiling = Test.createTestingModule({ imports: [registration, FeatureModule] }).compile();
      await expect(compiling).rejects.toThrow(/SessionsService/);
    }
  });

  it('refuses to boot without a storage', () => {
    expect(() => OAuthModule.forRoot({ grantTypes: ['client_credentials'] })).toThrow(MisconfigurationError);
  });

  it('does not register OAuthTestingTokens outside OAuthTestingModule', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [oauth(true)] }).compile();
    expect(() => moduleRef.get(OAuthTestingTokens)).toThrow();
  });
});
