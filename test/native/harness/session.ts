/**
 * Linux harness, test side: whether the harness was built (test/setup/build.ts builds it when
 * the toolchain is there), and running node with the addon and the sanitizer runtime, reading
 * back what the drivers and the stand-ins printed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(__dirname, '..', '..', '..');
export const statusFile = join(root, 'build', 'native-harness', 'status.json');
export const driversDir = join(__dirname, 'drivers');

export interface HarnessBuild {
  dir: string;
  addon: string;
  control: string;
  preload: string;
}

export type HarnessStatus = { ready: true; build: HarnessBuild } | { ready: false; reason: string };

/** What the test setup found: a built harness, or why there is none. */
export function harnessStatus(): HarnessStatus {
  if (!existsSync(statusFile)) return { ready: false, reason: 'the test setup did not run the harness build' };
  return JSON.parse(readFileSync(statusFile, 'utf8')) as HarnessStatus;
}

/** The title suffix of a suite that needs the harness: why it is skipped, when it is. */
export function skipReason(status: HarnessStatus): string {
  return status.ready ? '' : ` — skipped: ${status.reason}`;
}

export interface ExitReport {
  live: number;
  types: Record<string, number>;
  poolless: number;
}

export interface NodeRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  events: Array<Record<string, unknown>>;
  /** The stand-ins' report at exit, or undefined when the process died before it. */
  exit: ExitReport | undefined;
  /** AddressSanitizer and UndefinedBehaviorSanitizer reports. */
  sanitizerReports: number;
  /** Aborts the stand-ins raised (a misuse of a framework contract). */
  standinAborts: string[];
}

/** Runs `node --expose-gc script args…` with the addon's folder and the sanitizer runtime. */
export function runNode(build: HarnessBuild, script: string, args: string[] = [], timeoutMs = 120_000): NodeRun {
  const result = spawnSync(process.execPath, ['--expose-gc', script, ...args], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
    env: {
      ...process.env,
      SF_HARNESS_DIR: build.dir,
      LD_PRELOAD: build.preload,
      // Node itself is not instrumented and keeps memory until exit: leak checking would
      // report Node, not the addon. Live CF objects are counted by the stand-ins instead.
      ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
      UBSAN_OPTIONS: 'print_stacktrace=1',
    },
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  const events = [...stdout.matchAll(/^HARNESS (.*)$/gm)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
  const exitLine = stderr.match(/^STAND-IN EXIT (.*)$/m);
  return {
    status: result.status,
    signal: result.signal,
    stdout,
    stderr,
    events,
    exit: exitLine ? (JSON.parse(exitLine[1]!) as ExitReport) : undefined,
    sanitizerReports: (stderr.match(/ERROR: AddressSanitizer|runtime error:/g) ?? []).length,
    standinAborts: [...stderr.matchAll(/^STAND-IN ABORT: (.*)$/gm)].map((m) => m[1]!),
  };
}

/** Runs a driver module's cases (drivers/run.cjs). */
export function runCases(build: HarnessBuild, driver: string, cases: string[] = []): NodeRun {
  return runNode(build, join(driversDir, 'run.cjs'), [join(driversDir, driver), ...cases]);
}

/** What a run printed, for a failing assertion's message. */
export function transcript(run: NodeRun): string {
  return `status ${run.status} signal ${run.signal}\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-8000)}`;
}
