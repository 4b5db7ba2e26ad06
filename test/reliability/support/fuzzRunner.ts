/**
 * Runs one generated call sequence against a fresh emulator on a store file and judges every
 * call: it settles (within its timeout), it fails only with a SecError — never a TypeError,
 * never errSecInternalComponent (which says the package is at fault) — in the way its kind of
 * call may fail, and what a SecItem call returns has Core Foundation's shapes. After the
 * sequence the store must still be healthy: integrity_check ok, and an add, find and delete
 * round-trip on the same emulator and on a fresh one opened on the same file.
 */
import { join } from 'node:path';
import { inspect } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { createEmulator, LAContext, SecError, SecHandle, type AppIdentity, type Emulator } from '../../../src/index.js';
import { CALLS, harvest, newRunContext, rememberItem, resolve, Skip, type RunContext, type Step } from './fuzzSteps.js';

/** How long a call may take to settle before it counts as hung. */
export const CALL_TIMEOUT_MS = 2_000;
const errSecInternalComponent = -2070;

export interface Violation {
  call: string;
  what: string;
  detail: string;
  args: string;
}

/** A known defect of src/ that the fuzzer finds: counted apart, and pinned by an it.fails test. */
export interface KnownDefect {
  /** The it.fails test that reproduces it. */
  test: string;
  matches(v: Violation): boolean;
}

export interface Tally {
  runs: number;
  calls: number;
  skipped: number;
  resolved: number;
  /** Status name → how many calls rejected (or, where allowed, threw) with it. */
  failedWith: Record<string, number>;
  /** Keychain calls given an aborted signal, which reject with its reason (documented). */
  aborted: number;
  violations: Violation[];
  /** Violations that are known defects, by the test that pins each. */
  known: Record<string, number>;
  slowestMs: number;
  /** Call → [resolved, failed]: how deep each call got. */
  byCall: Record<string, [number, number]>;
}

export function newTally(): Tally {
  return { runs: 0, calls: 0, skipped: 0, resolved: 0, failedWith: {}, aborted: 0, violations: [], known: {}, slowestMs: 0, byCall: {} };
}

const show = (v: unknown) => inspect(v, { depth: 3, maxArrayLength: 6, maxStringLength: 60, breakLength: Infinity });
const describeFailure = (e: unknown) => (e instanceof SecError ? `SecError ${e.code}: ${e.message}`
  : e instanceof Error ? `${e.constructor.name}: ${e.message}` : `${typeof e}: ${show(e)}`);

/** Core Foundation's shapes (DESIGN.md, "Values crossing the API"): what a result may hold. */
function cfShapeProblem(value: unknown, path = 'result', depth = 0): string | undefined {
  if (depth > 8) return `${path} is nested too deep`;
  if (typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? `${path} is an invalid Date` : undefined;
  if (Buffer.isBuffer(value) || value instanceof SecHandle) return undefined;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) {
      const p = cfShapeProblem(v, `${path}[${i}]`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      const p = cfShapeProblem(v, `${path}.${k}`, depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  return `${path} is ${show(value)}, which is no Core Foundation type`;
}
const SHAPED = new Set(['SecItemAdd', 'SecItemCopyMatching', 'SecItemUpdate', 'SecItemDelete', 'SecKeyCopyAttributes']);
/** A call's result: undefined (nothing asked for), or Core Foundation's shapes. */
const resultProblem = (value: unknown) => (value === undefined ? undefined : cfShapeProblem(value));

/** keytar's argument error: `Error` "… is required." or `TypeError` "Parameter '…' must be a string", with errSecParam. */
function isKeytarArgumentError(error: unknown): boolean {
  if (!(error instanceof Error) || error instanceof SecError) return false;
  const { status, code } = error as Error & { status?: unknown; code?: unknown };
  if (status !== -50 || code !== 'errSecParam') return false;
  return Object.getPrototypeOf(error) === TypeError.prototype
    ? /^Parameter '(service|username|password)' must be a string$/.test(error.message)
    : Object.getPrototypeOf(error) === Error.prototype && /^(Service|Account|Password) is required\.$/.test(error.message);
}

/** Makes one call and judges how it ended. */
async function judgeCall(step: Step, ctx: RunContext, tally: Tally, known: readonly KnownDefect[]): Promise<void> {
  const def = CALLS[step.call]!;
  let args: unknown[] = [];
  const violation = (what: string, detail: string) => {
    const v = { call: step.call, what, detail, args: show(args) };
    const defect = known.find((k) => k.matches(v));
    if (defect) tally.known[defect.test] = (tally.known[defect.test] ?? 0) + 1;
    else tally.violations.push(v);
  };
  const failed = (error: unknown, how: 'threw' | 'rejected') => {
    if (def.documented?.(args, error)) {
      tally.aborted++;
      return;
    }
    // keytar's functions throw keytar's own argument errors (an Error or a TypeError with
    // status -50 and code errSecParam), synchronously, as keytar did (docs/migrating-from-keytar.md).
    if (def.mode === 'keytar' && how === 'threw' && isKeytarArgumentError(error)) {
      tally.failedWith.errSecParam = (tally.failedWith.errSecParam ?? 0) + 1;
      (tally.byCall[step.call] ??= [0, 0])[1]++;
      return;
    }
    if (!(error instanceof SecError)) return violation(`${how} something other than a SecError`, describeFailure(error));
    if (error.status === errSecInternalComponent) return violation(`${how} errSecInternalComponent`, describeFailure(error));
    tally.failedWith[error.code] = (tally.failedWith[error.code] ?? 0) + 1;
    (tally.byCall[step.call] ??= [0, 0])[1]++;
  };
  const resolved = () => {
    tally.resolved++;
    (tally.byCall[step.call] ??= [0, 0])[0]++;
  };

  let returned: unknown;
  const started = performance.now();
  try {
    args = step.args.map((a) => resolve(a, ctx));
    returned = def.run(ctx, args);
  } catch (error) {
    if (error instanceof Skip) {
      tally.skipped++;
      return;
    }
    tally.calls++;
    if (def.mode === 'async') return violation('threw synchronously instead of returning a rejected Promise', describeFailure(error));
    return failed(error, 'threw');
  }
  tally.calls++;
  if (def.mode === 'async' && !(returned instanceof Promise)) return violation('did not return a Promise', show(returned));
  if (!(returned instanceof Promise)) return resolved();
  const timeoutMs = def.timeoutMs ?? CALL_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    returned.then((value: unknown) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error })),
    new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), timeoutMs))),
  ]);
  clearTimeout(timer);
  tally.slowestMs = Math.max(tally.slowestMs, performance.now() - started);
  if (outcome === 'hung') return violation(`did not settle within ${timeoutMs} ms`, '');
  if (!outcome.ok) return failed(outcome.error, 'rejected');
  resolved();
  if (step.call === 'SecItemAdd') rememberItem(args[0], ctx.pools);
  const shape = SHAPED.has(step.call) ? resultProblem(outcome.value) : undefined;
  if (shape) violation('resolved with a value of no Core Foundation type', shape);
  harvest(outcome.value, ctx.pools);
}

/** An add, find and delete of a fresh item; what went wrong, or undefined. */
async function roundTrip(emulator: Emulator, account: string): Promise<string | undefined> {
  const item = { class: 'genp', svce: 'fuzz-health', acct: account, nleg: false };
  try {
    await emulator.SecItemAdd({ ...item, v_Data: Buffer.from(account) });
    const found = await emulator.SecItemCopyMatching({ ...item, r_Data: true });
    if (!Buffer.isBuffer(found) || found.toString() !== account) return `found ${show(found)} instead of the secret just added`;
    await emulator.SecItemDelete(item);
    const gone = await emulator.SecItemCopyMatching(item).then(() => 'still there', (e: unknown) => (e instanceof SecError && e.code === 'errSecItemNotFound' ? undefined : describeFailure(e)));
    return gone && `after the delete: ${gone}`;
  } catch (error) {
    return describeFailure(error);
  }
}

/** Sequences run in this process: each gets a store file of its own. */
let sequences = 0;

/** Ways to break a run on purpose, to show that the checks notice (the fuzzer's self-test). */
export interface Sabotage {
  /** Changes the emulator for the steps; returns what undoes it before the health check. */
  duringSteps?(emulator: Emulator): () => void;
  /** Damages the store file once the emulator has closed it. */
  afterClose?(path: string): void;
}

/** Runs a sequence on a fresh store in `dir`; records its calls and any violation in `tally`. */
export async function runSequence(
  steps: readonly Step[], app: AppIdentity | undefined, dir: string, tally: Tally, known: readonly KnownDefect[], sabotage: Sabotage = {},
): Promise<void> {
  tally.runs++;
  const run = ++sequences;
  const path = join(dir, `run-${run}.sqlite`);
  const emulator = createEmulator(app ? { path, app } : { path });
  const ctx = newRunContext(emulator, dir);
  // Something for key, access-control and LAContext steps to use from the start.
  const pools = ctx.pools;
  pools.ecPrivate.push(await emulator.SecKeyCreateRandomKey({ type: '73', bsiz: 256 }));
  pools.rsaPrivate.push(await emulator.SecKeyCreateRandomKey({ type: '42', bsiz: 1024 }));
  pools.ecPublic.push((await emulator.SecKeyCopyPublicKey(pools.ecPrivate[0]!))!);
  pools.rsaPublic.push((await emulator.SecKeyCopyPublicKey(pools.rsaPrivate[0]!))!);
  pools.key.push(pools.ecPrivate[0]!, pools.rsaPrivate[0]!, pools.ecPublic[0]!, pools.rsaPublic[0]!);
  harvest(await emulator.SecAccessControlCreateWithFlags('ak', 1), ctx.pools);
  ctx.pools.context.push(new LAContext({ backend: emulator }));
  const undo = sabotage.duringSteps?.(emulator);
  for (const step of steps) await judgeCall(step, ctx, tally, known);
  undo?.();

  const unhealthy = (detail: string) => tally.violations.push({ call: `(after sequence ${run})`, what: 'the store is not healthy', detail, args: show(steps.map((s) => s.call)) });
  emulator.unlock();
  emulator.passcodeSet = true;
  emulator.user.response = 'approve';
  emulator.user.biometryEnrolled = true;
  const same = await roundTrip(emulator, `same-${run}`);
  if (same) unhealthy(`the same emulator: ${same}`);
  emulator.close();
  sabotage.afterClose?.(path);
  try {
    const db = new DatabaseSync(path, { readOnly: true });
    const integrity = (db.prepare('PRAGMA integrity_check').all() as Record<string, unknown>[]).map((r) => String(Object.values(r)[0])).join('; ');
    db.close();
    if (integrity !== 'ok') unhealthy(`integrity_check: ${integrity}`);
  } catch (error) {
    unhealthy(`integrity_check cannot run: ${describeFailure(error)}`);
  }
  try {
    const fresh = createEmulator(app ? { path, app } : { path });
    const again = await roundTrip(fresh, `fresh-${run}`);
    fresh.close();
    if (again) unhealthy(`a fresh emulator on the file: ${again}`);
  } catch (error) {
    unhealthy(`a fresh emulator cannot open the file: ${describeFailure(error)}`);
  }
}
