import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listedIds, main, parseArgs } from '../../src/conformance/cli.js';
import { RecordingBackend, recordingFactory } from './recordingBackend.js';

const root = join(__dirname, '..', '..');

function io(native?: RecordingBackend) {
  const lines: string[] = [];
  const progress: string[] = [];
  return {
    lines, progress,
    io: {
      out: (l: string) => { lines.push(l); },
      progress: (t: string) => { progress.push(t); },
      ...(native ? { nativeFactory: () => Promise.resolve(recordingFactory(native)) } : {}),
    },
  };
}


/** A temporary folder, removed after the test. */
const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'conformance-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('parseArgs', () => {
  it('reads the options, with separate or inline values', () => {
    expect(parseArgs(['--backend', 'both', '--filter=s3-', '--report', 'out'], root)).toMatchObject({ backend: 'both', filter: 's3-', report: 'out' });
    expect(parseArgs([], root).backend).toBe('emulator');
  });

  it.each([[['--backend', 'mac']], [['--frobnicate']], [['--report']], [['--filter', '(']]])('rejects %j', (argv) => {
    expect(() => parseArgs(argv, root)).toThrow();
  });
});

describe('main', () => {
  it('runs the filtered corpus on the emulator and ends with the summary line', async () => {
    const t = io();
    const code = await main(['--backend', 'emulator', '--filter', '^s13-'], root, t.io);
    expect(code).toBe(0);
    expect(t.lines.at(-1)).toMatch(/^\d+ passed, 0 failed, 0 skipped$/);
    expect(t.progress.some((p) => /^\[1\/\d+\] passed/.test(p))).toBe(true);
  });

  it('both mode: an injected difference fails the run and shows in both reports', async () => {
    const native = new RecordingBackend((call, result) =>
      call === 'SecItemCopyMatching' && result && typeof result === 'object' && !Array.isArray(result) && !Buffer.isBuffer(result) && 'labl' in result
        ? { ...result, labl: 'tampered' } : result);
    const dir = temp();
    const t = io(native);
    const code = await main(['--backend', 'both', '--filter', '^s3-fb-label', '--report', dir], root, t.io);
    expect(code).toBe(1);
    expect(t.lines.some((l) => /^FAIL s3-fb-label-defaults-service \(rule 3\.11\): step 2: differs at result\.labl$/.test(l))).toBe(true);
    expect(t.lines.at(-1)).toMatch(/^0 passed, 3 failed, 0 skipped$/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('s3-fb-label-defaults-service');
    expect(html).toContain('differs at: result.labl');
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { mode: string; summary: { failed: number } };
    expect(json).toMatchObject({ mode: 'both', summary: { failed: 3 } });
  });

  it('a difference listed in the differences document does not fail the run', async () => {
    const native = new RecordingBackend((call, result) => (call === 'SecItemAdd' ? undefined : result));
    const known = join(temp(), 'emulator-differences.md');
    writeFileSync(known, '- `s3-fb-add-returns-ref`: the test backend returns nothing\n');
    const t = io(native);
    const code = await main(['--backend', 'both', '--filter', '^s3-fb-add-returns-ref$', '--known', known], root, t.io);
    expect(t.lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped');
    expect(code).toBe(0);
  });

  it('skips scenarios the real keychain cannot run, with the reason', async () => {
    const t = io(new RecordingBackend());
    const dir = temp();
    const code = await main(['--backend', 'native', '--filter', '^s9-locked-read-data$|^s8-unsigned-dp-add$', '--report', dir], root, t.io);
    expect(code).toBe(0);
    expect(t.lines.at(-1)).toBe('1 passed, 0 failed, 1 skipped');
    const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as { scenarios: { id: string; reason?: string }[] };
    expect(json.scenarios.find((s) => s.id === 's9-locked-read-data')?.reason).toMatch(/native: emulator only: uses device or simulated-user controls/);
  });

  it('stops after the running scenario when interrupted and exits 130', async () => {
    let interrupt: (() => void) | undefined;
    const lines: string[] = [];
    const code = await main(['--backend', 'emulator', '--filter', '^s13-'], root, {
      out: (l) => { lines.push(l); },
      progress: () => { interrupt?.(); },
      onInterrupt: (handler) => { interrupt = handler; return () => { interrupt = undefined; }; },
    });
    expect(code).toBe(130);
    expect(lines).toContain('interrupted after 1 of 10 scenarios (cleanup done)');
    expect(lines.at(-1)).toBe('1 passed, 0 failed, 0 skipped');
  });

  it('says so and exits 2 when the native backend is not available', async () => {
    const t = io();
    const before = process.env.SECURITY_FRAMEWORK_BACKEND;
    try {
      const code = await main(['--backend', 'native'], root, t.io);
      expect(code).toBe(2);
      expect(t.lines[0]).toMatch(/^the native backend is not available here: /);
    } finally {
      if (before === undefined) delete process.env.SECURITY_FRAMEWORK_BACKEND;
      else process.env.SECURITY_FRAMEWORK_BACKEND = before;
    }
  });

  it('--help prints the options and exits 0', async () => {
    const t = io();
    expect(await main(['--help'], root, t.io)).toBe(0);
    expect(t.lines.join('\n')).toContain('usage: npm run conformance -- [--backend emulator|native|both]');
  });

  it('exits 2 on a usage error', async () => {
    const t = io();
    expect(await main(['--backend'], root, t.io)).toBe(2);
    expect(existsSync(join(root, 'conformance', 'scenarios', 'scenario.schema.json'))).toBe(true);
  });
});

describe('listedIds', () => {
  it('finds scenario ids written in backquotes', () => {
    expect([...listedIds('| `s1-a` | x |\n- `s2-b-c` and `Not-An-Id`')]).toEqual(['s1-a', 's2-b-c']);
  });
});
