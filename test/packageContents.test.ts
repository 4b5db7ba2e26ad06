/**
 * What the packed tarball holds, as a user installing it gets it:
 * - dist/ holds exactly what the entry points reach: the JavaScript esbuild bundles from each
 *   `exports` target and the bin, and the declarations TypeScript loads from each `types`
 *   target. Nothing else (no test-only or leftover file, no declaration nobody imports);
 * - no source maps (they would point at src/*.ts, which is not shipped);
 * - declarations cite no file the package lacks (spec/, DESIGN.md, native/ …);
 * - repository, homepage and bugs are set, and every link in the shipped Markdown works where
 *   it is read: relative links name shipped files, links into the repository name its files.
 */
import { readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, posix, relative } from 'node:path';
import { build } from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedConsumer, type PackedConsumer } from './fixtures/packedConsumer.js';

const root = join(__dirname, '..');
let consumer: PackedConsumer;
let pkg: {
  exports: Record<string, unknown>; bin: Record<string, string>;
  repository: { type: string; url: string }; homepage: string; bugs: { url: string };
};

beforeAll(() => {
  consumer = packedConsumer(root, 'contents');
  pkg = JSON.parse(readFileSync(join(consumer.installed, 'package.json'), 'utf8')) as typeof pkg;
});
afterAll(() => { if (consumer) rmSync(consumer.dir, { recursive: true, force: true }); });

/** The files an `exports` value leads to, split by whether a `types` condition leads there. */
function exportTargets(value: unknown, underTypes = false): { js: string[]; types: string[] } {
  if (typeof value === 'string') return underTypes || /\.d\.[mc]?ts$/.test(value) ? { js: [], types: [value] } : { js: [value], types: [] };
  const out = { js: [] as string[], types: [] as string[] };
  for (const [key, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const t = exportTargets(v, underTypes || key === 'types');
    out.js.push(...t.js);
    out.types.push(...t.types);
  }
  return out;
}

const shippedFile = (file: string) => consumer.shipped.includes(file);
const markdown = () => consumer.shipped.filter((f) => f.endsWith('.md'));

describe('the tarball ships only what its entry points reach', () => {
  it('dist/ is exactly the JavaScript bundled from exports and bin plus the declarations TypeScript loads from exports', async () => {
    const { js, types } = exportTargets(Object.fromEntries(Object.entries(pkg.exports).filter(([k]) => k !== './package.json')));
    const entryPoints = [...js, ...Object.values(pkg.bin)].map((f) => join(consumer.installed, f));
    const { metafile } = await build({
      entryPoints, bundle: true, write: false, metafile: true, platform: 'node', outdir: join(consumer.dir, 'out'), entryNames: '[dir]/[name]-[hash]', logLevel: 'silent',
      // Node's built-ins and the macOS binary (absent from a tarball packed off a Mac) stay outside.
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`), 'node:sqlite', '*.node'],
    });
    const program = ts.createProgram(types.map((f) => join(consumer.installed, f)), {
      module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, noEmit: true, types: [],
    });
    const reached = new Set([
      ...Object.keys(metafile.inputs).map((f) => relative(consumer.installed, join(root, f))),
      ...program.getSourceFiles().map((f) => relative(consumer.installed, f.fileName)),
    ].map((f) => f.split('\\').join('/')).filter((f) => f.startsWith('dist/')));
    const shippedDist = consumer.shipped.filter((f) => f.startsWith('dist/')).sort();
    expect(shippedDist).toEqual([...reached].sort());
  }, 60_000);

  it('outside dist/: the README, docs/, the scenarios `secitem conformance` runs, the subpath folders, package.json, the macOS binary', () => {
    const allowed = [
      /^package\.json$/, /^README\.md$/, /^docs\/[\w-]+\.md$/, /^conformance\/scenarios\/[\w.-]+\.json$/,
      /^(keytar|testing|jose)\/package\.json$/, /^prebuilds\/darwin-x64\+arm64\/node\.napi\.node$/,
    ];
    expect(consumer.shipped.filter((f) => !f.startsWith('dist/') && !allowed.some((re) => re.test(f)))).toEqual([]);
  });

  it('no source maps: no .map file, no sourceMappingURL comment', () => {
    expect(consumer.shipped.filter((f) => f.endsWith('.map'))).toEqual([]);
    const pointing = consumer.shipped.filter((f) => /\.m?js$/.test(f) && readFileSync(join(consumer.installed, f), 'utf8').includes('sourceMappingURL'));
    expect(pointing).toEqual([]);
  });
});

describe('shipped text points only at what a user can open', () => {
  it('declarations cite no repository-only file (the spec, DESIGN.md, native sources, scripts, tests)', () => {
    const repositoryOnly = /\bspec\/|semantics\.md|DESIGN\.md|native-guide\.md|\/work\/shared|\b(?:native|scripts|test|examples)\/[\w./-]+|\bclasses\.json|\bconstants\.json|\berrors\.json/g;
    const cited = consumer.shipped.filter((f) => /\.d\.[mc]?ts$/.test(f)).flatMap((f) => {
      const text = readFileSync(join(consumer.installed, f), 'utf8');
      return [...text.matchAll(repositoryOnly)].map((m) => `${f}: ${m[0]}`);
    });
    // A maintainer's citation belongs in a // comment, which tsc leaves out of the declarations.
    expect(cited).toEqual([]);
    // docs/ pages a declaration names are in the package.
    const docs = consumer.shipped.filter((f) => /\.d\.[mc]?ts$/.test(f))
      .flatMap((f) => [...readFileSync(join(consumer.installed, f), 'utf8').matchAll(/\bdocs\/[\w-]+\.md/g)].map((m) => m[0]));
    expect(docs.filter((d) => !shippedFile(d))).toEqual([]);
  });

  it('package.json names the repository, its home page and its issue tracker', () => {
    const repo = /^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/.exec(pkg.repository.url)?.[1];
    expect(pkg.repository.type).toBe('git');
    expect(repo).toBeDefined();
    expect(pkg.homepage).toBe(`${repo}#readme`);
    expect(pkg.bugs.url).toBe(`${repo}/issues`);
  });

  it('every link in the shipped Markdown works: relative ones name shipped files, repository ones name files of the repository', () => {
    const repo = /^git\+(.*)\.git$/.exec(pkg.repository.url)![1]!;
    const broken: string[] = [];
    let links = 0;
    for (const file of markdown()) {
      const text = readFileSync(join(consumer.installed, file), 'utf8').replace(/```[\s\S]*?```/g, '');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        links++;
        const path = target!.split('#')[0]!;
        if (target!.startsWith(`${repo}/`)) {
          const inRepo = /^\/(?:blob|tree)\/main\/(.+)$/.exec(target!.slice(repo.length))?.[1];
          if (!inRepo || !existsInRepository(inRepo.split('#')[0]!)) broken.push(`${file}: ${target}`);
        } else if (/^[a-z]+:/.test(target!) || target!.startsWith('#')) {
          continue; // another site, or an anchor in the same page
        } else if (!shippedFile(posix.normalize(posix.join(dirname(file), path)))) {
          broken.push(`${file}: ${target} (not in the package: link it by its repository URL)`);
        }
      }
    }
    expect(links).toBeGreaterThan(20);
    expect(broken).toEqual([]);
  });
});

/** Whether the repository holds this file or folder (this working tree stands for it). */
function existsInRepository(path: string): boolean {
  try {
    readFileSync(join(root, path.replace(/\/$/, '')));
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EISDIR';
  }
}
