#!/usr/bin/env node
/*
 * Builds the publishable package: libs/oauth/src compiled twice, to CommonJS at the package root and to ES modules
 * under esm/ (package.json's "exports" sends `require` to the one and `import` to the other), each with its
 * declarations, and package.json and README.md beside them. `npm run build:lib` replaces dist/libs/oauth;
 * `npm run build:lib -- --out-dir DIR` writes into DIR, which must not exist yet or be empty (nothing given on the
 * command line is ever deleted). Publish or pack from the output directory: `cd dist/libs/oauth && npm pack`.
 */
const { execFileSync } = require('node:child_process');
const { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { completeRelativeImports } = require('./esm-import-paths');

const repoRoot = path.resolve(__dirname, '../../..');
const libRoot = path.join(repoRoot, 'libs/oauth');
const defaultOutDir = path.join(repoRoot, 'dist/libs/oauth');

const args = process.argv.slice(2);
const outFlag = args.indexOf('--out-dir');
let outDir = defaultOutDir;
if (outFlag >= 0) {
  if (!args[outFlag + 1]) throw new Error('--out-dir needs a directory');
  outDir = path.resolve(args[outFlag + 1]);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) {
    throw new Error(`--out-dir ${outDir} is not empty; give a new or empty directory`);
  }
} else {
  // Only this fixed path inside the repository's dist/ is ever emptied.
  rmSync(defaultOutDir, { recursive: true, force: true });
}

const tsc = (...args) => execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), ...args], { cwd: repoRoot, stdio: 'inherit' });
tsc('-p', path.join(libRoot, 'tsconfig.lib.json'), '--outDir', outDir);
// The same sources as ES modules. The CommonJS pass has type-checked them already.
const esmDir = path.join(outDir, 'esm');
tsc('-p', path.join(libRoot, 'tsconfig.lib.esm.json'), '--outDir', esmDir, '--noCheck');
completeRelativeImports(esmDir);
writeFileSync(path.join(esmDir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
for (const file of ['package.json', 'README.md']) copyFileSync(path.join(libRoot, file), path.join(outDir, file));

// Every entry point the manifest promises must exist, with its declarations.
const manifest = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8'));
const targets = [manifest.main, manifest.types];
const collectTargets = (entry) => (typeof entry === 'string' ? targets.push(entry) : Object.values(entry).forEach(collectTargets));
collectTargets(manifest.exports);
const missing = targets.filter((target) => !existsSync(path.join(outDir, target)));
if (missing.length > 0) throw new Error(`The build is missing entry points of package.json: ${missing.join(', ')}`);
console.log(`Built ${manifest.name}@${manifest.version} into ${path.relative(process.cwd(), outDir) || '.'}`);
