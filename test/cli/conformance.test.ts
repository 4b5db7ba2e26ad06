/**
 * `secitem conformance` as a user of the installed package meets it: the files `npm pack`
 * ships, copied into a fresh project's node_modules (no clone, no test/ folder), and the
 * runner started through the package's bin over the scenarios the package carries.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packedConsumer } from '../fixtures/packedConsumer.js';
import { main } from '../../src/cli/main.js';

const root = join(__dirname, '..', '..');

let dir: string;
let app: string;
let installed: string;
let shipped: string[];

/** Runs the installed package's bin from the consumer project. */
function secitem(args: string[]) {
  const env = { ...process.env };
  delete env.SECURITY_FRAMEWORK_BACKEND;
  const r = spawnSync(process.execPath, [join('node_modules', 'security-framework', 'dist', 'cli', 'main.js'), ...args], { cwd: app, encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  ({ dir, app, installed, shipped } = packedConsumer(root, 'conformance-consumer'));
}, 60_000);
afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('secitem conformance from the installed package', () => {
  it('the tarball ships the scenarios, their schema and source table, and the runner', () => {
    expect(shipped).toEqual(expect.arrayContaining([
      'conformance/scenarios/scenario.schema.json', 'conformance/scenarios/sources.json',
      'conformance/scenarios/s01-routing.json', 'dist/conformance/cli.js', 'dist/cli/main.js',
    ]));
    expect(shipped.filter((f) => f.startsWith('test/'))).toEqual([]);
  });

  it('--backend emulator runs every shipped scenario, prints the summary and writes both reports', () => {
    const reports = join(dir, 'reports');
    const r = secitem(['conformance', '--backend', 'emulator', '--report', reports]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    const summary = /^(\d+) passed, 0 failed, (\d+) skipped$/.exec(lines.at(-1)!);
    expect(summary, r.stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(150);
    expect(lines).toContain(`reports: ${join(reports, 'report.html')} ${join(reports, 'report.json')}`);
    expect(readFileSync(join(reports, 'report.html'), 'utf8')).toContain('s1-');
    const json = JSON.parse(readFileSync(join(reports, 'report.json'), 'utf8')) as { mode: string; summary: { passed: number; failed: number }; scenarios: unknown[] };
    expect(json).toMatchObject({ mode: 'emulator', summary: { passed: Number(summary![1]), failed: 0 } });
  }, 120_000);

  it('--filter runs only the matching scenarios', () => {
    const r = secitem(['conformance', '--filter', '^s13-']);
    expect(r.status).toBe(0);
    expect(r.stdout.trimEnd()).toMatch(/^\d+ passed, 0 failed, 0 skipped$/);
  });

  it.skipIf(process.platform === 'darwin')('--backend native off macOS exits 2 and says why', () => {
    const r = secitem(['conformance', '--backend', 'native', '--report', join(dir, 'native')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/^the native backend is not available here: .*only on macOS/);
    expect(existsSync(join(dir, 'native'))).toBe(false);
  });

  it('--help prints the options and exits 0; a usage error exits 2 with the usage', () => {
    const help = secitem(['conformance', '--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: secitem conformance [--backend emulator|native|both]');
    for (const flag of ['--filter', '--report', '--known', '--corpus']) expect(help.stdout).toContain(flag);
    const bad = secitem(['conformance', '--backend', 'mac']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain('usage: secitem conformance');
    expect(secitem(['--help']).stdout).toMatch(/^ {4}conformance {2,}/m);
  });
});

describe('secitem conformance in process', () => {
  it('writes the runner output to the given streams', async () => {
    let out = '';
    const io = { stdout: { write: (t: string) => { out += t; } }, stderr: { write: () => undefined }, stdin: process.stdin };
    expect(await main(['conformance', '--filter', '^s13-'], io)).toBe(0);
    expect(out).toMatch(/^\d+ passed, 0 failed, 0 skipped\n$/);
    out = '';
    expect(await main(['conformance', '-h'], io)).toBe(0);
    expect(out).toContain('usage: secitem conformance');
  });
});
