import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/*
 * The READMEs' adoption sections show what the consumer apps of test/consumers/ run (test/package.spec.ts
 * installs the packed library into them): a code block under `<!-- shows test/consumers/APP/FILE -->` is that
 * file, whole, and a block under `<!-- installs test/consumers/APP -->` names what that app added to its Nest
 * starter, at the majors it pins. The READMEs show the Nest 12 app; the Nest 11 app is the same code with the
 * `.js` of its relative imports dropped, as CommonJS resolves them.
 */

const ROOT = join(__dirname, '..');
const READMES = ['README.md', 'libs/oauth/README.md'];
const NEST12 = 'test/consumers/nest12-esm';
const NEST11 = 'test/consumers/nest11-cjs';
/** Each README shows at least these files. */
const SHOWN = [
  `${NEST12}/src/app.module.ts`,
  `${NEST12}/src/orders/orders.controller.ts`,
  `${NEST12}/src/orders/orders.controller.spec.ts`,
  `${NEST12}/src/clients/register-client.ts`,
];
/** What the Nest starters install, and the apps' own database driver: every other dependency comes from the README. */
const STARTER_DEPENDENCIES = ['@nestjs/common', '@nestjs/core', '@nestjs/platform-express', 'reflect-metadata', 'rxjs'];
const APP_OWN_DEPENDENCIES = ['pg'];
const PACKAGE_NAME = '@nest-oauth/server';

interface MarkedBlock {
  readme: string;
  kind: 'shows' | 'installs';
  path: string;
  code: string;
}

function markedBlocks(readme: string): MarkedBlock[] {
  const markdown = readFileSync(join(ROOT, readme), 'utf8');
  return [...markdown.matchAll(/<!-- (shows|installs) (\S+) -->\n```[a-z]*\n([\s\S]*?)\n```/g)].map(([, kind, path, code]) => ({
    readme,
    kind: kind as MarkedBlock['kind'],
    path,
    code,
  }));
}

const blocks = READMES.flatMap(markedBlocks);
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The packages of `npm install [--save-dev] a b@12 c@0.3  # comment` lines: name, major (or major.minor), and whether it is a dev dependency. */
function installedPackages(code: string): { name: string; range?: string; dev: boolean }[] {
  return code
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line.startsWith('npm install '))
    .flatMap((line) => {
      const words = line.split(/\s+/).slice(2);
      const dev = words.some((word) => word === '--save-dev' || word === '-D');
      return words
        .filter((word) => !word.startsWith('-'))
        .map((spec) => {
          const at = spec.lastIndexOf('@');
          return at > 0 ? { name: spec.slice(0, at), range: spec.slice(at + 1), dev } : { name: spec, dev };
        });
    });
}

function sourceFiles(app: string, dir = join(ROOT, app)): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    return entry.isDirectory()
      ? sourceFiles(app, path)
      : /\.ts$/.test(entry.name) && !entry.name.endsWith('.config.ts')
        ? [relative(join(ROOT, app), path)]
        : [];
  });
}

describe("the READMEs' adoption sections", () => {
  it.each(READMES)('%s marks the files it shows and the install lines of both apps', (readme) => {
    const marked = blocks.filter((block) => block.readme === readme);
    expect(marked.filter((block) => block.kind === 'shows').map((block) => block.path)).toEqual(expect.arrayContaining(SHOWN));
    expect(marked.filter((block) => block.kind === 'installs').map((block) => block.path)).toEqual([NEST12, NEST11]);
  });

  it.each(blocks.filter((block) => block.kind === 'shows').map((block) => [block.readme, block.path]))('%s shows %s as it is', (readme, path) => {
    const block = blocks.find((candidate) => candidate.readme === readme && candidate.path === path)!;
    expect(block.code).toBe(read(path).trimEnd());
  });

  it.each(blocks.filter((block) => block.kind === 'installs').map((block) => [block.readme, block.path]))(
    '%s installs what %s adds to its Nest starter, at the versions it pins',
    (readme, app) => {
      const block = blocks.find((candidate) => candidate.readme === readme && candidate.path === app)!;
      const manifest = JSON.parse(read(`${app}/package.json`)) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
      const installed = installedPackages(block.code);
      expect(installed.map(({ name }) => name)).toContain(PACKAGE_NAME);
      for (const { name, range, dev } of installed) {
        if (name === PACKAGE_NAME) continue; // the app gets it from the packed tarball
        const pinned = (dev ? manifest.devDependencies : manifest.dependencies)[name];
        expect({ name, pinned }).toEqual({ name, pinned: expect.any(String) });
        if (range !== undefined) expect({ name, pinned: `${pinned}.`.startsWith(`${range}.`) }).toEqual({ name, pinned: true });
      }
      const fromReadme = new Set(installed.filter(({ dev }) => !dev).map(({ name }) => name));
      const unexplained = Object.keys(manifest.dependencies).filter(
        (name) => !fromReadme.has(name) && !STARTER_DEPENDENCIES.includes(name) && !APP_OWN_DEPENDENCIES.includes(name),
      );
      expect(unexplained).toEqual([]);
    },
  );
});

describe('the two consumer apps', () => {
  it('hold the same code, the Nest 11 one with CommonJS-style relative imports', () => {
    const files = sourceFiles(NEST12);
    expect(sourceFiles(NEST11).sort()).toEqual([...files].sort());
    // main.ts differs where CommonJS has no top-level await.
    for (const file of files.filter((name) => name !== join('src', 'main.ts'))) {
      const commonJs = read(join(NEST12, file)).replace(/(from '\.{1,2}\/[^']*)\.js'/g, "$1'");
      expect({ file, code: read(join(NEST11, file)) }).toEqual({ file, code: commonJs });
    }
  });
});
