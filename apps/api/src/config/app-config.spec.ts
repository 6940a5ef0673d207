import { availableParallelism } from 'node:os';
import { ConfigurationError, defaultPasswordHashConcurrency, loadAppConfig } from './app-config';

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
  it("defaults to scrypt cost 15 (OWASP's 2^15, p = 3 row) and one hash at a time per available core", () => {
    const config = loadAppConfig({});
    expect(config.passwordHashCost).toBe(15);
    expect(config.passwordHashConcurrency).toBe(Math.min(availableParallelism(), 64));
    expect(config.passwordHashConcurrency).toBe(defaultPasswordHashConcurrency());
  });

  it('reads PASSWORD_HASH_COST and PASSWORD_HASH_CONCURRENCY within their bounds', () => {
    expect(loadAppConfig({ PASSWORD_HASH_COST: '17' }).passwordHashCost).toBe(17);
    expect(loadAppConfig({ PASSWORD_HASH_CONCURRENCY: '1' }).passwordHashConcurrency).toBe(1);
    expect(loadAppConfig({ PASSWORD_HASH_CONCURRENCY: '64' }).passwordHashConcurrency).toBe(64);
    expect(loadAppConfig({ PASSWORD_HASH_CONCURRENCY: '' }).passwordHashConcurrency).toBe(defaultPasswordHashConcurrency());
  });

  it.each(['0', '65', '-1', '2.5', 'four', '1e1'])('refuses PASSWORD_HASH_CONCURRENCY=%s, naming the variable and its bounds', (value) => {
    expect(problemsOf({ PASSWORD_HASH_CONCURRENCY: value })).toContain(`PASSWORD_HASH_CONCURRENCY must be a whole number between 1 and 64, got "${value}"`);
  });

  it('reports a bad PASSWORD_HASH_CONCURRENCY together with the other problems', () => {
    const message = problemsOf({ PASSWORD_HASH_CONCURRENCY: '0', PASSWORD_HASH_COST: '9' });
    expect(message).toContain('PASSWORD_HASH_COST must be a whole number between 10 and 20, got "9"');
    expect(message).toContain('PASSWORD_HASH_CONCURRENCY must be a whole number between 1 and 64, got "0"');
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
