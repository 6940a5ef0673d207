import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import * as ts from 'typescript';

/*
 * The package's shape, checked on the sources (test/package.e2e-spec.ts checks the built and installed package):
 * the core entry must not reach typeorm, and every package the library imports must be declared.
 */

const SRC = __dirname;
const manifest = JSON.parse(readFileSync(join(SRC, '../package.json'), 'utf8'));

/** Resolves a relative import the way the compiled CommonJS will: a file, or a directory's index. */
function resolveRelative(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  throw new Error(`${from}: cannot resolve ${specifier}`);
}

/** Every file reachable from `entry` by value imports (type-only imports vanish from the JavaScript), and the packages they import. */
function importGraph(entry: string): { files: Set<string>; packages: Map<string, string> } {
  const files = new Set<string>();
  const packages = new Map<string, string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const statement of source.statements) {
      const isImport = ts.isImportDeclaration(statement) && !statement.importClause?.isTypeOnly;
      const isReExport = ts.isExportDeclaration(statement) && !statement.isTypeOnly && statement.moduleSpecifier !== undefined;
      if (!isImport && !isReExport) continue;
      const specifier = ((statement as ts.ImportDeclaration | ts.ExportDeclaration).moduleSpecifier as ts.StringLiteral).text;
      if (specifier.startsWith('.')) pending.push(resolveRelative(file, specifier));
      else packages.set(specifier, file);
    }
  }
  return { files, packages };
}

const packageName = (specifier: string) =>
  specifier
    .split('/')
    .slice(0, specifier.startsWith('@') ? 2 : 1)
    .join('/');

describe('the package entry points', () => {
  it('keeps typeorm and @nestjs/typeorm out of the core entry (they are optional peers)', () => {
    const { files, packages } = importGraph(join(SRC, 'index.ts'));
    const typeormImports = [...packages].filter(([specifier]) => ['typeorm', '@nestjs/typeorm'].includes(packageName(specifier)));
    expect(typeormImports).toEqual([]);
    expect([...files].filter((file) => file.startsWith(join(SRC, 'typeorm')))).toEqual([]);
  });

  it('keeps the testing module and the in-memory storage out of the main entry (they are the testing entry)', async () => {
    const { files } = importGraph(join(SRC, 'index.ts'));
    expect([...files].filter((file) => file.startsWith(join(SRC, 'testing')))).toEqual([]);
    const testing = await import('./testing');
    expect(Object.keys(testing).sort()).toEqual([
      'InMemoryOAuthStore',
      'OAuthInMemoryStorageModule',
      'OAuthTestingModule',
      'OAuthTestingTokens',
      // The storage conformance suite, for hosts' own repositories.
      'describeOAuthStorageConformance',
      'openOAuthStorage',
      'storageConformanceCases',
    ]);
  });

  it('serves the TypeORM storage from the typeorm entry, on the same repository classes as the core', async () => {
    const core = await import('./index');
    const typeorm = await import('./typeorm');
    expect(Object.keys(core)).not.toEqual(expect.arrayContaining(['OAuthTypeOrmModule']));
    expect(Object.keys(typeorm)).toEqual(expect.arrayContaining(['OAuthTypeOrmModule', 'OAUTH_ENTITIES', 'OAUTH_MIGRATIONS', 'OAuthClientEntity']));
    const providers = typeorm.OAuthTypeOrmModule.forFeature().providers as { provide: unknown }[];
    expect(providers.map((provider) => provider.provide)).toEqual(
      expect.arrayContaining([
        core.ClientRepository,
        core.GrantRepository,
        core.AccessTokenRepository,
        core.RefreshTokenRepository,
        core.AttemptCounterRepository,
      ]),
    );
  });

  it('declares every package the library imports as a dependency or a peer dependency', () => {
    const declared = new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
    const sources = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? sources(join(dir, entry.name))
          : entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const imported = new Set<string>();
    for (const file of sources(SRC)) for (const specifier of importGraph(file).packages.keys()) imported.add(packageName(specifier));
    const undeclared = [...imported].filter((name) => !declared.has(name) && !builtinModules.includes(name.replace(/^node:/, '')));
    expect(undeclared).toEqual([]);
  });

  it('lists typeorm and @nestjs/typeorm as optional peers, and exports each entry as ES module and CommonJS', () => {
    expect(manifest.peerDependenciesMeta).toEqual({ typeorm: { optional: true }, '@nestjs/typeorm': { optional: true } });
    expect(Object.keys(manifest.exports)).toEqual(['.', './testing', './typeorm', './package.json']);
    for (const [subpath, entry] of Object.entries(manifest.exports).filter(([subpath]) => subpath !== './package.json')) {
      const dir = subpath === '.' ? '' : `${subpath.slice(2)}/`;
      expect(entry).toEqual({
        import: { types: `./esm/${dir}index.d.ts`, default: `./esm/${dir}index.js` },
        require: { types: `./${dir}index.d.ts`, default: `./${dir}index.js` },
      });
    }
  });
});
