import type { Backend } from '../backend/backend.js';
import { paramError, secError } from '../errors.js';
import { SecHandle } from '../handles.js';

/** The backend's implementation of `method`, or errSecUnimplemented saying which backend lacks it. */
export function capability<K extends keyof Backend>(backend: Backend, method: K): NonNullable<Backend[K]> {
  const fn = backend[method];
  if (typeof fn !== 'function') {
    throw secError('errSecUnimplemented',
      `${String(method)} is not available on the ${backend.name} backend`);
  }
  return (fn as (...args: never[]) => unknown).bind(backend) as NonNullable<Backend[K]>;
}

/** Argument checks shared by the key and authentication calls (errSecParam naming the argument). */
export function requireHandle(value: unknown, kind: SecHandle['kind'], what: string): SecHandle {
  if (!(value instanceof SecHandle) || value.kind !== kind) {
    throw paramError(`${what} must be a ${kind} handle`);
  }
  return value;
}

export function requireData(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw paramError(`${what} must be a Buffer or Uint8Array`);
  return value;
}

export function requireString(value: unknown, what: string, nonEmpty = false): string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    throw paramError(`${what} must be a ${nonEmpty ? 'non-empty ' : ''}string`);
  }
  return value;
}

export function requireInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw paramError(`${what} must be an integer`);
  return value;
}

/**
 * A SecAccessControlCreateFlags mask: an integer that fits in 32 bits, signed (what `|` gives
 * once kSecAccessControlApplicationPassword, 1 << 31, is set) or unsigned. Anything wider
 * would lose bits on the way to the framework.
 */
export function requireFlags(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
    throw paramError(`${what} must be a 32-bit SecAccessControlCreateFlags mask, not ${JSON.stringify(value)}`);
  }
  return value;
}
