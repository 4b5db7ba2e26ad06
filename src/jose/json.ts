/**
 * JSON values a caller gives (a JWS header): read once into a copy that JSON.stringify turns
 * into exactly what was checked. Only what JSON can say passes — strings, finite numbers,
 * booleans, null, arrays and plain objects — so no toJSON method, getter or Proxy trap of the
 * caller runs when the header is serialized, and nothing is silently dropped or changed
 * (JSON.stringify would turn NaN into null and drop a function). The bounds are those of every
 * other argument (values.ts): depth and the number of values, a shared object counted each time.
 */
import { types } from 'node:util';
import { paramError } from '../errors.js';
import { describeValue, MAX_DEPTH, MAX_VALUES, proxyError, readCallerValue } from '../values.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [name: string]: JsonValue };
export type JsonObject = { [name: string]: JsonValue };

/** What one read has seen: the objects on the path (cycles) and how many values in all. */
interface Walk {
  readonly ancestors: Set<object>;
  values: number;
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function readValue(value: unknown, path: string, walk: Walk, depth: number): JsonValue {
  if (depth > MAX_DEPTH) throw paramError(`${path} is nested more than ${MAX_DEPTH} levels deep`);
  if (++walk.values > MAX_VALUES) throw paramError(`${path}: the argument holds more than ${MAX_VALUES} values in all`);
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw paramError(`${path} is ${value}, which JSON cannot hold`);
      return value;
  }
  if (value === null) return null;
  if (typeof value === 'object' && Array.isArray(value) && !types.isProxy(value)) return readArray(value, path, walk, depth);
  return readObject(value, path, walk, depth);
}

function enter(value: object, path: string, walk: Walk): void {
  if (walk.ancestors.has(value)) throw paramError(`${path} refers to itself (a cycle)`);
  walk.ancestors.add(value);
}

function readArray(value: unknown[], path: string, walk: Walk, depth: number): JsonValue[] {
  enter(value, path, walk);
  const length = readCallerValue(`${path}.length`, () => value.length);
  const out: JsonValue[] = [];
  for (let i = 0; i < length; i++) {
    const item = readCallerValue(`${path}[${i}]`, () => value[i] as unknown);
    if (item === undefined) throw paramError(`${path}[${i}] is undefined, which JSON cannot hold`);
    out.push(readValue(item, `${path}[${i}]`, walk, depth + 1));
  }
  walk.ancestors.delete(value);
  return out;
}

function readObject(value: unknown, path: string, walk: Walk, depth: number): JsonObject {
  if (value !== null && typeof value === 'object' && types.isProxy(value)) throw proxyError(path);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || !isPlainObject(value)) {
    throw paramError(`${path} must be ${depth === 0 ? 'a plain object' : 'a JSON value'}, not ${describeValue(value)}`);
  }
  enter(value, path, walk);
  // A null prototype: a "__proto__" member stays a member.
  const out = Object.create(null) as JsonObject;
  for (const name of Object.keys(value)) {
    const member = readCallerValue(`${path}.${name}`, () => (value as Record<string, unknown>)[name]);
    // An undefined member is absent, as JSON.stringify treats it.
    if (member !== undefined) out[name] = readValue(member, `${path}.${name}`, walk, depth + 1);
  }
  walk.ancestors.delete(value);
  return out;
}

/** A checked copy of a plain object of JSON values; errSecParam naming the path of the first bad value. */
export function readJsonObject(value: unknown, path: string): JsonObject {
  return readObject(value, path, { ancestors: new Set(), values: 0 }, 0);
}
