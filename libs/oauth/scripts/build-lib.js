#!/usr/bin/env node
/*
 * Builds the publishable package: JavaScript and declarations compiled from libs/oauth/src, with package.json and
 * README.md beside them. `npm run build:lib` replaces dist/libs/oauth; `npm run build:lib -- --out-dir DIR` writes
 * into DIR, which must not exist yet or be empty (nothing given on the command line is ever deleted). Publish or
 * pack from the output directory: `cd dist/libs/oauth && npm pack`.
 */
const { execFileSync } = require('node:child_process');
const { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } = require('node:fs');
const path = require('node:path');

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

execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(libRoot, 'tsconfig.lib.json'), '--outDir', outDir], {
  cwd: repoRoot,
  stdio: 'inherit',
});
for (const file of ['package.json', 'README.md']) copyFileSync(path.join(libRoot, file), path.join(outDir, file));

// Every entry point the manifest promises must exist, with its declarations.
const manifest = JSON.parse(readFileSync(path.join(outDir, 'package.json'), 'utf8'));
const targets = [manifest.main, manifest.types];
for (const entry of Object.values(manifest.exports)) targets.push(...(typeof entry === 'string' ? [entry] : Object.values(entry)));
const missing = targets.filter((target) => !existsSync(path.join(outDir, target)));
if (missing.length > 0) throw new Error(`The build is missing entry points of package.json: ${missing.join(', ')}`);
console.log(`Built ${manifest.name}@${manifest.version} into ${path.relative(process.cwd(), outDir) || '.'}`);
