/**
 * Runs scenarios against backends: the emulator, the real keychain, or both side by side.
 * Each scenario gets a fresh target; on a real keychain every item it creates carries the
 * run's unique prefix and is deleted afterwards, also when the scenario fails.
 */
import { release as osRelease } from 'node:os';
import type { RawCallName } from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import { SecError, statusName } from '../errors.js';
import { SecHandle } from '../handles.js';
import type { CFDictionary } from '../values.js';
import {
  decodeDictionary, decodeValue, expectedStatus, isCallStep, isKeyCall, isPositionalCall, isPromptStep, stepDictionaries, PREFIX_PLACEHOLDER,
  type CallStep, type ControlName, type Json, type LoadedScenario, type Step,
} from './format.js';
import { differences, match, normalize, toView } from './matcher.js';

/** A backend a scenario runs on, plus the device controls when it has them (the emulator). */
export interface Target {
  backend: Backend;
  /** Emulator-only device and simulated-user controls; absent on a real keychain. */
  control?: (name: ControlName) => void;
  /** Emulator only: how many authentication prompts have been shown. */
  promptCount?: () => number;
  /** Releases the target (closes an emulator). */
  close?: () => void | Promise<void>;
}

export type BackendMode = 'emulator' | 'native' | 'both';

/** Makes the target for one scenario; `undefined` = this side skips it, with the reason. */
export interface TargetFactory {
  name: 'emulator' | 'native';
  /** Why this side cannot run the scenario, or undefined when it can. */
  skipReason(scenario: LoadedScenario): string | undefined;
  open(scenario: LoadedScenario): Target | Promise<Target>;
}

export interface SideOutcome {
  status: number;
  statusName: string;
  /** The result as JSON with $utf8/$hex/$date/$handle tags; null = no result. */
  result: Json;
  /** The SecError's message, for failures. */
  message?: string;
  /** Where this side disagrees with the scenario's expectation (empty = as expected). */
  mismatches: string[];
}

export interface StepReport {
  index: number;
  call?: CallStep['call'];
  control?: ControlName;
  /** A prompt-count check: the expected count. */
  prompts?: number;
  note?: string;
  /** The dictionaries as sent (prefix substituted, tags kept). */
  dictionaries: Json[];
  expect?: CallStep['expect'];
  emulator?: SideOutcome;
  native?: SideOutcome;
  /** `both` mode: where the two outcomes differ ("status", "result.acct", …). */
  differences: string[];
}

export type Verdict = 'passed' | 'failed' | 'skipped';

export interface ScenarioReport {
  id: string;
  title: string;
  rule: string;
  source: string;
  file: string;
  app?: { accessGroups: string[] };
  knownDifference?: string;
  verdict: Verdict;
  /** Why it was skipped, or why a failure does not count. */
  reason?: string;
  /** A scenario error (a broken $ref, a backend crash) rather than a mismatch. */
  error?: string;
  steps: StepReport[];
}

export interface Report {
  mode: BackendMode;
  prefix: string;
  startedAt: string;
  summary: { passed: number; failed: number; skipped: number };
  scenarios: ScenarioReport[];
}

/** The summary line the runner prints last, exactly `N passed, N failed, N skipped`. */
export function summaryLine(summary: Report['summary']): string {
  return `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`;
}

/**
 * The attributes that name an item of each class: the safety check requires one of them
 * (prefixed) and cleanup deletes by them. Only attributes the file-based keychain knows for
 * the class count: it ignores any other (spec 2.2, 18A; classes.json fileBased.shimAttributes),
 * so `{class: inet, svce: …}` would match every internet password.
 */
const NAMING_BY_CLASS: Readonly<Record<string, readonly string[]>> = {
  genp: ['acct', 'svce', 'labl'],
  inet: ['acct', 'srvr', 'labl'],
  keys: ['labl', 'atag'],
  cert: ['labl'],
  idnt: ['labl'],
};

/** Every naming attribute; a dictionary without a known class must still carry one of them. */
const NAMING_KEYS = ['acct', 'svce', 'srvr', 'labl', 'atag'] as const;

/** The classes cleanup deletes from by each naming attribute (the classes that know it). */
const CLEANUP_CLASSES: Readonly<Record<string, readonly string[]>> = Object.fromEntries(NAMING_KEYS.map((k) =>
  [k, Object.keys(NAMING_BY_CLASS).filter((c) => c !== 'idnt' && NAMING_BY_CLASS[c]!.includes(k))]));

/**
 * A read may name a certificate, key or identity by a public value of a fixture the scenario
 * carries: a public key hash, an application label, or a serial number with its issuer.
 */
function namesByFixture(dict: Record<string, Json>): boolean {
  return 'pkhh' in dict || 'klbl' in dict || ('slnr' in dict && 'issr' in dict);
}

function hasPrefix(value: Json | undefined): boolean {
  if (typeof value === 'string') return value.includes(PREFIX_PLACEHOLDER);
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const utf8 = value.$utf8;
    return typeof utf8 === 'string' && utf8.includes(PREFIX_PLACEHOLDER);
  }
  return false;
}

/**
 * A permanent key generation whose halves are all named by a prefixed label or tag: at the
 * top level, and not renamed without the prefix in kSecPrivateKeyAttrs / kSecPublicKeyAttrs.
 */
function namesPermanentKeys(step: CallStep): boolean {
  if (step.call !== 'SecKeyCreateRandomKey') return false;
  const params = step.args?.[0];
  if (params === null || typeof params !== 'object' || Array.isArray(params)) return false;
  if (!hasPrefix(params.labl) && !hasPrefix(params.atag)) return false;
  for (const half of [params.private, params.public]) {
    if (half === undefined) continue;
    if (half === null || typeof half !== 'object' || Array.isArray(half)) return false;
    for (const k of ['labl', 'atag']) if (k in half && !hasPrefix(half[k])) return false;
  }
  return true;
}

function mentionsPermanent(value: Json): boolean {
  if (Array.isArray(value)) return value.some(mentionsPermanent);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => (k === 'perm' && v !== false && v !== 0) || mentionsPermanent(v));
}

function importsToMemory(options: Json | undefined): boolean {
  return options !== null && typeof options === 'object' && !Array.isArray(options) && options.memory === true;
}

function namesByRef(dict: Record<string, Json>): boolean {
  const ref = dict.v_PersistentRef ?? dict.v_Ref;
  return ref !== undefined && ref !== null && typeof ref === 'object' && !Array.isArray(ref) && '$ref' in ref;
}

/**
 * Why a scenario may not run on a real keychain, or undefined when it is safe: every
 * dictionary must name its items by a prefixed account, service, server or label (or by a
 * reference the scenario obtained itself), and an update may not rename an item away from
 * the prefix — so a run can neither see nor change a user's own items, and cleanup finds
 * everything it made.
 */
export function unsafeReason(scenario: LoadedScenario): string | undefined {
  for (const [i, step] of scenario.steps.entries()) {
    if (!isCallStep(step)) continue;
    // An in-memory key touches no item; a permanent one is stored in the keychain, so its
    // halves must carry the prefix in their label or tag (cleanup deletes keys by both).
    if (isKeyCall(step.call)) {
      if (mentionsPermanent(step.args ?? []) && !namesPermanentKeys(step)) {
        return `step ${i + 1} (${step.call}) would store a key in the keychain (kSecAttrIsPermanent) without a prefixed kSecAttrLabel or kSecAttrApplicationTag`;
      }
      continue;
    }
    // Certificates and identities are objects, not items; SecPKCS12Import adds to the login
    // keychain unless kSecImportToMemoryOnly is true (SecImportExport.c).
    if (isPositionalCall(step.call)) {
      if (step.call === 'SecPKCS12Import' && !importsToMemory(step.args?.[1])) {
        return `step ${i + 1} (SecPKCS12Import) would add items to the keychain (no kSecImportToMemoryOnly: true)`;
      }
      continue;
    }
    const [first, second] = stepDictionaries(step);
    if (first === undefined) continue; // SecAccessControlCreateWithFlags touches no item
    const cls = typeof first.class === 'string' ? first.class : undefined;
    const naming = (cls !== undefined ? NAMING_BY_CLASS[cls] : undefined) ?? NAMING_KEYS;
    const fixtureRead = step.call === 'SecItemCopyMatching' && ['cert', 'keys', 'idnt'].includes(cls ?? '') && namesByFixture(first);
    if (!naming.some((k) => hasPrefix(first![k])) && !namesByRef(first!) && !fixtureRead) {
      return `step ${i + 1} (${step.call}) names no item by a prefixed ${naming.join(', ')} of its class (or by a reference it obtained)`;
    }
    if (second) {
      for (const k of NAMING_KEYS) {
        if (k in second && !hasPrefix(second[k])) return `step ${i + 1} renames ${k} to a value without the run prefix`;
      }
    }
  }
  return undefined;
}

/** The prefixed naming values a scenario uses, for cleanup: [key, decoded value]. */
export function cleanupTargets(scenario: LoadedScenario, prefix: string): [string, unknown][] {
  const seen = new Map<string, [string, unknown]>();
  for (const step of scenario.steps) {
    if (!isCallStep(step)) continue;
    const dicts = stepDictionaries(step);
    // A permanent key's label and tag (its halves' own, in kSecPrivateKeyAttrs / kSecPublicKeyAttrs, too).
    if (step.call === 'SecKeyCreateRandomKey') {
      const params = step.args?.[0];
      if (params !== null && typeof params === 'object' && !Array.isArray(params)) {
        for (const d of [params, params.private, params.public]) {
          if (d !== null && typeof d === 'object' && !Array.isArray(d)) dicts.push(d);
        }
      }
    }
    for (const dict of dicts) {
      for (const k of NAMING_KEYS) {
        const raw = dict[k];
        if (!hasPrefix(raw)) continue;
        const value = decodeDictionary({ v: raw! }, prefix, new Map()).v;
        seen.set(`${k}=${JSON.stringify(toView(value))}`, [k, value]);
      }
    }
  }
  return [...seen.values()];
}

/**
 * Deletes every item a scenario may have left behind on a real keychain: each item a
 * SecItemAdd of the scenario returned or was given by reference (`refs`), then by each
 * prefixed naming value in every class that knows the attribute (passwords, keys,
 * certificates), synchronizable or not, all matches (the file-based keychain deletes one
 * match unless told kSecMatchLimitAll, rule 6.2).
 */
export async function cleanup(backend: Backend, targets: [string, unknown][], refs: readonly SecHandle[] = []): Promise<void> {
  for (const ref of refs) {
    try {
      await backend.SecItemDelete({ v_Ref: ref } as CFDictionary);
    } catch {
      // already gone, or deleted with another reference
    }
  }
  for (const [key, value] of targets) {
    for (const cls of CLEANUP_CLASSES[key] ?? []) {
      for (let round = 0; round < 10; round++) {
        try {
          await backend.SecItemDelete({ class: cls, [key]: value, m_Limit: 'm_LimitAll', sync: 'syna' } as CFDictionary);
        } catch {
          break;
        }
      }
    }
  }
}

/** Kinds of reference that name a keychain item (or, for an identity, two). */
const ITEM_REFS = new Set(['SecKey', 'SecCertificate', 'SecIdentity', 'SecKeychainItem']);

/** The item references a successful SecItemAdd was given (kSecValueRef) and returned. */
function addedRefs(dicts: CFDictionary[], value: unknown): SecHandle[] {
  const found = [dicts[0]?.v_Ref, ...(Array.isArray(value) ? value : [value])];
  return found.filter((v): v is SecHandle => v instanceof SecHandle && ITEM_REFS.has(v.kind));
}

async function runCall(backend: Backend, step: CallStep, dicts: CFDictionary[], args: unknown[], prefix: string, saved: ReadonlyMap<string, unknown>): Promise<{ status: number; value: unknown; message?: string }> {
  try {
    let value: unknown;
    switch (step.call) {
      case 'SecAccessControlCreateWithFlags':
        value = await backend.SecAccessControlCreateWithFlags(
          decodeValue(step.protection ?? '', prefix, saved) as string, step.flags ?? 0);
        break;
      case 'SecItemAdd': value = await backend.SecItemAdd(dicts[0]!); break;
      case 'SecItemCopyMatching': value = await backend.SecItemCopyMatching(dicts[0]!); break;
      case 'SecItemUpdate': value = await backend.SecItemUpdate(dicts[0]!, dicts[1]!); break;
      case 'SecItemDelete': value = await backend.SecItemDelete(dicts[0]!); break;
      default: {
        // A SecKey or certificate call: its arguments in Apple's order (SecKey.h, SecCertificate.h, …).
        const call = backend[step.call as RawCallName] as (...a: unknown[]) => Promise<unknown>;
        value = await call.apply(backend, args);
      }
    }
    return { status: 0, value };
  } catch (error) {
    if (error instanceof SecError) return { status: error.status, value: undefined, message: error.message };
    // A backend must reject with SecError only (src/backend/backend.ts); anything else is a bug.
    return { status: Number.NaN, value: undefined, message: `not a SecError: ${String(error)}` };
  }
}

interface SideRun {
  outcomes: (SideOutcome | undefined)[];
  dictionaries: Json[][];
  error?: string;
  /** References to the items the scenario's adds made, for cleanup on a real keychain. */
  refs: SecHandle[];
}

/**
 * Runs one scenario's steps on one target, checking each step's expectation. The references
 * of the items its adds make are collected in `refs` as they come, for cleanup.
 */
export async function runSteps(scenario: LoadedScenario, target: Target, prefix: string, refs: SecHandle[] = []): Promise<SideRun> {
  const saved = new Map<string, unknown>();
  const run: SideRun = { outcomes: [], dictionaries: [], refs };
  for (const step of scenario.steps) {
    if (isPromptStep(step)) {
      if (!target.promptCount) {
        run.error = 'a prompt-count check needs the emulator';
        return run;
      }
      const count = target.promptCount();
      run.outcomes.push({
        status: 0, statusName: 'prompts', result: count,
        mismatches: count === step.prompts ? [] : [`prompts: expected ${step.prompts} shown so far, got ${count}`],
      });
      run.dictionaries.push([]);
      continue;
    }
    if (!isCallStep(step)) {
      if (!target.control) {
        run.error = `control step "${step.control}" needs the emulator`;
        return run;
      }
      target.control(step.control);
      run.outcomes.push(undefined);
      run.dictionaries.push([]);
      continue;
    }
    let dicts: CFDictionary[];
    let args: unknown[];
    try {
      dicts = stepDictionaries(step).map((d) => decodeDictionary(d, prefix, saved));
      args = (step.args ?? []).map((a) => decodeValue(a, prefix, saved));
      run.dictionaries.push(step.call === 'SecAccessControlCreateWithFlags'
        ? [{ protection: toView(decodeValue(step.protection ?? '', prefix, saved)), flags: step.flags ?? 0 }]
        : isPositionalCall(step.call) ? [{ args: args.map((a) => toView(a)) }] : dicts.map((d) => toView(d)));
    } catch (error) {
      run.error = `step ${run.outcomes.length + 1}: ${(error as Error).message}`;
      return run;
    }
    const got = await runCall(target.backend, step, dicts, args, prefix, saved);
    const ctx = { prefix, saved };
    const mismatches: string[] = [];
    let wantStatus: number;
    try {
      wantStatus = expectedStatus(step.expect.status);
      if (!Object.is(got.status, wantStatus)) {
        mismatches.push(`status: expected ${wantStatus} ${statusName(wantStatus)}, got ${got.status} ${statusName(got.status)}`);
      }
      if (step.expect.result !== undefined) mismatches.push(...match(step.expect.result, got.value, ctx));
    } catch (error) {
      run.error = `step ${run.outcomes.length + 1}: ${(error as Error).message}`;
      mismatches.push(run.error);
    }
    if (step.save !== undefined && got.value !== undefined) saved.set(step.save, got.value);
    if (step.call === 'SecItemAdd' && got.status === 0) run.refs.push(...addedRefs(dicts, got.value));
    run.outcomes.push({
      status: got.status,
      statusName: statusName(got.status),
      result: toView(got.value),
      ...(got.message !== undefined ? { message: got.message } : {}),
      mismatches,
    });
    if (run.error) return run;
  }
  return run;
}

function stepReports(scenario: LoadedScenario, runs: Partial<Record<'emulator' | 'native', SideRun>>, prefix: string): StepReport[] {
  return scenario.steps.map((step: Step, index) => {
    const emulator = runs.emulator?.outcomes[index];
    const native = runs.native?.outcomes[index];
    const dictionaries = runs.emulator?.dictionaries[index] ?? runs.native?.dictionaries[index] ?? [];
    const report: StepReport = { index, dictionaries, differences: [] };
    if (step.note !== undefined) report.note = step.note;
    if (isCallStep(step)) {
      report.call = step.call;
      report.expect = step.expect;
    } else if (isPromptStep(step)) {
      report.prompts = step.prompts;
    } else {
      report.control = step.control;
    }
    if (emulator) report.emulator = emulator;
    if (native) report.native = native;
    if (runs.emulator && runs.native && isCallStep(step)) {
      if (!emulator || !native) {
        if (emulator !== native) report.differences.push('ran on one side only');
      } else {
        if (!Object.is(emulator.status, native.status)) report.differences.push('status');
        report.differences.push(...differences(
          normalize(emulator.result, step.expect.result, prefix),
          normalize(native.result, step.expect.result, prefix)));
      }
    }
    return report;
  });
}

async function runSide(factory: TargetFactory, scenario: LoadedScenario, prefix: string): Promise<SideRun> {
  const target = await factory.open(scenario);
  const refs: SecHandle[] = [];
  try {
    return await runSteps(scenario, target, prefix, refs);
  } catch (error) {
    return { outcomes: [], dictionaries: [], refs, error: `${factory.name}: ${String(error)}` };
  } finally {
    if (factory.name === 'native') await cleanup(target.backend, cleanupTargets(scenario, prefix), refs);
    await target.close?.();
  }
}

/** Skip reason common to every real keychain: device controls and the safety rule. */
export function nativeSkipReason(scenario: LoadedScenario): string | undefined {
  if (scenario.emulatorOnly !== undefined) return `emulator only: ${scenario.emulatorOnly}`;
  if (scenario.steps.some((s) => !isCallStep(s))) {
    return 'emulator only: uses device or simulated-user controls (lock, restart, passcode, prompt answers, prompt log)';
  }
  if (scenario.app !== undefined) {
    return `needs the app identity ${JSON.stringify(scenario.app.accessGroups)}; this process has no keychain entitlements`;
  }
  const unsafe = unsafeReason(scenario);
  if (unsafe !== undefined) return `refused on a real keychain: ${unsafe}`;
  if (scenario.steps.some((s) => isCallStep(s) && s.call === 'SecPKCS12Import') && !memoryOnlyImport()) {
    // Before macOS 15 the framework does not look for kSecImportToMemoryOnly and would add the
    // file's key and certificates to the login keychain (SecImportExport.c).
    return 'SecPKCS12Import with kSecImportToMemoryOnly needs macOS 15 or later; this Mac would add the items to the login keychain';
  }
  return undefined;
}

/** Whether this Mac honours kSecImportToMemoryOnly: macOS 15 (Darwin 24) or later. */
export function memoryOnlyImport(release: string = osRelease()): boolean {
  return Number.parseInt(release, 10) >= 24;
}

/** Runs one scenario in the given mode and decides its verdict. */
export async function runScenario(
  scenario: LoadedScenario,
  factories: { emulator?: TargetFactory; native?: TargetFactory },
  mode: BackendMode,
  prefix: string,
): Promise<ScenarioReport> {
  const base: ScenarioReport = {
    id: scenario.id, title: scenario.title, rule: scenario.rule, source: scenario.source, file: scenario.file,
    verdict: 'skipped', steps: [],
  };
  if (scenario.app) base.app = scenario.app;
  if (scenario.knownDifference !== undefined) base.knownDifference = scenario.knownDifference;
  const sides = mode === 'both' ? (['emulator', 'native'] as const) : [mode];
  for (const side of sides) {
    const factory = factories[side];
    if (!factory) throw new Error(`no ${side} backend`);
    const skip = factory.skipReason(scenario);
    if (skip !== undefined) {
      base.reason = `${side}: ${skip}`;
      base.steps = stepReports(scenario, {}, prefix);
      return base;
    }
  }
  const runs: Partial<Record<'emulator' | 'native', SideRun>> = {};
  for (const side of sides) runs[side] = await runSide(factories[side]!, scenario, prefix);
  base.steps = stepReports(scenario, runs, prefix);
  const errors = sides.map((s) => runs[s]!.error).filter((e): e is string => e !== undefined);
  if (errors.length > 0) base.error = errors.join('; ');
  const failed = errors.length > 0 || (mode === 'both'
    ? base.steps.some((s) => s.differences.length > 0)
    : base.steps.some((s) => (s[mode as 'emulator' | 'native']?.mismatches.length ?? 0) > 0));
  if (!failed) {
    base.verdict = 'passed';
  } else if (scenario.knownDifference !== undefined) {
    // A documented limit: shown in the report, not counted as a failure.
    base.verdict = 'skipped';
    base.reason = `known difference: ${scenario.knownDifference}`;
  } else {
    base.verdict = 'failed';
  }
  return base;
}

export interface RunOptions {
  mode: BackendMode;
  factories: { emulator?: TargetFactory; native?: TargetFactory };
  prefix: string;
  onScenario?: (report: ScenarioReport, index: number, total: number) => void;
  /** Checked between scenarios: stops the run early (SIGINT). */
  stopped?: () => boolean;
}

export async function runCorpus(scenarios: LoadedScenario[], options: RunOptions): Promise<Report> {
  const report: Report = {
    mode: options.mode, prefix: options.prefix, startedAt: new Date().toISOString(),
    summary: { passed: 0, failed: 0, skipped: 0 }, scenarios: [],
  };
  for (const [i, scenario] of scenarios.entries()) {
    // Let the event loop turn between scenarios: an emulator call settles in microtasks only,
    // so without this a SIGINT handler would not run until the whole corpus had finished.
    await new Promise((resolve) => setImmediate(resolve));
    if (options.stopped?.()) break;
    const result = await runScenario(scenario, options.factories, options.mode, options.prefix);
    report.scenarios.push(result);
    report.summary[result.verdict]++;
    options.onScenario?.(result, i, scenarios.length);
  }
  return report;
}
