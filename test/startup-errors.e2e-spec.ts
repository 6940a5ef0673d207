import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { OAUTH_MIGRATIONS } from '@nest-oauth/server/typeorm';
import { APP_MIGRATIONS } from '../apps/api/src/database/migrations';
import { BUILT_MAIN, freePort } from './support/app-process';
import { TEST_HTTP_ADAPTER } from './support/test-app';

jest.setTimeout(120_000);

/** Every migration the app runs: the module's and its own. */
const MIGRATION_COUNT = OAUTH_MIGRATIONS.length + APP_MIGRATIONS.length;

const POSTGRES_URL = process.env.TEST_POSTGRES_URL;
const onPostgres = POSTGRES_URL ? it : it.skip;
if (!POSTGRES_URL)
  console.log('startup-errors: the empty-PostgreSQL case is SKIPPED: set TEST_POSTGRES_URL=postgres://USER@HOST:5432/DATABASE to run it.');

/** Runs the built main.js until it exits by itself; what it printed and its exit code. */
async function runToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BUILT_MAIN], {
    env: { ...process.env, PORT: String(await freePort()), HTTP_ADAPTER: TEST_HTTP_ADAPTER, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  // Far above a failed start's duration, only so that an app that does start is not left running.
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output };
}

/** The last line printed: what the operator reads first. */
const lastLine = (output: string) => output.trim().split('\n').at(-1) ?? '';

function expectOnePlainLine(output: string): void {
  // No stack trace, and no driver error object dumped field by field.
  expect(output).not.toMatch(/\n\s+at /);
  expect(output).not.toMatch(/routine: |errno: /);
}

describe('start-up errors name the cause and the fix in one line', () => {
  it('an unreachable PostgreSQL server: names the address and DATABASE_URL, exits 1', async () => {
    const port = await freePort();
    const { code, output } = await runToExit({ DATABASE_URL: `postgres://app@127.0.0.1:${port}/oauth`, DB_MIGRATE: 'false' });
    expect(code).toBe(1);
    expect(lastLine(output)).toMatch(new RegExp(`^Cannot reach the database \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\): check DATABASE_URL`));
    expectOnePlainLine(output);
  });

  it('a sqlite file with DB_MIGRATE=false and no migrations run: says to run them, exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oauth-startup-'));
    try {
      const { code, output } = await runToExit({ DATABASE_URL: `sqlite:${join(dir, 'api.sqlite')}`, DB_MIGRATE: 'false' });
      expect(code).toBe(1);
      expect(lastLine(output)).toMatch(
        new RegExp(
          `^The database schema is not up to date \\(${MIGRATION_COUNT} migration\\(s\\) not run: .*\\): run \`npm run migration:run\` .*DB_MIGRATE=true\\.$`,
        ),
      );
      expectOnePlainLine(output);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  onPostgres('an empty PostgreSQL database without migrations: says to run them, exits 1, and creates nothing', async () => {
    const schema = `startup_${process.pid}_${Date.now()}`;
    const admin = new Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE SCHEMA ${schema}`);
      const { code, output } = await runToExit({
        DATABASE_URL: POSTGRES_URL!,
        DATABASE_SCHEMA: schema,
        NODE_ENV: 'production',
        OAUTH_ISSUER: 'https://auth.example.com',
      });
      expect(code).toBe(1);
      expect(lastLine(output)).toMatch(/^The database schema is not up to date .*: run `npm run migration:run` .*DB_MIGRATE=true\.$/);
      expectOnePlainLine(output);
      // The check only reads: the schema is as empty as it was.
      const tables = await admin.query('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema]);
      expect(tables.rows).toEqual([]);
    } finally {
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  });
});
