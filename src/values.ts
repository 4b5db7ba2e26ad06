import { constantGroups } from './constantTables.js';
import { paramError } from './errors.js';
import { SecHandle } from './handles.js';

/**
 * A value that can cross the API: it maps onto one Core Foundation type (DESIGN.md, "Values
 * crossing the API"): string ⇄ CFString, Uint8Array/Buffer ⇄ CFData, integer ⇄ CFNumber
 * (SInt64), other number ⇄ CFNumber (double), boolean ⇄ CFBoolean, Date ⇄ CFDate, array ⇄
 * CFArray, plain object ⇄ CFDictionary, handle ⇄ its Sec/LA object.
 */
export type CFValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | SecHandle
  | readonly CFValue[]
  | CFDictionary;

/** A CFDictionary with string keys, as every SecItem call takes. */
export interface CFDictionary {
  readonly [key: string]: CFValue;
}

/** What comes back: like {@link CFValue}, with CFData always a Buffer. */
export type CFResult =
  | string
  | number
  | boolean
  | Date
  | Buffer
  | SecHandle
  | CFResult[]
  | { [key: string]: CFResult };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Raw key → the Apple names that use it, for messages ("kSecAttrAccount (acct)"). */
const appleNames = new Map<string, string[]>();
for (const group of ['itemClass', 'attribute', 'search', 'returnType', 'value', 'other', 'keyParameters'] as const) {
  for (const [name, raw] of Object.entries(constantGroups[group])) {
    const list = appleNames.get(raw) ?? [];
    list.push(name);
    appleNames.set(raw, list);
  }
}

/** "kSecAttrAccount (acct)" for a known raw key, else the key in quotes. */
export function describeKey(raw: string): string {
  const names = appleNames.get(raw);
  return names ? `${names.join('/')} (${JSON.stringify(raw)})` : JSON.stringify(raw);
}

/** A value as an error message shows it: JSON where JSON can say it, `5n` for a bigint. */
export function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return describeType(value); // a cycle, or a bigint inside
  }
}

/** A short description of a JS value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Date) return 'Date';
  if (value instanceof Uint8Array) return 'data';
  if (value instanceof SecHandle) return value.kind;
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    const ctor = proto?.constructor?.name;
    return ctor && ctor !== 'Object' ? ctor : 'object';
  }
  return typeof value;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Checks that `value` can cross the API and returns a deep copy (so a caller mutating its
 * dictionary while a call runs changes nothing). Throws errSecParam naming the key path.
 */
export function checkValue(value: unknown, path: string, seen: Set<object> = new Set()): CFValue {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) {
        throw paramError(`${path} is ${value}, which is not a finite number`);
      }
      return value;
    case 'bigint':
      if (value < INT64_MIN || value > INT64_MAX) {
        throw paramError(`${path} is a bigint outside the signed 64-bit range of CFNumber`);
      }
      return value;
    case 'object': {
      if (value === null) throw paramError(`${path} is null; leave the key out instead`);
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw paramError(`${path} is an invalid Date`);
        return new Date(value.getTime());
      }
      if (value instanceof Uint8Array) return Uint8Array.prototype.slice.call(value);
      if (value instanceof SecHandle) return value;
      if (seen.has(value)) throw paramError(`${path} refers to itself (a cyclic structure)`);
      seen.add(value);
      try {
        if (Array.isArray(value)) {
          return value.map((element: unknown, i) => checkValue(element, `${path}[${i}]`, seen));
        }
        if (!isPlainObject(value)) {
          throw paramError(`${path} is a ${describeType(value)}, which has no Core Foundation counterpart`);
        }
        return checkDictionaryInner(value as Record<string, unknown>, path, seen);
      } finally {
        seen.delete(value);
      }
    }
    default:
      throw paramError(`${path} is a ${typeof value}, which has no Core Foundation counterpart`);
  }
}

function checkDictionaryInner(dict: Record<string, unknown>, path: string, seen: Set<object>): CFDictionary {
  const out: Record<string, CFValue> = {};
  if (Object.getOwnPropertySymbols(dict).length > 0) {
    throw paramError(`${path} has a symbol key; dictionary keys must be strings`);
  }
  for (const key of Object.keys(dict)) {
    const v = dict[key];
    // The common values need no path (it is built only to name a problem).
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
      out[key] = v;
      continue;
    }
    const child = path === '' ? describeKey(key) : `${path}.${key}`;
    if (v === undefined) throw paramError(`${child} is undefined; leave the key out instead`);
    out[key] = checkValue(v, child, seen);
  }
  return out;
}

/** Validates a top-level dictionary argument (`what` names the argument in messages). */
export function checkDictionary(dict: unknown, what: string): CFDictionary {
  if (dict === null || dict === undefined) throw paramError(`${what} is required`);
  if (typeof dict !== 'object' || Array.isArray(dict) || !isPlainObject(dict)) {
    throw paramError(`${what} must be a plain object (a CFDictionary), not ${describeType(dict)}`);
  }
  const seen = new Set<object>([dict]);
  return checkDictionaryInner(dict as Record<string, unknown>, '', seen);
}

/** CFData results are Buffers. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
