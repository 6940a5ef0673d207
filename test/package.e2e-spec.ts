import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/*
 * The library as a consumer gets it: built with `npm run build:lib`, packed with `npm pack`, installed from the
 * tarball into a throwaway Nest app outside the repository, compiled against the package's declarations, booted,
 * and driven over HTTP. The throwaway app borrows this repository's node_modules for Nest and friends (one level
 * up, so npm never touches them); npm installs only the tarball and its own small dependencies (jose, the
 * passport strategies), from its cache when it can.
 */

const ROOT = join(__dirname, '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'libs/oauth/package.json'), 'utf8')) as { name: string; version: string };
const TYPEORM_IN_CACHE = String.raw`Object.keys(require.cache).filter((file) => /node_modules[\\/](typeorm|@nestjs[\\/]typeorm)[\\/]/.test(file))`;

/** The environment without npm's own variables: when the suite runs under `npm test`, they point at this repository. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

const APP_SOURCE = `
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  BearerGuard,
  hashRandomSecret,
  InMemoryOAuthStore,
  OAuthInMemoryStorageModule,
  OAuthModule,
  Principal,
  Scopes,
  UserLookup,
  type OAuthPrincipal,
  type OAuthSubject,
} from '${PACKAGE.name}';
// Type-only: proves the subpath's declarations resolve through "exports", and loads nothing at run time.
import type { OAuthTypeOrmModule } from '${PACKAGE.name}/typeorm';

@Injectable()
class TinyUserLookup extends UserLookup {
  async verifyCredentials(username: string, password: string): Promise<OAuthSubject | null> {
    return username === 'ada' && password === 'lovelace' ? { id: '1', username } : null;
  }

  async findById(id: string): Promise<OAuthSubject | null> {
    return id === '1' ? { id, username: 'ada' } : null;
  }
}

@Controller('orders')
@UseGuards(BearerGuard)
class OrdersController {
  @Get()
  @Scopes('orders:read')
  list(@Principal() principal: OAuthPrincipal, @Principal('scopes') scopes: string[]) {
    return { userId: principal.userId, clientId: principal.clientId, scopes };
  }
}

const store = new InMemoryOAuthStore();
store.clients.set('shop', {
  id: 'shop',
  secretHash: hashRandomSecret('shop-secret'),
  name: 'Shop',
  grants: ['password', 'refresh_token'],
  scopes: ['orders:read'],
  defaultScopes: ['orders:read'],
});

@Module({
  imports: [OAuthModule.forRoot({ storage: OAuthInMemoryStorageModule.register(store), userLookup: TinyUserLookup })],
  controllers: [OrdersController],
})
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: ['error'] });
  app.useBodyParser('urlencoded', { extended: false });
  await app.listen(0, '127.0.0.1');
  const typeormLoaded: string[] = ${TYPEORM_IN_CACHE};
  const unused: typeof OAuthTypeOrmModule | undefined = undefined;
  console.log(JSON.stringify({ url: await app.getUrl(), typeormLoaded, library: require.resolve('${PACKAGE.name}'), unused }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

describe(`the packed ${PACKAGE.name} in a fresh Nest app`, () => {
  let work: string;
  let appDir: string;
  let packed: { filename: string; files: { path: string }[] };
  let child: ChildProcess | undefined;
  let url: string;
  let started: { typeormLoaded: string[]; library: string };

  beforeAll(async () => {
    work = realpathSync(mkdtempSync(join(tmpdir(), 'nest-oauth-package-')));
    const built = join(work, 'package');
    appDir = join(work, 'app');

    run('npm', ['run', 'build:lib', '--', '--out-dir', built], ROOT);
    [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], built));

    // The app's Nest, express, reflect-metadata and TypeScript types: this repository's, one level above the app.
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'dir');
    mkdirSync(join(appDir, 'src'), { recursive: true });
    writeFileSync(join(appDir, 'package.json'), JSON.stringify({ name: 'throwaway-host', version: '1.0.0', private: true }, null, 2));
    run(
      'npm',
      ['install', join(work, packed.filename), '--no-save', '--no-package-lock', '--ignore-scripts', '--legacy-peer-deps', '--prefer-offline', '--no-audit', '--no-fund'],
      appDir,
    );

    writeFileSync(join(appDir, 'src/main.ts'), APP_SOURCE);
    writeFileSync(
      join(appDir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'ES2022',
          strict: true,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'dist',
          rootDir: 'src',
        },
        include: ['src'],
      }),
    );
    run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], appDir);

    child = spawn(process.execPath, ['dist/main.js'], { cwd: appDir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child!.stdout! }).once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`the app exited with ${code}:\n${stderr}`)));
    });
    const report = JSON.parse(firstLine) as { url: string; typeormLoaded: string[]; library: string };
    ({ url, ...started } = report);
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill();
      await exited;
    }
    if (work) {
      // The link first, so that removing the directory can never reach into this repository's node_modules; if
      // it cannot be removed, the directory is left behind rather than risked.
      const link = join(work, 'node_modules');
      if (existsSync(link) || isSymlink(link)) unlinkSync(link);
      if (!isSymlink(link) && work.startsWith(join(realpathSync(tmpdir()), 'nest-oauth-package-'))) rmSync(work, { recursive: true, force: true });
    }
  });

  it('packs JavaScript, declarations, package.json and README only', () => {
    const files = packed.files.map((file) => file.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'README.md', 'index.js', 'index.d.ts', 'typeorm/index.js', 'typeorm/index.d.ts']));
    expect(files.filter((file) => !/\.(js|d\.ts)$/.test(file) && !['package.json', 'README.md'].includes(file))).toEqual([]);
    expect(files.filter((file) => /\.spec\.|\.map$/.test(file))).toEqual([]);
  });

  it('runs the installed copy, not the repository sources', () => {
    expect(started.library).toBe(join(appDir, 'node_modules', PACKAGE.name, 'index.js'));
    const installed = JSON.parse(readFileSync(join(appDir, 'node_modules', PACKAGE.name, 'package.json'), 'utf8'));
    expect(installed.version).toBe(PACKAGE.version);
  });

  it('boots without loading typeorm', () => {
    expect(started.typeormLoaded).toEqual([]);
  });

  it('completes a password grant and a Bearer-guarded request over HTTP', async () => {
    const token = await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('shop:shop-secret').toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'password', username: 'ada', password: 'lovelace' }),
    });
    expect(token.status).toBe(200);
    const tokens = (await token.json()) as { access_token: string; refresh_token: string; token_type: string; scope: string };
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'orders:read' });
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const orders = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(orders.status).toBe(200);
    expect(await orders.json()).toEqual({ userId: '1', clientId: 'shop', scopes: ['orders:read'] });

    const anonymous = await fetch(`${url}/orders`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer realm="oauth"');
  });

  it('keeps typeorm out of a bare require of the core entry, and serves the typeorm subpath', () => {
    const core = run(process.execPath, ['-e', `require('${PACKAGE.name}'); console.log(JSON.stringify(${TYPEORM_IN_CACHE}))`], appDir);
    expect(JSON.parse(core)).toEqual([]);
    const typeorm = run(
      process.execPath,
      ['-e', `const t = require('${PACKAGE.name}/typeorm'); console.log(JSON.stringify({ module: typeof t.OAuthTypeOrmModule, entities: t.OAUTH_ENTITIES.length, loaded: ${TYPEORM_IN_CACHE}.length > 0 }))`],
      appDir,
    );
    expect(JSON.parse(typeorm)).toEqual({ module: 'function', entities: 5, loaded: true });
  });
});
