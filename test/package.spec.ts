import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { withClient } from './support/test-database';

/*
 * The library as adopters get it: built with `npm run build:lib`, packed with `npm pack`, and installed from the
 * tarball into each consumer app of test/consumers/, copied outside the repository:
 *
 * - nest11-cjs: a Nest 11 app from the CommonJS starter, tested with jest (ts-jest);
 * - nest12-esm: a Nest 12 app from the ES module starter, tested with vitest and with jest in ESM mode.
 *
 * Each app installs what its package-lock.json pins, plus the tarball (so npm needs the registry, or a cache
 * that holds those versions), typechecks with `skipLibCheck: false` (the package's declarations against the
 * Nest, passport and TypeORM of its major), runs its specs (the README's test snippet on
 * `@nest-oauth/server/testing`; and, on the TypeORM storage, the README's client administration file registering
 * a client, with which a password grant, a refresh and a scoped request go over HTTP, then rotating its secret and
 * deleting it), and serves HTTP from its compiled output under plain Node. test/readme-adoption.spec.ts holds the
 * README to these apps.
 *
 * The apps keep their data in PostgreSQL, as the TypeORM storage wants a database with a connection pool: each app
 * gets a schema of its own in the database at TEST_POSTGRES_URL, emptied before every step that boots it. Without
 * TEST_POSTGRES_URL this file is skipped.
 */

const ROOT = join(__dirname, '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'libs/oauth/package.json'), 'utf8')) as { name: string; version: string };
const WORK_PREFIX = join(realpathSync(tmpdir()), 'nest-oauth-package-');
/** A step of an install or a test run: far above what it takes on a loaded machine, and still bounded. */
const STEP_MS = 900_000;
const POSTGRES_URL = process.env.TEST_POSTGRES_URL;

if (!POSTGRES_URL) {
  console.log('Packaging test SKIPPED: set TEST_POSTGRES_URL=postgres://USER@HOST:5432/DATABASE to run it.');
}

const onPostgres = (sql: string) => withClient(POSTGRES_URL!, (client) => client.query(sql));

interface Consumer {
  /** Its directory under test/consumers/. */
  name: string;
  nestMajor: number;
  /** The npm scripts that run its specs. */
  testScripts: string[];
}

const CONSUMERS: Consumer[] = [
  { name: 'nest11-cjs', nestMajor: 11, testScripts: ['test'] },
  { name: 'nest12-esm', nestMajor: 12, testScripts: ['test', 'test:jest'] },
];

/** The environment without npm's own variables (under `npm test` they describe this repository) and colours. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
  return { ...env, NO_COLOR: '1', FORCE_COLOR: '0', CI: 'true', ...extra };
}

const RUN_OPTIONS = { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: STEP_MS } as const;

/** Runs a command to its end; its output, or an error that shows all of it. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  try {
    return execFileSync(command, args, { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'], ...RUN_OPTIONS });
  } catch (error) {
    throw failure(command, args, cwd, error);
  }
}

/** `run` without blocking, so that independent steps (the apps' installs) overlap. */
async function runAsync(command: string, args: string[], cwd: string): Promise<string> {
  try {
    return (await promisify(execFile)(command, args, { cwd, env: cleanEnv(), ...RUN_OPTIONS })).stdout;
  } catch (error) {
    throw failure(command, args, cwd, error);
  }
}

function failure(command: string, args: string[], cwd: string, error: unknown): Error {
  const { stdout, stderr } = error as { stdout?: string; stderr?: string };
  return new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
}

/** Like `run`, with stderr kept apart: test runners report there. */
function runCapturingAll(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return run('sh', ['-c', `"$0" "$@" 2>&1`, command, ...args], cwd, env);
}

(POSTGRES_URL ? describe : describe.skip)(`the packed ${PACKAGE.name}`, () => {
  let work: string;
  let tarball: string;
  let packedFiles: string[];

  beforeAll(async () => {
    work = mkdtempSync(WORK_PREFIX);
    const built = join(work, 'package');
    run('npm', ['run', 'build:lib', '--', '--out-dir', built], ROOT);
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], built)) as {
      filename: string;
      files: { path: string }[];
    }[];
    tarball = join(work, packed.filename);
    packedFiles = packed.files.map((file) => file.path);
    // Each app outside the repository, with what its lockfile pins and the tarball; the installs overlap.
    await Promise.all(
      CONSUMERS.map((consumer) => {
        const appDir = join(work, consumer.name);
        cpSync(join(ROOT, 'test/consumers', consumer.name), appDir, {
          recursive: true,
          filter: (source) => !/[\\/](node_modules|dist)$/.test(source),
        });
        return runAsync('npm', ['install', tarball, '--no-save', '--no-audit', '--no-fund', '--prefer-offline'], appDir);
      }),
    );
  }, 2 * STEP_MS);

  afterAll(() => {
    if (work?.startsWith(WORK_PREFIX)) rmSync(work, { recursive: true, force: true });
  });

  it('packs both builds, each entry with its declarations, plus package.json and README only', () => {
    const entries = ['index', 'testing/index', 'typeorm/index'];
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'esm/package.json',
        ...entries.flatMap((entry) => [`${entry}.js`, `${entry}.d.ts`, `esm/${entry}.js`, `esm/${entry}.d.ts`]),
      ]),
    );
    expect(packedFiles.filter((file) => !/\.(js|d\.ts)$/.test(file) && !['package.json', 'README.md', 'esm/package.json'].includes(file))).toEqual(
      [],
    );
    expect(packedFiles.filter((file) => /\.spec\.|\.map$/.test(file))).toEqual([]);
  });

  describe.each(CONSUMERS)('in the $name consumer app', (consumer) => {
    let appDir: string;
    let server: ChildProcess | undefined;
    const schema = `package_${consumer.name.replace(/\W/g, '_')}_${randomBytes(6).toString('hex')}`;
    /** What the app reads to reach its database. */
    const databaseEnv = { DATABASE_URL: POSTGRES_URL, DATABASE_SCHEMA: schema };
    /** Each boot starts on an empty schema, as the specs register the same client and user every run. */
    const emptySchema = () => onPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema}`);

    beforeAll(() => {
      appDir = join(work, consumer.name);
    });

    afterAll(async () => {
      if (server && server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server!.once('exit', resolve));
        server.kill();
        await exited;
      }
      await onPostgres(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });

    it(`runs Nest ${consumer.nestMajor} and the installed package, for import and for require`, () => {
      const nest = JSON.parse(readFileSync(join(appDir, 'node_modules/@nestjs/core/package.json'), 'utf8')) as { version: string };
      expect(nest.version.split('.')[0]).toBe(String(consumer.nestMajor));
      const installed = join(appDir, 'node_modules', PACKAGE.name);
      const script = `
        import { createRequire } from 'node:module';
        const require = createRequire(process.cwd() + '/');
        const entries = ['', '/testing', '/typeorm'].map((subpath) => '${PACKAGE.name}' + subpath);
        const resolved = {
          import: entries.map((entry) => new URL(import.meta.resolve(entry)).pathname),
          require: entries.map((entry) => require.resolve(entry)),
        };
        // The main entry, loaded by this app's module system, must not load typeorm (an optional peer).
        if (process.argv[1] === 'module') await import('${PACKAGE.name}');
        else require('${PACKAGE.name}');
        const typeorm = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](typeorm|@nestjs[\\\\/]typeorm)[\\\\/]/.test(file));
        console.log(JSON.stringify({ resolved, typeorm }));
      `;
      const format = consumer.name.endsWith('esm') ? 'module' : 'commonjs';
      const report = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script, format], appDir)) as {
        resolved: Record<string, string[]>;
        typeorm: string[];
      };
      expect(report.resolved).toEqual({
        import: [join(installed, 'esm/index.js'), join(installed, 'esm/testing/index.js'), join(installed, 'esm/typeorm/index.js')],
        require: [join(installed, 'index.js'), join(installed, 'testing/index.js'), join(installed, 'typeorm/index.js')],
      });
      expect(report.typeorm).toEqual([]);
    });

    it(
      'typechecks, its specs included, with skipLibCheck false',
      () => {
        run('npm', ['run', 'typecheck'], appDir);
      },
      STEP_MS,
    );

    it.each(consumer.testScripts)(
      'passes its specs with `npm run %s`',
      async (script) => {
        await emptySchema();
        const output = runCapturingAll('npm', ['run', script], appDir, databaseEnv);
        // Both spec files ran (a runner that finds no spec fails, but one that skips a file would not).
        expect(output).toContain('src/orders/orders.controller.spec.ts');
        expect(output).toContain('test/app.e2e-spec.ts');
      },
      STEP_MS,
    );

    it(
      'serves HTTP from its compiled output under plain Node',
      async () => {
        run('npm', ['run', 'build'], appDir);
        await emptySchema();
        server = spawn(process.execPath, ['dist/main.js'], {
          cwd: appDir,
          env: cleanEnv({ ...databaseEnv, PORT: '0' }),
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stderr = '';
        server.stderr!.on('data', (chunk) => (stderr += chunk));
        const url = await new Promise<string>((resolve, reject) => {
          createInterface({ input: server!.stdout! }).on('line', (line) => {
            const listening = /http:\/\/127\.0\.0\.1:\d+/.exec(line);
            if (listening) resolve(listening[0]);
          });
          server!.once('exit', (code) => reject(new Error(`the app exited with ${code}:\n${stderr}`)));
        });

        expect((await fetch(`${url}/health`)).status).toBe(200);
        const anonymous = await fetch(`${url}/orders`);
        expect(anonymous.status).toBe(401);
        expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="oauth"');
        // The token endpoint, on the TypeORM storage the migrations created: the client is unknown.
        const token = await fetch(`${url}/oauth/token`, {
          method: 'POST',
          headers: { authorization: `Basic ${Buffer.from('nobody:secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
        });
        expect(token.status).toBe(401);
        expect(((await token.json()) as { error: string }).error).toBe('invalid_client');
      },
      STEP_MS,
    );
  });
});
