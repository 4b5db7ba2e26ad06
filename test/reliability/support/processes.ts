/**
 * Child processes of the reliability suite: the fixtures in test/fixtures/ run the compiled
 * package (dist/, built by setup.ts) under the same Node as the tests, and talk to the parent
 * in JSON lines on stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(__dirname, '..', '..', '..');
/**
 * The compiled package, as an app would load it. RELIABILITY_PACKAGE points the child
 * processes at another build of it (say, a copy of dist/ with a defect put in on purpose, to
 * see the suite catch it).
 */
export const PACKAGE_ENTRY = process.env.RELIABILITY_PACKAGE || join(ROOT, 'dist', 'index.js');
export const fixture = (name: string): string => join(ROOT, 'test', 'fixtures', name);

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** A running fixture: its stdout lines as they arrive, and how it ended. */
export interface Child {
  readonly process: ChildProcess;
  readonly lines: string[];
  readonly exited: Promise<Exit>;
  /** Resolves with the first line for which `test` is true (or undefined if the child ends first). */
  waitForLine(test: (line: string) => boolean): Promise<string | undefined>;
}

export function start(script: string, args: readonly string[]): Child {
  const child = spawn(process.execPath, [fixture(script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: { test: (line: string) => boolean; resolve: (line: string | undefined) => void }[] = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    partial += chunk;
    let end: number;
    while ((end = partial.indexOf('\n')) >= 0) {
      const line = partial.slice(0, end);
      partial = partial.slice(end + 1);
      lines.push(line);
      for (let i = waiters.length - 1; i >= 0; i--) {
        if (waiters[i]!.test(line)) waiters.splice(i, 1)[0]!.resolve(line);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  // 'close' (not 'exit'): every line written before the end has been read.
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => {
    for (const w of waiters.splice(0)) w.resolve(undefined);
    resolve({ code, signal, stderr });
  }));
  return {
    process: child, lines, exited,
    waitForLine(test) {
      const seen = lines.find(test);
      if (seen !== undefined) return Promise.resolve(seen);
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(undefined);
      return new Promise((resolve) => waiters.push({ test, resolve }));
    },
  };
}

/** Runs a fixture to its end and parses the JSON it prints last; throws if it failed. */
export async function runForJson<T>(script: string, args: readonly string[], timeoutMs: number): Promise<T> {
  const child = start(script, args);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), timeoutMs);
  const exit = await child.exited;
  clearTimeout(timer);
  if (exit.code !== 0) throw new Error(`${script} ended with ${exit.code ?? exit.signal}: ${exit.stderr}`);
  const last = child.lines.at(-1);
  if (last === undefined) throw new Error(`${script} printed nothing`);
  return JSON.parse(last) as T;
}
