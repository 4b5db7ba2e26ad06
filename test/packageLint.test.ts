/**
 * The packed tarball, as the registry would receive it, checked by the two linters the
 * ecosystem uses for packages:
 * - publint: `exports`, `main`, `types` and `bin` point at files the tarball holds, conditions are
 *   in an order resolvers honour, each file's format matches what its condition promises;
 * - @arethetypeswrong/cli: every entry point resolves to types and JavaScript that agree under
 *   TypeScript's node10, node16 (from CommonJS and from ES modules) and bundler resolution.
 * Both run strict: a warning fails the test as an error does.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packTarball } from './fixtures/packedConsumer.js';

const root = join(__dirname, '..');
const bin = (pkg: string, file: string) => join(root, 'node_modules', pkg, file);
let dir: string;
let tarball: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-lint-'));
  tarball = packTarball(root, dir);
});
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

/** Runs a linter's CLI on the tarball: 'ok' when it exits 0, else everything it printed. */
const lint = (cli: string, args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' })
  .then(({ stdout }) => ({ verdict: 'ok', stdout }), (error: { stdout?: string; stderr?: string }) => ({ verdict: `${error.stdout ?? ''}${error.stderr ?? ''}`, stdout: '' }));

describe('the packed tarball passes the package linters', () => {
  it('publint --strict: no error, no warning', async () => {
    const { verdict, stdout } = await lint(bin('publint', 'src/cli.js'), ['--strict', tarball]);
    expect(verdict).toBe('ok');
    expect(stdout).toContain('All good!');
  }, 60_000);

  it('are-the-types-wrong: every entry point, every resolution mode, no problem', async () => {
    const { verdict, stdout } = await lint(bin('@arethetypeswrong/cli', 'dist/index.js'), [tarball, '--profile', 'strict', '--format', 'json']);
    expect(verdict).toBe('ok');
    const { analysis } = JSON.parse(stdout) as { analysis: { problems: unknown[]; entrypoints: Record<string, unknown> } };
    expect(analysis.problems).toEqual([]);
    // The entry points found are those `exports` declares: a lost subpath would pass silently.
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(['.', './jose', './keytar', './package.json', './testing']);
  }, 60_000);
});
