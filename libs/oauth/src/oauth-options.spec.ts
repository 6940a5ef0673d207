import { defaultHashConcurrency } from './crypto/hash-limiter';
import { MisconfigurationError } from './errors/misconfiguration.error';
import { OAUTH_GRANT_TYPES } from './grants/grant-registry';
import type { OAuthGrantType, OAuthModuleOptions } from './oauth-module-options.interface';
import { resolveOAuthOptions as resolveWith } from './oauth-options';

/** As the module resolves them: with the grant types of the registry (here, the built-in ones). */
const resolveOAuthOptions = (options?: OAuthModuleOptions) => resolveWith(options, OAUTH_GRANT_TYPES);

describe('resolveOAuthOptions', () => {
  it('applies the documented defaults when nothing is given', () => {
    for (const resolved of [resolveOAuthOptions(), resolveOAuthOptions({})]) {
      expect(resolved).toMatchObject({ accessTokenTtl: 3600, refreshTokenTtl: 14 * 24 * 3600, realm: 'oauth' });
      // Every grant the module implements is enabled unless the host narrows the list.
      expect(resolved.grantTypes).toEqual(expect.arrayContaining(['password', 'refresh_token']));
      expect([...resolved.grantTypes].sort()).toEqual([...OAUTH_GRANT_TYPES].sort());
    }
  });

  it('keeps the values it is given and defaults only the others', () => {
    expect(resolveOAuthOptions({ accessTokenTtl: 60, realm: 'api' })).toMatchObject({
      accessTokenTtl: 60,
      refreshTokenTtl: 1209600,
      grantTypes: resolveOAuthOptions().grantTypes,
      realm: 'api',
    });
    expect(resolveOAuthOptions({ refreshTokenTtl: 7, grantTypes: ['refresh_token'] })).toMatchObject({
      accessTokenTtl: 3600,
      refreshTokenTtl: 7,
      grantTypes: ['refresh_token'],
      realm: 'oauth',
    });
  });

  it('treats an option set to undefined as not given (e.g. an unset environment variable)', () => {
    const options: OAuthModuleOptions = { accessTokenTtl: undefined, refreshTokenTtl: undefined, grantTypes: undefined, realm: undefined };
    expect(resolveOAuthOptions(options)).toEqual(resolveOAuthOptions());
  });

  it('defaults the hash limiter and the dummy client-secret hash', () => {
    expect(resolveOAuthOptions()).toMatchObject({
      hashConcurrency: defaultHashConcurrency(),
      hashQueueMax: 16,
      hashQueueTimeoutMs: 2000,
      clientSecretHash: { cost: 15, parallelism: 3 },
    });
    expect(resolveOAuthOptions({ clientSecretHash: { cost: 12 } }).clientSecretHash).toEqual({ cost: 12, parallelism: 3 });
    expect(resolveOAuthOptions({ hashQueueMax: 0, hashQueueTimeoutMs: 0 })).toMatchObject({ hashQueueMax: 0, hashQueueTimeoutMs: 0 });
  });

  it.each<[string, OAuthModuleOptions]>([
    ['hashConcurrency', { hashConcurrency: 0 }],
    ['hashConcurrency', { hashConcurrency: 1.5 }],
    ['hashQueueMax', { hashQueueMax: -1 }],
    ['hashQueueTimeoutMs', { hashQueueTimeoutMs: 0.5 }],
    ['clientSecretHash', { clientSecretHash: { cost: 40 } }],
    ['clientSecretHash', { clientSecretHash: { parallelism: 0 } }],
  ])('refuses a bad %s: %j', (name, options) => {
    expect(() => resolveOAuthOptions(options)).toThrow(MisconfigurationError);
    expect(() => resolveOAuthOptions(options)).toThrow(name);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])('refuses an access token lifetime of %p', (ttl) => {
    expect(() => resolveOAuthOptions({ accessTokenTtl: ttl })).toThrow(MisconfigurationError);
    expect(() => resolveOAuthOptions({ accessTokenTtl: ttl })).toThrow(/accessTokenTtl/);
  });

  it.each([0, -3600, 0.5, Number.NaN])('refuses a refresh token lifetime of %p', (ttl) => {
    expect(() => resolveOAuthOptions({ refreshTokenTtl: ttl })).toThrow(MisconfigurationError);
    expect(() => resolveOAuthOptions({ refreshTokenTtl: ttl })).toThrow(/refreshTokenTtl/);
  });

  it('sets no absolute login lifetime by default, and takes 0 or a whole number of seconds', () => {
    expect(resolveOAuthOptions().refreshTokenAbsoluteTtl).toBe(0);
    expect(resolveOAuthOptions({ refreshTokenAbsoluteTtl: 86400 }).refreshTokenAbsoluteTtl).toBe(86400);
  });

  it.each([-1, 0.5, Number.NaN])('refuses an absolute login lifetime of %p', (ttl) => {
    expect(() => resolveOAuthOptions({ refreshTokenAbsoluteTtl: ttl })).toThrow(/refreshTokenAbsoluteTtl/);
  });

  it('refuses a lifetime given as a string, as it would be read from the environment', () => {
    expect(() => resolveOAuthOptions({ accessTokenTtl: '3600' as unknown as number })).toThrow(MisconfigurationError);
  });

  it('refuses a grant type the module does not implement, naming it', () => {
    const grantTypes = ['password', 'urn:ietf:params:oauth:grant-type:device_code'] as unknown as OAuthGrantType[];
    expect(() => resolveOAuthOptions({ grantTypes })).toThrow(MisconfigurationError);
    expect(() => resolveOAuthOptions({ grantTypes })).toThrow(/device_code/);
    expect(() => resolveOAuthOptions({ grantTypes: ['implicit' as OAuthGrantType] })).toThrow(MisconfigurationError);
    expect(() => resolveOAuthOptions({ grantTypes: ['Password' as OAuthGrantType] })).toThrow(MisconfigurationError);
  });

  it("enables every registered grant type by default, the host's too, and lets grantTypes pick among them", () => {
    const registered = [...OAUTH_GRANT_TYPES, 'urn:example:params:oauth:grant-type:demo'];
    expect(resolveWith({}, registered).grantTypes).toEqual(registered);
    expect(resolveWith({ grantTypes: ['urn:example:params:oauth:grant-type:demo'] }, registered).grantTypes).toEqual([
      'urn:example:params:oauth:grant-type:demo',
    ]);
    expect(() => resolveWith({ grantTypes: ['urn:example:params:oauth:grant-type:demo'] }, OAUTH_GRANT_TYPES)).toThrow(
      /grant-type:demo.*grantHandlers/,
    );
  });

  it.each(['say "hi"', 'back\\slash', 'line\nbreak', 'carriage\rreturn'])(
    'refuses a realm that would break out of its quoted header parameter (RFC 7235 §2.2): %j',
    (realm) => {
      expect(() => resolveOAuthOptions({ realm })).toThrow(MisconfigurationError);
    },
  );

  it.each(['', 'tab\there', 'caf\u00e9'])('refuses a realm that is empty or not printable ASCII: %j', (realm) => {
    expect(() => resolveOAuthOptions({ realm })).toThrow(MisconfigurationError);
  });

  it('accepts a realm of printable ASCII, spaces included (RFC 7235 §2.2)', () => {
    expect(resolveOAuthOptions({ realm: "My API (v2) !#$%&'*+-.^_`|~" }).realm).toBe("My API (v2) !#$%&'*+-.^_`|~");
  });

  it('advertises no scopes unless given some, and keeps each given scope once', () => {
    expect(resolveOAuthOptions().scopesSupported).toEqual([]);
    expect(resolveOAuthOptions({ scopesSupported: ['read', 'orders:write', 'read'] }).scopesSupported).toEqual(['read', 'orders:write']);
  });

  it.each(['', 'two words', 'quote"d', 'caf\u00e9'])('refuses a scopesSupported entry that is not a scope token (RFC 6749 §3.3): %j', (scope) => {
    expect(() => resolveOAuthOptions({ scopesSupported: ['read', scope] })).toThrow(/scopesSupported/);
  });

  it('throws MisconfigurationError, a plain Error meant for the developer, not an OAuthError', () => {
    let thrown: unknown;
    try {
      resolveOAuthOptions({ accessTokenTtl: 0 });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).toBeInstanceOf(MisconfigurationError);
    expect((thrown as Error).name).toBe('MisconfigurationError');
    expect(thrown).not.toHaveProperty('error');
  });
});

describe('resolveOAuthOptions keeps wiring out of the settings', () => {
  it('drops the registration extras forRoot() hands over with the options', () => {
    const resolved = resolveOAuthOptions({ accessTokenTtl: 60, storage: class {}, userLookup: class {}, isGlobal: true, grantHandlers: [] } as never);
    expect(Object.keys(resolved)).not.toEqual(expect.arrayContaining(['storage']));
    expect(resolved).not.toHaveProperty('userLookup');
    expect(resolved).not.toHaveProperty('isGlobal');
    expect(resolved).not.toHaveProperty('grantHandlers');
    expect(resolved.accessTokenTtl).toBe(60);
  });

  it('gives each resolution its own grantTypes array, so one caller cannot change the defaults of another', () => {
    resolveOAuthOptions().grantTypes.pop();
    expect(resolveOAuthOptions().grantTypes).toEqual(['password', 'refresh_token', 'client_credentials', 'authorization_code']);
  });
});
