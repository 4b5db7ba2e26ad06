/**
 * The one place the raw calls are bound to a backend: each call's arguments are checked once
 * against its row in arguments.ts (errSecParam naming the argument, before the backend is even
 * chosen), then handed to the backend. The top-level functions are this binding over the
 * process default (default.ts); `createEmulator()` is this binding over an emulator backend.
 */
import {
  argumentRules, checkArguments, requireHandle, requireLAContextProperty, requireLAContextValue, type RuledCall,
} from '../arguments.js';
import type { Backend, LAContextSettable } from '../backend/backend.js';
import { paramError, unexpectedError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { readCallerValue } from '../values.js';

/** The calls a binding checks: every raw call, and LAContext's asynchronous ones. */
export type BoundCalls = Pick<Backend, RuledCall>;

const BOUND_CALLS = Object.keys(argumentRules) as RuledCall[];

/**
 * Runs a call so that anything thrown becomes a rejected Promise carrying a SecError — never a
 * synchronous throw and never another error type.
 */
export async function dispatch<T>(run: () => Promise<T> | T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw unexpectedError(error);
  }
}

const UNBOUND = Symbol('security-framework.unboundBackend');

/** The backend a bound one wraps (a backend that is not bound is its own). */
export function unbound(backend: Backend): Backend {
  return (backend as { [UNBOUND]?: Backend })[UNBOUND] ?? backend;
}

/** The raw calls over `backend()`, which is asked for the backend only after the arguments passed. */
export function bindCalls(backend: () => Backend): BoundCalls {
  const calls: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const name of BOUND_CALLS) {
    calls[name] = (...args: unknown[]) => dispatch(() => {
      const checked = checkArguments(name, args);
      const target = unbound(backend());
      return (target[name] as (...a: unknown[]) => Promise<unknown>).apply(target, checked);
    });
  }
  return calls as unknown as BoundCalls;
}

/**
 * A backend whose raw calls are checked: what the package hands out (`keychain()`,
 * `createEmulator()`), so a backend reached through the public API never sees unchecked input.
 */
export class BoundBackend implements Backend {
  readonly name: string;
  readonly [UNBOUND]: Backend;

  constructor(backend: Backend) {
    this[UNBOUND] = backend;
    this.name = backend.name;
    Object.assign(this, bindCalls(() => backend));
  }

  laContextCreate(): unknown {
    return this[UNBOUND].laContextCreate();
  }

  // diagnose()'s calls (backend/diagnosis.ts): read-only; the persistent reference is checked here.

  async diagnoseProcess(): ReturnType<Backend['diagnoseProcess']> {
    return this[UNBOUND].diagnoseProcess();
  }

  async diagnoseFileItem(persistentRef: Uint8Array): ReturnType<Backend['diagnoseFileItem']> {
    if (!(persistentRef instanceof Uint8Array)) throw paramError('persistentRef must be a Uint8Array (a persistent reference)');
    return this[UNBOUND].diagnoseFileItem(persistentRef);
  }

  // LAContext's synchronous calls: checked here too (arguments.ts), so they throw errSecParam.

  laContextBiometryType(context: SecHandle): number {
    return this[UNBOUND].laContextBiometryType(requireHandle(context, 'LAContext', 'context'));
  }

  laContextGet<K extends keyof LAContextSettable>(context: SecHandle, property: K): LAContextSettable[K] {
    requireHandle(context, 'LAContext', 'context');
    return this[UNBOUND].laContextGet(context, requireLAContextProperty(property, 'property') as K);
  }

  laContextSet<K extends keyof LAContextSettable>(context: SecHandle, property: K, value: LAContextSettable[K]): void {
    requireHandle(context, 'LAContext', 'context');
    const name = requireLAContextProperty(property, 'property') as K;
    this[UNBOUND].laContextSet(context, name, requireLAContextValue(name, value));
  }

  laContextInvalidate(context: SecHandle): void {
    this[UNBOUND].laContextInvalidate(requireHandle(context, 'LAContext', 'context'));
  }

  close(): void {
    this[UNBOUND].close();
  }
}
// The checked calls are own properties, assigned from bindCalls in the constructor.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface BoundBackend extends BoundCalls {}

/** Every method a Backend has (backend.ts): a backend is whole, or it is not one. */
const BACKEND_METHODS = [
  ...Object.keys(argumentRules), 'laContextCreate', 'laContextBiometryType', 'laContextGet', 'laContextSet', 'laContextInvalidate', 'close',
] as const;

/**
 * A backend the caller passed as an option (`what` names it): an object with every method of
 * Backend, so no call made later can find one missing. A backend is an object of code, not
 * data, so a Proxy is allowed; reading it once here, whatever its getters or traps throw is
 * errSecParam naming the option.
 */
export function requireBackend(value: unknown, what: string): Backend {
  const missing = value !== null && typeof value === 'object'
    ? readCallerValue(what, () => BACKEND_METHODS.filter((m) => typeof (value as Record<string, unknown>)[m] !== 'function'))
    : undefined;
  if (missing === undefined || missing.length > 0) {
    throw paramError(`${what} must be a backend (keychain(), createEmulator(), openBackend())${missing?.length ? `; it has no ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}` : ''}`);
  }
  return value as Backend;
}

const bound = new WeakMap<Backend, BoundBackend>();

/** The checked form of a backend (the same object for the same backend). */
export function bind(backend: Backend): BoundBackend {
  if (backend instanceof BoundBackend) return backend;
  let b = bound.get(backend);
  if (!b) {
    b = new BoundBackend(backend);
    bound.set(backend, b);
  }
  return b;
}
