import { spawn } from 'node:child_process';
import { BUILT_MAIN, freePort, startAppProcess } from './support/app-process';
import { TEST_HTTP_ADAPTER } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';

jest.setTimeout(120_000);

/** The built app, started as `npm run start:prod` starts it, with NODE_ENV=production. */
describe('starting in production', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  /** Runs main.js until it exits by itself; what it printed and its exit code. */
  async function runToExit(env: Record<string, string | undefined>): Promise<{ code: number | null; output: string }> {
    const child = spawn(process.execPath, [BUILT_MAIN], {
      env: { ...process.env, ...database.env, PORT: String(await freePort()), HTTP_ADAPTER: TEST_HTTP_ADAPTER, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    // A deadline far above a start's duration, only so that an app that does start is not left running.
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
    clearTimeout(timer);
    return { code, output };
  }

  it('refuses to start without OAUTH_ISSUER, naming it', async () => {
    const { code, output } = await runToExit({ NODE_ENV: 'production', OAUTH_ISSUER: undefined });
    expect(code).toBe(1);
    expect(output).toContain('OAUTH_ISSUER must be set when NODE_ENV=production');
    // The operator's mistake is named, not dumped as a stack trace.
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('starts with OAUTH_ISSUER, and its metadata names that issuer whatever the Host header says', async () => {
    const app = await startAppProcess({ ...database.env, NODE_ENV: 'production', OAUTH_ISSUER: 'https://auth.example.com', LOG_LEVEL: 'silent' });
    try {
      const response = await fetch(`${app.baseUrl}/.well-known/oauth-authorization-server`, { headers: { Host: 'evil.example' } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { issuer: string; token_endpoint: string };
      expect(body.issuer).toBe('https://auth.example.com');
      expect(body.token_endpoint).toBe('https://auth.example.com/oauth/token');
    } finally {
      await app.stop();
    }
  });
});
