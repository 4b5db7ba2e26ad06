/**
 * A backend that answers through another one, with some calls replaced: how the binding adds
 * behaviour every backend must get alike (non-interactive mode, timeouts) without either
 * backend knowing. Every method the inner backend has — whatever calls the seam grows — is
 * forwarded with the inner backend as `this`.
 */
import type { Backend } from '../backend/backend.js';
import { unbound } from './bind.js';

/** The names of every method `backend` has, own or inherited (not Object's). */
function methodNames(backend: object): string[] {
  const names = new Set<string>();
  for (let o: object | null = backend; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor') continue;
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (d && typeof d.value === 'function') names.add(name);
    }
  }
  return [...names];
}

const inners = new WeakMap<Backend, Backend>();

/** `inner` with the calls of `replaced`; the rest forwarded. `name` stays the inner backend's. */
export function delegatingBackend(inner: Backend, replaced: Partial<Record<keyof Backend, unknown>>): Backend {
  const out: Record<string, unknown> = { name: inner.name };
  for (const name of methodNames(inner)) {
    out[name] = (...args: unknown[]) => (inner as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args);
  }
  const backend = Object.assign(out, replaced) as unknown as Backend;
  inners.set(backend, inner);
  return backend;
}

/** `backend` and every backend it delegates to or binds (bind.ts), outermost first. */
export function delegationChain(backend: Backend): Backend[] {
  const chain = [backend];
  for (;;) {
    const b = chain.at(-1)!;
    const next = inners.get(b) ?? (unbound(b) !== b ? unbound(b) : undefined);
    if (next === undefined || chain.includes(next)) return chain;
    chain.push(next);
  }
}
