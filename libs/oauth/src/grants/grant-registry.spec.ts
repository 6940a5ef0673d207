import { Injectable } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { MisconfigurationError } from '../errors/misconfiguration.error';
import { OAuthModule } from '../oauth.module';
import { OAuthInMemoryStorageModule } from '../testing/oauth-in-memory-storage.module';
import type { TokenResponse } from '../token/token-response';
import type { GrantHandler } from './grant-handler.interface';
import { BUILT_IN_GRANT_HANDLERS, type GrantHandlerType, isGrantTypeSyntax, OAUTH_GRANT_TYPES, OAuthGrantRegistry } from './grant-registry';

/** A host grant named `grantType`, whose instance answers `instanceType` (the same, unless a test says not). */
function hostGrant(grantType: unknown, instanceType = grantType): GrantHandlerType {
  @Injectable()
  class HostGrant implements GrantHandler {
    static readonly grantType = grantType;
    readonly grantType = instanceType as string;

    async handle(): Promise<TokenResponse> {
      throw new Error('not called');
    }
  }
  return HostGrant as unknown as GrantHandlerType;
}

const register = (grantHandlers: GrantHandlerType[], grantTypes?: string[]) =>
  OAuthModule.forRoot({
    grantTypes: grantTypes ?? ['client_credentials', ...grantHandlers.map((handler) => handler.grantType)],
    storage: OAuthInMemoryStorageModule.register(),
    grantHandlers,
  });

async function registry(grantHandlers: GrantHandlerType[], grantTypes?: string[]): Promise<OAuthGrantRegistry> {
  const moduleRef = await Test.createTestingModule({ imports: [register(grantHandlers, grantTypes)] }).compile();
  return moduleRef.get(OAuthGrantRegistry);
}

describe('the grant registry', () => {
  it('derives the grant type names from the built-in handler classes', () => {
    expect(OAUTH_GRANT_TYPES).toEqual(['password', 'refresh_token', 'client_credentials', 'authorization_code']);
    expect(BUILT_IN_GRANT_HANDLERS.map((handler) => new (handler as unknown as new (...args: unknown[]) => GrantHandler)().grantType)).toEqual(
      OAUTH_GRANT_TYPES,
    );
  });

  it("registers a host's handlers after the built-in ones, creates them with Nest, and enables those grantTypes names", async () => {
    const demo = hostGrant('urn:example:params:oauth:grant-type:demo');
    const named = hostGrant('example_grant');
    const grants = await registry([demo, named], ['client_credentials', 'example_grant']);
    expect(grants.registeredGrantTypes).toEqual([...OAUTH_GRANT_TYPES, 'urn:example:params:oauth:grant-type:demo', 'example_grant']);
    expect(grants.enabledGrantTypes).toEqual(['client_credentials', 'example_grant']);
    expect(grants.handler('example_grant')).toBeInstanceOf(named);
    expect(grants.handler('urn:example:params:oauth:grant-type:demo')).toBeUndefined();
    expect(grants.isRegistered('urn:example:params:oauth:grant-type:demo')).toBe(true);
    expect(grants.isRegistered('implicit')).toBe(false);
  });

  it.each([
    ['no static grantType', undefined],
    ['an empty one', ''],
    ['a space', 'my grant'],
    ['a fragment', 'urn:example:grant#x'],
    ['a non-ASCII letter', 'grånt'],
    ['a relative reference', '/grants/demo'],
  ])('refuses, as the module is defined, a host handler with %s', (_case, grantType) => {
    expect(() => register([hostGrant(grantType)], [])).toThrow(MisconfigurationError);
    expect(() => register([hostGrant(grantType)], [])).toThrow(/static grantType .*RFC 6749 section 4\.5/);
  });

  it('refuses a grant type registered twice, built-in or not', () => {
    expect(() => register([hostGrant('password')], [])).toThrow(/grant type password is registered twice/);
    expect(() => register([hostGrant('urn:a:b'), hostGrant('urn:a:b')], [])).toThrow(/grant type urn:a:b is registered twice/);
  });

  it('refuses at boot a handler whose instance answers another grant_type than its static one', async () => {
    await expect(registry([hostGrant('urn:a:b', 'urn:a:c')])).rejects.toThrow(/answers grant_type urn:a:c but is registered as urn:a:b/);
  });

  it('refuses at boot a grantTypes entry that nothing registered, naming the extra that would', async () => {
    await expect(registry([], ['urn:a:b'])).rejects.toThrow(/unsupported grant type\(s\) urn:a:b; .*grantHandlers/);
  });

  it.each([
    ['password', true],
    ['urn:ietf:params:oauth:grant-type:jwt-bearer', true],
    ['https://example.com/grants/demo?v=1', true],
    ['a-b.c_d', true],
    ['a b', false],
    ['urn:x#y', false],
    ['"quoted"', false],
    ['', false],
  ])('reads %j as grant_type syntax: %p (RFC 6749 Appendix A.10)', (value, expected) => {
    expect(isGrantTypeSyntax(value)).toBe(expected);
  });
});
