/**
 * Timeouts: a backend whose calls reject after a time limit. A framework call cannot be
 * cancelled — SecItemCopyMatching waiting on a keychain dialog no one answers keeps waiting
 * on the addon's queue — so the Promise the caller holds rejects at the limit, and what the
 * call produces when it does finish is dropped: a SecKey, SecCertificate or other handle it
 * returns is released at once (the native reference is let go, as `release()` does), a
 * dictionary or data is left to the garbage collector, and a failure is ignored. A write
 * (SecItemAdd, Update, Delete) that finishes late has still happened. An LAContext evaluation
 * that times out is cancelled for real: the context is invalidated (LAContext.h, `invalidate`:
 * a running evaluation ends with LAErrorAppCancel), so its prompt goes away.
 *
 * The status is errSecInteractionRequired (-25315, "User interaction is required, but is
 * currently not allowed"): a keychain call that does not return within seconds is, in
 * practice, waiting for a person — a password dialog, an unlock prompt, Touch ID.
 */
import type { Backend } from '../backend/backend.js';
import { paramError, SecError } from '../errors.js';
import { handlePayload, SecHandle } from '../handles.js';
import { bind, requireBackend } from './bind.js';
import { delegatingBackend } from './delegate.js';

/** errSecInteractionRequired (SecBase.h). */
const errSecInteractionRequired = -25315;

/** What a call that timed out rejects with: a SecError that also says which call and how long. */
export class SecTimeoutError extends SecError {
  /** The call that did not finish, e.g. "SecItemCopyMatching". */
  readonly operation: string;
  /** The limit, in milliseconds. */
  readonly timeout: number;

  constructor(operation: string, timeout: number) {
    super(errSecInteractionRequired,
      `${operation} did not finish within ${timeout} ms; it is most likely waiting for a prompt no one answers ` +
      '(the call itself cannot be cancelled: its result is released when it arrives)');
    this.operation = operation;
    this.timeout = timeout;
  }
}

/** The largest timeout a timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT = 0x7fffffff;

/** A timeout option: a positive integer of milliseconds (0 or undefined: none). */
export function requireTimeout(value: unknown, what: string): number | undefined {
  if (value === undefined || value === 0) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT) {
    throw paramError(`${what} must be a whole number of milliseconds from 0 (none) to ${MAX_TIMEOUT}, not ${typeof value === 'number' ? value : typeof value}`);
  }
  return value;
}

/** SECURITY_FRAMEWORK_TIMEOUT: its milliseconds; undefined when it is 0 (none); null when it is not set or empty. */
export function timeoutFromEnvironment(env: NodeJS.ProcessEnv = process.env): number | undefined | null {
  const given = env.SECURITY_FRAMEWORK_TIMEOUT;
  if (given === undefined || given === '') return null;
  if (!/^\d+$/.test(given)) throw paramError(`SECURITY_FRAMEWORK_TIMEOUT must be a number of milliseconds, not ${JSON.stringify(given)}`);
  return requireTimeout(Number(given), 'SECURITY_FRAMEWORK_TIMEOUT');
}

/** Releases every handle in a result that arrived too late (at any depth). */
function releaseLate(value: unknown, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (value instanceof SecHandle) {
    const payload = handlePayload<{ release?: unknown }>(value, value.backend);
    if (payload && typeof payload === 'object' && typeof payload.release === 'function') (payload.release as () => void)();
    return;
  }
  if (Array.isArray(value)) for (const v of value) releaseLate(v, seen);
  else if (Object.getPrototypeOf(value) === Object.prototype) for (const v of Object.values(value)) releaseLate(v, seen);
}

const EVALUATIONS = new Set(['laContextEvaluatePolicy', 'laContextEvaluateAccessControl']);

/**
 * `backend` with every asynchronous call limited to `timeout` milliseconds (none when
 * undefined). Synchronous calls (LAContext properties, close) are unchanged.
 */
export function limitCalls(backend: Backend, timeout: number | undefined): Backend {
  const limit = requireTimeout(timeout, 'timeout');
  if (limit === undefined) return backend;
  const replaced: Record<string, unknown> = {};
  const inner = backend as unknown as Record<string, unknown>;
  for (const [name, value] of Object.entries(delegatingBackend(backend, {}))) {
    if (typeof value !== 'function') continue;
    replaced[name] = (...args: unknown[]) => {
      const result = (inner[name] as (...a: unknown[]) => unknown).apply(backend, args);
      if (!(result instanceof Promise)) return result;
      return new Promise((resolve, reject) => {
        let late = false;
        const timer = setTimeout(() => {
          late = true;
          if (EVALUATIONS.has(name) && args[0] instanceof SecHandle) {
            try { backend.laContextInvalidate(args[0]); } catch { /* already invalid */ }
          }
          reject(new SecTimeoutError(name, limit));
        }, limit);
        result.then(
          (v) => { clearTimeout(timer); if (late) releaseLate(v); else resolve(v); },
          (e) => { clearTimeout(timer); if (!late) reject(e as Error); },
        );
      });
    };
  }
  return delegatingBackend(backend, replaced as Partial<Record<keyof Backend, unknown>>);
}

/**
 * A per-call or per-task time limit: `backend`'s calls (checked, as every binding's are) with
 * a limit of `timeout` milliseconds, e.g. `withTimeout(keychain(), 5000).SecItemCopyMatching(q)`.
 */
export function withTimeout(backend: Backend, timeout: number): Backend {
  const limit = requireTimeout(timeout, 'timeout');
  return bind(limitCalls(requireBackend(backend, 'backend'), limit));
}
