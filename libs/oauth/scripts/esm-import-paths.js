/*
 * Node's ES module loader resolves a relative import only by its full file name (`./oauth.module.js`,
 * `./entities/index.js`), while the sources import `./oauth.module` and `./entities` as CommonJS allows. Rather
 * than spell `.js` into every import of the sources, the ESM build is compiled as they are and this step completes
 * each relative specifier of the emitted JavaScript and declarations, from the files the build actually emitted.
 */
const { readdirSync, readFileSync, statSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

/** Every emitted file under `dir` that can import: JavaScript and declarations. */
function emittedFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return emittedFiles(file);
    return /\.(js|d\.ts)$/.test(entry.name) ? [file] : [];
  });
}

function isFile(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The string literals that name a module: import and export declarations, `import()` calls and `import("…")` types. */
function moduleSpecifiers(source) {
  const found = [];
  const visit = (node) => {
    let specifier;
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) specifier = node.moduleSpecifier;
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) specifier = node.arguments[0];
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) specifier = node.argument.literal;
    if (specifier && ts.isStringLiteral(specifier)) found.push(specifier);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Rewrites the relative specifiers of every emitted file under `dir` to the file Node will load: `./x` becomes
 * `./x.js` when `x.js` was emitted (`x.d.ts` for a declaration), or `./x/index.js` for a directory. A specifier
 * that names no emitted file fails the build, so a broken ESM build is never packed.
 */
function completeRelativeImports(dir) {
  for (const file of emittedFiles(dir)) {
    const isDeclaration = file.endsWith('.d.ts');
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, isDeclaration ? ts.ScriptKind.TS : ts.ScriptKind.JS);
    const edits = [];
    for (const literal of moduleSpecifiers(source)) {
      const specifier = literal.text;
      if (!specifier.startsWith('./') && !specifier.startsWith('../')) continue;
      if (specifier.endsWith('.js')) continue;
      const base = path.resolve(path.dirname(file), specifier);
      const candidates = isDeclaration
        ? [
            ['.js', `${base}.d.ts`],
            ['/index.js', path.join(base, 'index.d.ts')],
          ]
        : [
            ['.js', `${base}.js`],
            ['/index.js', path.join(base, 'index.js')],
          ];
      const match = candidates.find(([, candidate]) => isFile(candidate));
      if (!match) throw new Error(`${path.relative(dir, file)}: the ESM build has no file for "${specifier}"`);
      edits.push({ start: literal.getStart(source) + 1, end: literal.getEnd() - 1, replacement: specifier + match[0] });
    }
    if (edits.length === 0) continue;
    let rewritten = text;
    for (const edit of edits.sort((a, b) => b.start - a.start))
      rewritten = rewritten.slice(0, edit.start) + edit.replacement + rewritten.slice(edit.end);
    writeFileSync(file, rewritten);
  }
}

module.exports = { completeRelativeImports };
