import { types } from 'node:util';
import { constantGroups } from './constantTables.js';
import { paramError, SecError, Status } from './errors.js';
import { isHandle, type SecHandle } from './handles.js';

/**
 * A value that can cross the API: it maps onto one Core Foundation type: string ⇄ CFString,
 * Uint8Array/Buffer ⇄ CFData, integer ⇄ CFNumber (SInt64), other number ⇄ CFNumber (double),
 * boolean ⇄ CFBoolean, Date ⇄ CFDate, array ⇄ CFArray, plain object ⇄ CFDictionary, handle ⇄
 * its Sec/LA object.
 */
// DESIGN.md, "Values crossing the API"
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

/** A typed array's own slots, read without any property the caller may have put on the array. */
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const slotGetter = (name: string) => Object.getOwnPropertyDescriptor(typedArrayPrototype, name)!.get! as (this: Uint8Array) => unknown;
const bufferSlot = slotGetter('buffer');
const byteOffsetSlot = slotGetter('byteOffset');
const byteLengthSlot = slotGetter('byteLength');

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

/** How much of a value an error message shows. */
const DESCRIBE_LIMIT = 80;
const TOO_LONG = Symbol('too long');

/**
 * A value as an error message shows it: JSON-like for strings, numbers, plain objects and
 * arrays, `5n` for a bigint, the type for anything else — at most about 80 characters. It
 * never runs the caller's code other than getters (no toJSON, toString or Proxy trap) and
 * never throws, so a message can be built from any input: a Proxy, a cycle, a value nested
 * 10,000 deep or a structure sharing one object many times.
 */
export function describeValue(value: unknown): string {
  const parts: string[] = [];
  let left = DESCRIBE_LIMIT;
  const emit = (text: string): void => {
    parts.push(text.length > left ? text.slice(0, left) : text);
    left -= text.length;
    if (left < 0) throw TOO_LONG;
  };
  const write = (v: unknown, top: boolean): void => {
    switch (typeof v) {
      case 'string':
        emit(JSON.stringify(v.length > DESCRIBE_LIMIT ? v.slice(0, DESCRIBE_LIMIT) : v));
        return;
      case 'bigint':
        emit(`${v}n`);
        return;
      case 'number':
      case 'boolean':
      case 'undefined':
      case 'symbol':
        emit(String(v));
        return;
      case 'function':
        emit('a function');
        return;
    }
    if (v === null) return emit('null');
    const obj = v as object;
    if (types.isUint8Array(obj)) return emit(top ? `data (${byteLengthSlot.call(obj) as number} bytes)` : '<data>');
    if (types.isProxy(obj) || !(Array.isArray(obj) || isPlainObject(obj))) {
      const type = describeType(obj);
      return emit(top ? `${/^[AEIOU]/i.test(type) ? 'an' : 'a'} ${type}` : `<${type}>`);
    }
    if (Array.isArray(obj)) {
      emit('[');
      for (let i = 0; i < obj.length; i++) {
        if (i > 0) emit(',');
        write(obj[i] as unknown, false);
      }
      return emit(']');
    }
    emit('{');
    let first = true;
    for (const key of Object.keys(obj)) {
      if (!first) emit(',');
      first = false;
      emit(`${JSON.stringify(key)}:`);
      write((obj as Record<string, unknown>)[key], false);
    }
    emit('}');
  };
  try {
    write(value, true);
    return parts.join('');
  } catch (error) {
    if (error === TOO_LONG) return `${parts.join('')}…`;
    const type = describeType(value); // a getter threw
    return `${/^[AEIOU]/i.test(type) ? 'an' : 'a'} ${type}`;
  }
}

/**
 * A short description of a JS value's type for error messages ("object", "array", "Date",
 * "data", a handle's kind, a class name, "Proxy"); never runs the caller's code.
 */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  if (types.isProxy(value)) return 'Proxy';
  if (Array.isArray(value)) return 'array';
  if (types.isDate(value)) return 'Date';
  if (types.isUint8Array(value)) return 'data';
  if (isHandle(value)) return value.kind;
  try {
    const proto = Object.getPrototypeOf(value) as object | null;
    const ctor = proto === null ? undefined : (Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined);
    const name = typeof ctor === 'function' ? Object.getOwnPropertyDescriptor(ctor, 'name')?.value : undefined;
    return typeof name === 'string' && name !== '' && name !== 'Object' ? name : 'object';
  } catch {
    return 'object';
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * How deep a value may be nested below the argument that holds it: a top-level dictionary's
 * values are level 1, the values of a dictionary or array at level n are level n + 1. The
 * native marshaller refuses the same depth, so both backends answer alike; no keychain or key
 * dictionary comes near it.
 */
// native/marshal.mm, kMaxDepth
export const MAX_DEPTH = 32;

/**
 * How many values one argument may hold in all, nested ones included. A structure that shares
 * one object in many places is copied as a tree, which grows exponentially with its depth;
 * this bounds the copy (and every later walk over it). Real dictionaries hold tens of values.
 */
export const MAX_VALUES = 100_000;

/** What one check of an argument has seen: the objects on the path (cycles) and the count. */
interface Walk {
  readonly ancestors: Set<object>;
  values: number;
}

/**
 * Reads caller-supplied data: whatever the read throws (a getter, a revoked Proxy) becomes
 * errSecParam naming `path`, with the caller's error as the cause.
 */
export function readCallerValue<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw unreadable(path, error);
  }
}

export function unreadable(path: string, error: unknown): SecError {
  return new SecError(Status.errSecParam, `${path} could not be read: reading it threw (see the cause)`, { cause: error });
}

/** errSecParam for a Proxy: its traps run the caller's code on every read, so none is read. */
export function proxyError(path: string): SecError {
  return paramError(`${path} is a Proxy; pass a plain object (or the plain value behind the Proxy)`);
}

/**
 * A Buffer over the same memory as `bytes` — not a copy — read through the typed array's own
 * slots, so no property the caller put on the array (a `length` getter, say) runs, now or later.
 */
export function viewBytes(bytes: Uint8Array): Buffer {
  return Buffer.from(bufferSlot.call(bytes) as ArrayBuffer, byteOffsetSlot.call(bytes) as number, byteLengthSlot.call(bytes) as number);
}

/** Whether `value` is bytes a call takes (a Uint8Array or Buffer, not a Proxy of one). */
export function isBytes(value: unknown): value is Uint8Array {
  return types.isUint8Array(value);
}

/**
 * Checks that `value` can cross the API and returns a deep copy of its structure (so a caller
 * mutating its dictionary while a call runs changes nothing, and no getter of the caller is read
 * again later); data is passed as a view of the caller's bytes, not copied. Throws errSecParam
 * naming the key path. `depth` is the value's level below the argument (see {@link MAX_DEPTH}).
 */
export function checkValue(value: unknown, path: string, walk: Walk = { ancestors: new Set(), values: 0 }, depth = 1): CFValue {
  if (depth > MAX_DEPTH) throw paramError(`${path} is nested more than ${MAX_DEPTH} levels deep`);
  if (++walk.values > MAX_VALUES) throw paramError(`${path}: the argument holds more than ${MAX_VALUES} values in all`);
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
      // Handles first, by identity: a handle is also an object.
      if (isHandle(value)) return value;
      if (types.isProxy(value)) throw proxyError(path);
      if (types.isDate(value)) {
        const time = Date.prototype.getTime.call(value);
        if (Number.isNaN(time)) throw paramError(`${path} is an invalid Date`);
        return new Date(time);
      }
      // Data is not copied: every backend reads it before the call returns its Promise.
      if (types.isUint8Array(value)) return viewBytes(value);
      if (walk.ancestors.has(value)) throw paramError(`${path} refers to itself (a cyclic structure)`);
      walk.ancestors.add(value);
      try {
        if (Array.isArray(value)) return checkArrayInner(value, path, walk, depth);
        if (!isPlainObject(value)) {
          throw paramError(`${path} is a ${describeType(value)}, which has no Core Foundation counterpart`);
        }
        return checkDictionaryInner(value as Record<string, unknown>, path, walk, depth);
      } finally {
        walk.ancestors.delete(value);
      }
    }
    default:
      throw paramError(`${path} is a ${typeof value}, which has no Core Foundation counterpart`);
  }
}

function checkArrayInner(array: readonly unknown[], path: string, walk: Walk, depth: number): CFValue[] {
  // A hole reads as undefined and is refused below, so a sparse array stops at its first hole.
  const out = new Array<CFValue>(array.length);
  for (let i = 0; i < array.length; i++) {
    let element: unknown;
    try {
      element = array[i]; // an own getter, or one inherited for a hole, may throw
    } catch (error) {
      throw unreadable(`${path}[${i}]`, error);
    }
    if (element === undefined) throw paramError(`${path}[${i}] is undefined (an array cannot hold nothing)`);
    out[i] = checkValue(element, `${path}[${i}]`, walk, depth + 1);
  }
  return out;
}

/** The entries of a (non-Proxy) plain object; `depth` is the dictionary's own level. */
function checkDictionaryInner(dict: Record<string, unknown>, path: string, walk: Walk, depth: number): CFDictionary {
  const out: Record<string, CFValue> = {};
  if (Object.getOwnPropertySymbols(dict).length > 0) {
    throw paramError(`${path === '' ? 'the dictionary' : path} has a symbol key; dictionary keys must be strings`);
  }
  // Paths are built only to name a problem: the common values never need one.
  const childPath = (key: string) => (path === '' ? describeKey(key) : `${path}.${key}`);
  for (const key of Object.keys(dict)) {
    let v: unknown;
    try {
      v = dict[key]; // a getter may throw
    } catch (error) {
      throw unreadable(childPath(key), error);
    }
    // The common values need no deeper check.
    if (depth < MAX_DEPTH && (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v)))) {
      if (++walk.values > MAX_VALUES) throw paramError(`${childPath(key)}: the argument holds more than ${MAX_VALUES} values in all`);
      out[key] = v;
      continue;
    }
    const child = childPath(key);
    if (v === undefined) throw paramError(`${child} is undefined; leave the key out instead`);
    out[key] = checkValue(v, child, walk, depth + 1);
  }
  return out;
}

/** Validates a top-level dictionary argument (`what` names the argument in messages). */
export function checkDictionary(dict: unknown, what: string): CFDictionary {
  if (dict === null || dict === undefined) throw paramError(`${what} is required`);
  if (typeof dict === 'object' && types.isProxy(dict)) throw proxyError(what);
  if (typeof dict !== 'object' || Array.isArray(dict) || isHandle(dict) || !isPlainObject(dict)) {
    throw paramError(`${what} must be a plain object (a CFDictionary), not ${describeType(dict)}`);
  }
  const walk: Walk = { ancestors: new Set<object>([dict]), values: 0 };
  return checkDictionaryInner(dict as Record<string, unknown>, '', walk, 0);
}

/** CFData results are Buffers. */
export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
