/**
 * The conformance runner's command line (docs/conformance.md), reached two ways:
 * `secitem conformance [options]` from an installed package, and
 * `npm run conformance -- [options]` from a clone. Exit status: 0 when nothing failed, 1 on a
 * failure or difference, 2 on a usage or corpus error or a missing native backend, 130 when
 * interrupted.
 */
import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { filterScenarios, loadCorpus } from './loader.js';
import { runCorpus, summaryLine, type BackendMode, type ScenarioReport, type TargetFactory } from './runner.js';
import { writeReports } from './report.js';
import { emulatorFactory, loadNativeFactory } from './targets.js';

/** The scenario corpus inside the package (or clone) whose root is `root`; shipped in the tarball. */
export function defaultCorpus(root: string): string {
  return join(root, 'conformance', 'scenarios');
}

export interface CliOptions {
  backend: BackendMode;
  filter?: string;
  report?: string;
  corpus: string;
  /** A file (docs/emulator-differences.md) whose listed scenario ids do not fail the run. */
  known?: string;
}

/** How the runner is invoked in messages: `npm run conformance --` or `secitem conformance`. */
export const NPM_COMMAND = 'npm run conformance --';

/** The one-line usage, naming the command the user typed. */
export function usage(command: string = NPM_COMMAND): string {
  return `usage: ${command} [--backend emulator|native|both] [--filter regexp] [--report dir] [--corpus dir] [--known file]`;
}

/** The full help text: usage, options and exit statuses. */
export function help(command: string = NPM_COMMAND): string {
  return [
    usage(command),
    '    Run the keychain conformance scenarios on the emulator, on this Mac\'s real keychain, or on both and compare them.',
    '',
    `    ${'--backend emulator|native|both'.padEnd(31)} where the scenarios run (default emulator); both compares the two step by step`,
    `    ${'--filter regexp'.padEnd(31)} only the scenarios whose id, title or "rule <n>" matches`,
    `    ${'--report dir'.padEnd(31)} write report.html and report.json into the directory`,
    `    ${'--known file'.padEnd(31)} failures whose scenario id is in backquotes in this file do not fail the run (docs/emulator-differences.md)`,
    `    ${'--corpus dir'.padEnd(31)} another scenario directory (default: the scenarios shipped in the package)`,
    `    ${'--help'.padEnd(31)} show this help`,
    '',
    'The last line is "N passed, N failed, N skipped". Exit status: 0 when nothing failed, 1 on a failure',
    'or difference, 2 on a usage error, a broken corpus or a missing native backend, 130 when interrupted.',
    '',
  ].join('\n');
}

/** Thrown by parseArgs for --help: not a mistake. */
export class HelpRequested extends Error {}

/** Parses the command line; throws an Error with the usage text on a mistake. */
export function parseArgs(argv: readonly string[], root: string, command: string = NPM_COMMAND): CliOptions {
  const USAGE = usage(command);
  const options: CliOptions = { backend: 'emulator', corpus: defaultCorpus(root) };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--backend': {
        const v = value();
        if (v !== 'emulator' && v !== 'native' && v !== 'both') throw new Error(`--backend must be emulator, native or both, not ${JSON.stringify(v)}\n${USAGE}`);
        options.backend = v;
        break;
      }
      case '--filter': options.filter = value(); new RegExp(options.filter); break;
      case '--report': options.report = value(); break;
      case '--corpus': options.corpus = value(); break;
      case '--known': options.known = value(); break;
      case '--help': case '-h': throw new HelpRequested(help(command));
      default: throw new Error(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  return options;
}

/** Scenario ids mentioned in the differences document (as `id` in backquotes). */
export function listedIds(text: string): Set<string> {
  return new Set([...text.matchAll(/`([a-z0-9][a-z0-9-]*)`/g)].map((m) => m[1]!));
}

function firstProblem(s: ScenarioReport): string {
  if (s.error) return s.error;
  for (const step of s.steps) {
    if (step.differences.length > 0) return `step ${step.index + 1}: differs at ${step.differences.join(', ')}`;
    const m = [...(step.emulator?.mismatches ?? []), ...(step.native?.mismatches ?? [])][0];
    if (m) return `step ${step.index + 1}: ${m}`;
  }
  return '';
}

export interface CliIo {
  out: (line: string) => void;
  /** The command named in usage messages (default `npm run conformance --`). */
  command?: string;
  progress?: (text: string) => void;
  nativeFactory?: () => Promise<TargetFactory>;
  /** Installs an interrupt handler; returns its removal. */
  onInterrupt?: (handler: () => void) => () => void;
}

export async function main(argv: readonly string[], root: string, io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseArgs(argv, root, io.command);
  } catch (error) {
    if (error instanceof HelpRequested) {
      io.out(error.message.trimEnd());
      return 0;
    }
    io.out((error as Error).message);
    return 2;
  }
  const corpus = loadCorpus(options.corpus);
  if (corpus.problems.length > 0) {
    io.out(`the scenario corpus has problems:\n  ${corpus.problems.join('\n  ')}`);
    return 2;
  }
  const scenarios = filterScenarios(corpus.scenarios, options.filter);
  const factories: { emulator?: TargetFactory; native?: TargetFactory } = {};
  if (options.backend !== 'native') factories.emulator = emulatorFactory;
  if (options.backend !== 'emulator') {
    try {
      factories.native = await (io.nativeFactory ?? loadNativeFactory)();
    } catch (error) {
      io.out(`the native backend is not available here: ${(error as Error).message}`);
      return 2;
    }
  }
  let interrupted = false;
  const removeHandler = io.onInterrupt?.(() => { interrupted = true; });
  const prefix = `sfconf-${randomBytes(4).toString('hex')}-`;
  const report = await runCorpus(scenarios, {
    mode: options.backend,
    factories,
    prefix,
    stopped: () => interrupted,
    onScenario: (s, i, total) => {
      io.progress?.(`[${i + 1}/${total}] ${s.verdict.padEnd(7)} ${s.id}`);
      if (s.verdict === 'failed') io.out(`FAIL ${s.id} (rule ${s.rule}): ${firstProblem(s)}`);
    },
  });
  removeHandler?.();
  io.progress?.('');
  if (options.report) {
    const paths = writeReports(report, options.report);
    io.out(`reports: ${paths.html} ${paths.json}`);
  }
  const listed = options.known && existsSync(options.known) ? listedIds(readFileSync(options.known, 'utf8')) : new Set<string>();
  const unlisted = report.scenarios.filter((s) => s.verdict === 'failed' && !listed.has(s.id));
  if (listed.size > 0 && unlisted.length < report.summary.failed) {
    io.out(`${report.summary.failed - unlisted.length} failure(s) are listed in ${options.known}`);
  }
  if (interrupted) io.out(`interrupted after ${report.scenarios.length} of ${scenarios.length} scenarios (cleanup done)`);
  io.out(summaryLine(report.summary));
  if (interrupted) return 130;
  return unlisted.length > 0 ? 1 : 0;
}

/**
 * The process-level entry: output on stdout, progress on a terminal's stderr, Ctrl-C handling.
 * Resolves to the exit status (scripts/conformance.mjs and `secitem conformance`).
 */
export function runProcess(argv: readonly string[], root: string, command: string = NPM_COMMAND): Promise<number> {
  const tty = process.stderr.isTTY === true;
  return main(argv, root, {
    command,
    out: (line) => process.stdout.write(`${line}\n`),
    ...(tty ? { progress: (text: string) => process.stderr.write(`\r\x1b[K${text}`) } : {}),
    onInterrupt: (handler) => {
      let count = 0;
      const onSigint = () => {
        // The first Ctrl-C lets the running scenario finish its cleanup; a second one quits.
        if (++count > 1) process.exit(130);
        process.stdout.write('\ninterrupted: finishing the current scenario and its cleanup…\n');
        handler();
      };
      process.on('SIGINT', onSigint);
      return () => process.off('SIGINT', onSigint);
    },
  }).catch((error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    return 2;
  });
}

/** Entry point of scripts/conformance.mjs. */
export function run(argv: readonly string[], root: string): void {
  void runProcess(argv, root).then((code) => { process.exitCode = code; });
}
