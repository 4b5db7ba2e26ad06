// After `tsc`: removes from dist/ every file the published package cannot reach, so the
// tarball ships only what its entry points use (package.json "files" takes dist/ whole).
//
// Reachable: the JavaScript files `exports` and `bin` name and everything they `require` or
// import by a relative path, and the declaration files `exports` names as "types" and
// everything they import. Removed: source maps (the package ships none: tsconfig.build.json),
// declarations of modules no public type refers to (the emulator's internals, the CLI), the
// empty JavaScript files tsc emits for type-only modules, and files left by sources that no
// longer exist. Only files under dist/ are touched. Run by `npm run build` and the test setup.
'use strict';

const { existsSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync } = require('node:fs');
const { dirname, join, relative, resolve, sep } = require('node:path');

/** Every string a conditional `exports` value leads to, with the condition path that led there. */
function targets(value, conditions = []) {
  if (typeof value === 'string') return [{ target: value, conditions }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) => targets(v, key.startsWith('.') ? conditions : [...conditions, key]));
}

/** The package's entry points under dist/: JavaScript files and declaration files, absolute. */
function entryPoints(root) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const js = new Set();
  const types = new Set();
  for (const { target, conditions } of targets(pkg.exports)) {
    const file = resolve(root, target);
    if (!file.startsWith(join(root, 'dist') + sep)) continue;
    (conditions.includes('types') ? types : js).add(file);
  }
  for (const bin of typeof pkg.bin === 'string' ? [pkg.bin] : Object.values(pkg.bin ?? {})) js.add(resolve(root, bin));
  if (pkg.main) js.add(resolve(root, pkg.main));
  if (pkg.types) types.add(resolve(root, pkg.types));
  return { js, types };
}

// `require('./x.js')`, `from './x.js'`, `import('./x.js')`, `import './x.js'`; relative paths only.
const SPECIFIER = /(?:\brequire\s*\(|\bfrom\s+|\bimport\s*\(|\bimport\s+)\s*(['"])(\.{1,2}\/[^'"]+)\1/g;

/** A declaration file's name for an import specifier ending in .js or .mjs. */
const declarationOf = (file) => file.replace(/\.js$/, '.d.ts').replace(/\.mjs$/, '.d.mts');

/** Every file reachable from `start`, following relative imports (declarations: to declarations). */
function closure(start, declarations) {
  const seen = new Set();
  const queue = [...start];
  while (queue.length) {
    const file = queue.pop();
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const [, , specifier] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), specifier);
      queue.push(declarations ? declarationOf(target) : target);
    }
  }
  return seen;
}

/** The files under dist/ the package's entry points reach. */
function reachable(root) {
  const { js, types } = entryPoints(root);
  return new Set([...closure(js, false), ...closure(types, true)].filter((f) => f.startsWith(join(root, 'dist') + sep)));
}

/** Removes what `reachable` does not list; returns the removed files, relative to root. */
function prune(root) {
  const keep = reachable(root);
  const removed = [];
  const walk = (dir) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        if (readdirSync(path).length === 0) rmdirSync(path);
      } else if (!keep.has(path)) {
        rmSync(path, { force: true });
        removed.push(relative(root, path));
      }
    }
  };
  if (existsSync(join(root, 'dist'))) walk(join(root, 'dist'));
  return removed;
}

if (require.main === module) prune(join(__dirname, '..'));

module.exports = { prune, reachable };
