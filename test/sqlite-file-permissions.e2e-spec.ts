import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAppProcess, type AppProcess } from './support/app-process';
import { DEMO } from './support/test-app';
import { TEST_ON_POSTGRES } from './support/test-database';

jest.setTimeout(120_000);

const mode = (path: string) => statSync(path).mode & 0o777;

/**
 * The sqlite database holds token digests, client and password hashes: its file, its `-wal` and `-shm`, and the
 * directories the app creates for them are the owner's alone, whatever the process's umask lets through.
 */
(TEST_ON_POSTGRES ? describe.skip : describe)('the sqlite files the app creates', () => {
  let root: string;
  let app: AppProcess;
  let previousUmask: number;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'oauth-sqlite-modes-'));
    // The usual umask, which leaves files readable by everyone unless the app says otherwise; the app inherits it.
    previousUmask = process.umask(0o022);
    try {
      app = await startAppProcess({
        DATABASE_URL: `sqlite:${join(root, 'data/nested/api.sqlite')}`,
        OAUTH_ACCESS_TOKEN_FORMAT: 'jwt',
        OAUTH_JWT_KEY_FILE: join(root, 'data/keys/jwt-signing-keys.json'),
        LOG_LEVEL: 'silent',
      });
    } finally {
      process.umask(previousUmask);
    }
  });
  afterAll(async () => {
    await app?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates the database, its -wal and its -shm readable by the owner only, in owner-only directories', async () => {
    // A write while the app runs, so the WAL holds data.
    const response = await fetch(`${app.baseUrl}/oauth/token`, {
      method: 'POST',
      headers: { Authorization: DEMO.basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'password', username: DEMO.username, password: DEMO.password }),
    });
    expect(response.status).toBe(200);

    const database = join(root, 'data/nested/api.sqlite');
    for (const file of [database, `${database}-wal`, `${database}-shm`]) {
      expect(existsSync(file)).toBe(true);
      expect({ file, mode: mode(file).toString(8) }).toEqual({ file, mode: '600' });
    }
    for (const dir of [join(root, 'data'), join(root, 'data/nested'), join(root, 'data/keys')]) {
      expect({ dir, mode: mode(dir).toString(8) }).toEqual({ dir, mode: '700' });
    }
    expect(mode(join(root, 'data/keys/jwt-signing-keys.json')).toString(8)).toBe('600');
  });
});
