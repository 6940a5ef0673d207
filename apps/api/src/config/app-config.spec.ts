import { ConfigurationError, loadAppConfig } from './app-config';

/** The message `loadAppConfig` throws for `env`, or `undefined` when it accepts it. */
function problemsOf(env: NodeJS.ProcessEnv): string | undefined {
  try {
    loadAppConfig(env);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
}

describe('loadAppConfig: password hashing', () => {
  it("defaults to scrypt cost 15 (OWASP's 2^15, p = 3 row) and leaves the hash limiter to the module's defaults", () => {
    const config = loadAppConfig({});
    expect(config.passwordHashCost).toBe(15);
    expect(config.oauth).toMatchObject({ hashConcurrency: undefined, hashQueueMax: undefined, hashQueueTimeoutMs: undefined });
  });

  it('reads PASSWORD_HASH_COST and OAUTH_HASH_CONCURRENCY within their bounds', () => {
    expect(loadAppConfig({ PASSWORD_HASH_COST: '17' }).passwordHashCost).toBe(17);
    expect(loadAppConfig({ OAUTH_HASH_CONCURRENCY: '1' }).oauth.hashConcurrency).toBe(1);
    expect(loadAppConfig({ OAUTH_HASH_CONCURRENCY: '64' }).oauth.hashConcurrency).toBe(64);
    expect(loadAppConfig({ OAUTH_HASH_CONCURRENCY: '' }).oauth.hashConcurrency).toBeUndefined();
  });

  it('still reads the older name PASSWORD_HASH_CONCURRENCY, and lets OAUTH_HASH_CONCURRENCY win over it', () => {
    expect(loadAppConfig({ PASSWORD_HASH_CONCURRENCY: '3' }).oauth.hashConcurrency).toBe(3);
    expect(loadAppConfig({ PASSWORD_HASH_CONCURRENCY: '3', OAUTH_HASH_CONCURRENCY: '5' }).oauth.hashConcurrency).toBe(5);
  });

  it.each(['OAUTH_HASH_CONCURRENCY', 'PASSWORD_HASH_CONCURRENCY'])('refuses %s outside 1-64, naming the variable and its bounds', (name) => {
    for (const value of ['0', '65', '-1', '2.5', 'four', '1e1']) {
      expect(problemsOf({ [name]: value })).toContain(`${name} must be a whole number between 1 and 64, got "${value}"`);
    }
  });

  it('reads OAUTH_HASH_QUEUE_MAX (0 allowed: nothing waits) and OAUTH_HASH_QUEUE_TIMEOUT_MS (0: no deadline)', () => {
    expect(loadAppConfig({ OAUTH_HASH_QUEUE_MAX: '0', OAUTH_HASH_QUEUE_TIMEOUT_MS: '0' }).oauth).toMatchObject({
      hashQueueMax: 0,
      hashQueueTimeoutMs: 0,
    });
    expect(loadAppConfig({ OAUTH_HASH_QUEUE_MAX: '100', OAUTH_HASH_QUEUE_TIMEOUT_MS: '5000' }).oauth).toMatchObject({
      hashQueueMax: 100,
      hashQueueTimeoutMs: 5000,
    });
    expect(problemsOf({ OAUTH_HASH_QUEUE_MAX: '-1' })).toContain('OAUTH_HASH_QUEUE_MAX must be a whole number between 0 and 10000, got "-1"');
    expect(problemsOf({ OAUTH_HASH_QUEUE_TIMEOUT_MS: '1.5' })).toContain(
      'OAUTH_HASH_QUEUE_TIMEOUT_MS must be a whole number between 0 and 600000, got "1.5"',
    );
  });

  it('reports a bad OAUTH_HASH_CONCURRENCY together with the other problems', () => {
    const message = problemsOf({ OAUTH_HASH_CONCURRENCY: '0', PASSWORD_HASH_COST: '9' });
    expect(message).toContain('PASSWORD_HASH_COST must be a whole number between 10 and 20, got "9"');
    expect(message).toContain('OAUTH_HASH_CONCURRENCY must be a whole number between 1 and 64, got "0"');
  });
});

describe('loadAppConfig: production', () => {
  it('refuses NODE_ENV=production without OAUTH_ISSUER, naming the variable', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toContain('OAUTH_ISSUER must be set when NODE_ENV=production');
    // JWT mode's development default (http://localhost:PORT) does not count as one.
    expect(problemsOf({ NODE_ENV: 'production', OAUTH_ACCESS_TOKEN_FORMAT: 'jwt' })).toContain('OAUTH_ISSUER must be set when NODE_ENV=production');
  });

  it('starts in production with OAUTH_ISSUER, and outside production without it', () => {
    expect(loadAppConfig({ NODE_ENV: 'production', OAUTH_ISSUER: 'https://auth.example.com' }).oauth.issuer).toBe('https://auth.example.com');
    expect(loadAppConfig({}).oauth.issuer).toBeUndefined();
  });
});

describe('loadAppConfig: TRUST_PROXY', () => {
  it('is off by default, and when empty or false', () => {
    expect(loadAppConfig({}).trustProxy).toBe(false);
    expect(loadAppConfig({ TRUST_PROXY: '' }).trustProxy).toBe(false);
    expect(loadAppConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
  });

  it('reads a number of hops', () => {
    expect(loadAppConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadAppConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
  });

  it('reads a list of addresses, CIDR ranges and named ranges, as Express and Fastify do', () => {
    expect(loadAppConfig({ TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
    expect(loadAppConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8, 192.168.1.0/255.255.255.0' }).trustProxy).toEqual([
      'loopback',
      '10.0.0.0/8',
      'fd00::/8',
      '192.168.1.0/255.255.255.0',
    ]);
  });

  it.each(['true', '0', '33', '-1', 'proxy.example.com', '10.0.0.0/33', '10.0.0.1,,10.0.0.2', '1.5'])(
    'refuses TRUST_PROXY=%s, naming the variable',
    (value) => {
      expect(problemsOf({ TRUST_PROXY: value })).toContain(`TRUST_PROXY must be a number of proxy hops between 1 and 32, or a comma-separated list`);
    },
  );
});

describe('loadAppConfig: OAUTH_SCOPES_SUPPORTED', () => {
  it('is empty unless set, and reads space-separated scope names', () => {
    expect(loadAppConfig({}).oauth.scopesSupported).toEqual([]);
    expect(loadAppConfig({ OAUTH_SCOPES_SUPPORTED: 'read  write orders:read' }).oauth.scopesSupported).toEqual(['read', 'write', 'orders:read']);
  });

  it.each(['read\twrite', 'say"hi"', 'caf\u00e9'])('refuses OAUTH_SCOPES_SUPPORTED=%j, naming the variable', (value) => {
    expect(problemsOf({ OAUTH_SCOPES_SUPPORTED: value })).toContain('OAUTH_SCOPES_SUPPORTED must be scope names separated by spaces');
  });
});

describe('loadAppConfig: OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL', () => {
  it('is 0 (no limit) unless set, and takes a whole number of seconds', () => {
    expect(loadAppConfig({}).oauth.refreshTokenAbsoluteTtl).toBe(0);
    expect(loadAppConfig({ OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL: '7776000' }).oauth.refreshTokenAbsoluteTtl).toBe(7776000);
  });

  it.each(['-1', '1.5', 'forever'])('refuses %s', (value) => {
    expect(problemsOf({ OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL: value })).toContain(`OAUTH_REFRESH_TOKEN_ABSOLUTE_TTL must be a whole number`);
  });
});
