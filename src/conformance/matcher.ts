/**
 * Expected results: matchers written as JSON (docs/conformance.md, "Matchers"), checked
 * against what a backend returned. Also the JSON view of a result used by the reports, and
 * the normalisation that lets `both` mode compare two backends' results without flagging
 * values that differ by nature (dates, handles, persistent refs).
 */
import { isHandle } from '../handles.js';
import { resolveRef, substitutePrefix, type Json, type Saved } from './format.js';

export interface MatchContext {
  prefix: string;
  saved: Saved;
}

const ANY_KINDS = ['value', 'data', 'date', 'string', 'number', 'boolean', 'dictionary', 'array', 'handle'] as const;
type AnyKind = (typeof ANY_KINDS)[number];

/** Every matcher tag, for the schema checker and error messages. */
export const MATCHER_TAGS = [
  '$utf8', '$hex', '$base64', '$date', '$ref', '$any', '$data', '$handle', '$contains', '$absent', '$not',
  '$later', '$length', '$each', '$oneOf',
] as const;

function kindOf(value: unknown): AnyKind | 'undefined' | 'other' {
  if (value === undefined) return 'undefined';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return 'data';
  if (value instanceof Date) return 'date';
  if (isHandle(value)) return 'handle';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string': return 'string';
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'object': return value === null ? 'other' : 'dictionary';
    default: return 'other';
  }
}

function tagOf(matcher: Json): [string, Json] | undefined {
  if (matcher === null || typeof matcher !== 'object' || Array.isArray(matcher)) return undefined;
  const keys = Object.keys(matcher);
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return undefined;
  return [keys[0]!, matcher[keys[0]!]!];
}

function bytesOf(tagged: Json, ctx: MatchContext): Buffer {
  const tag = tagOf(tagged);
  if (tag?.[0] === '$utf8') return Buffer.from(substitutePrefix(String(tag[1]), ctx.prefix), 'utf8');
  if (tag?.[0] === '$hex') return Buffer.from(String(tag[1]), 'hex');
  if (tag?.[0] === '$base64') return Buffer.from(String(tag[1]), 'base64');
  throw new Error(`expected {"$utf8": …}, {"$hex": …} or {"$base64": …}, got ${JSON.stringify(tagged)}`);
}

/** Deep equality of two results (Buffers by bytes, Dates by time, handles by identity). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (kindOf(a) === 'dictionary' && kindOf(b) === 'dictionary') {
    const ka = Object.keys(a as object).sort();
    const kb = Object.keys(b as object).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i]
      && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return a === b;
}

/** Short text for a result value in mismatch messages. */
export function show(value: unknown): string {
  return JSON.stringify(toView(value));
}

/**
 * Checks `actual` against `matcher`; returns the mismatches (empty = match), each naming
 * the path inside the result ("result.acct", "result[1]").
 */
export function match(matcher: Json, actual: unknown, ctx: MatchContext, path = 'result'): string[] {
  if (matcher === null) return actual === undefined ? [] : [`${path}: expected no result, got ${show(actual)}`];
  if (typeof matcher === 'string') {
    const want = substitutePrefix(matcher, ctx.prefix);
    return actual === want ? [] : [`${path}: expected ${JSON.stringify(want)}, got ${show(actual)}`];
  }
  if (typeof matcher === 'number' || typeof matcher === 'boolean') {
    return actual === matcher ? [] : [`${path}: expected ${JSON.stringify(matcher)}, got ${show(actual)}`];
  }
  if (Array.isArray(matcher)) {
    if (!Array.isArray(actual)) return [`${path}: expected an array of ${matcher.length}, got ${show(actual)}`];
    if (actual.length !== matcher.length) {
      return [`${path}: expected an array of ${matcher.length}, got ${actual.length} element(s): ${show(actual)}`];
    }
    return matcher.flatMap((m, i) => match(m, actual[i], ctx, `${path}[${i}]`));
  }
  const tag = tagOf(matcher);
  if (tag) return matchTag(tag[0], tag[1], actual, ctx, path);
  return matchDictionary(matcher, actual, ctx, path, true);
}

function matchDictionary(matcher: { [key: string]: Json }, actual: unknown, ctx: MatchContext, path: string, exact: boolean): string[] {
  if (kindOf(actual) !== 'dictionary') return [`${path}: expected a dictionary, got ${show(actual)}`];
  const dict = actual as Record<string, unknown>;
  const problems: string[] = [];
  for (const [key, m] of Object.entries(matcher)) {
    const absent = tagOf(m)?.[0] === '$absent';
    if (absent) {
      if (key in dict) problems.push(`${path}.${key}: expected absent, got ${show(dict[key])}`);
    } else if (!(key in dict)) {
      problems.push(`${path}.${key}: missing`);
    } else {
      problems.push(...match(m, dict[key], ctx, `${path}.${key}`));
    }
  }
  if (exact) {
    for (const key of Object.keys(dict)) {
      if (!(key in matcher)) problems.push(`${path}.${key}: unexpected key (value ${show(dict[key])})`);
    }
  }
  return problems;
}

function matchTag(name: string, arg: Json, actual: unknown, ctx: MatchContext, path: string): string[] {
  const fail = (what: string) => [`${path}: expected ${what}, got ${show(actual)}`];
  switch (name) {
    case '$utf8':
    case '$hex':
    case '$base64': {
      const want = bytesOf({ [name]: arg }, ctx);
      return actual instanceof Uint8Array && Buffer.from(actual).equals(want) ? [] : fail(show(want));
    }
    case '$date': {
      const want = new Date(String(arg));
      return actual instanceof Date && actual.getTime() === want.getTime() ? [] : fail(`the date ${want.toISOString()}`);
    }
    case '$ref': {
      const want = resolveRef(String(arg), ctx.saved);
      return sameValue(actual, want) ? [] : fail(`${show(want)} (saved as ${String(arg)})`);
    }
    case '$any': {
      const kind = String(arg) as AnyKind;
      if (kind === 'value') return actual === undefined ? fail('a value') : [];
      return kindOf(actual) === kind ? [] : fail(`any ${kind}`);
    }
    case '$data': {
      const opts = (arg ?? {}) as { length?: number; startsWith?: Json };
      if (!(actual instanceof Uint8Array)) return fail('data');
      const bytes = Buffer.from(actual);
      if (opts.length !== undefined && bytes.length !== opts.length) return fail(`data of ${opts.length} bytes`);
      if (opts.startsWith !== undefined) {
        const head = bytesOf(opts.startsWith, ctx);
        if (!bytes.subarray(0, head.length).equals(head)) return fail(`data starting with ${show(head)}`);
      }
      return [];
    }
    case '$handle':
      return isHandle(actual) && (arg === 'any' || actual.kind === arg) ? [] : fail(`a ${String(arg)} handle`);
    case '$contains':
      return matchDictionary(arg as { [key: string]: Json }, actual, ctx, path, false);
    case '$absent':
      return actual === undefined ? [] : fail('nothing');
    case '$not':
      return match(arg, actual, ctx, path).length === 0 ? fail(`anything but ${JSON.stringify(arg)}`) : [];
    case '$later': {
      const earlier = resolveRef(String(arg), ctx.saved);
      if (!(earlier instanceof Date)) throw new Error(`$later ${String(arg)}: the saved value is not a date`);
      return actual instanceof Date && actual.getTime() > earlier.getTime() ? [] : fail(`a date later than ${earlier.toISOString()}`);
    }
    case '$length':
      // An array of N elements, or data of N bytes.
      if (actual instanceof Uint8Array) return actual.length === arg ? [] : fail(`data of ${String(arg)} bytes`);
      return Array.isArray(actual) && actual.length === arg ? [] : fail(`an array of ${String(arg)}`);
    case '$each': {
      if (!Array.isArray(actual) || actual.length === 0) return fail('a non-empty array');
      return actual.flatMap((element, i) => match(arg, element, ctx, `${path}[${i}]`));
    }
    case '$oneOf': {
      const options = arg as Json[];
      return options.some((m) => match(m, actual, ctx, path).length === 0) ? [] : fail(`one of ${JSON.stringify(options)}`);
    }
    default:
      throw new Error(`${path}: unknown matcher ${name}`);
  }
}

/** What a report shows for a result: JSON with the same tags scenarios use. */
export function toView(value: unknown): Json {
  switch (kindOf(value)) {
    case 'undefined':
      return null;
    case 'data': {
      const bytes = Buffer.from(value as Uint8Array);
      const text = bytes.toString('utf8');
      // Printable UTF-8 reads better as text; anything else as hex.
      return Buffer.from(text, 'utf8').equals(bytes) && /^[\x20-\x7e\u00a0-\uffff]*$/.test(text) && bytes.length > 0
        ? { $utf8: text }
        : { $hex: bytes.toString('hex') };
    }
    case 'date':
      return { $date: (value as Date).toISOString() };
    case 'handle':
      return { $handle: (value as { kind: string }).kind };
    case 'array':
      return (value as unknown[]).map(toView);
    case 'dictionary': {
      const out: Record<string, Json> = {};
      for (const key of Object.keys(value as object).sort()) out[key] = toView((value as Record<string, unknown>)[key]);
      return out;
    }
    case 'string':
    case 'number':
    case 'boolean':
      return value as Json;
    default:
      return String(value);
  }
}

/** Keys whose values differ between any two runs by nature (unique per item). */
const VOLATILE_KEYS = new Set(['v_PersistentRef']);

/**
 * A result view with the run-specific parts replaced by placeholders, for comparing two
 * backends: dates → "<date>", persistent refs → "<data N bytes>", the prefix → "{{p}}", and
 * any position the step's matcher accepts loosely ($any, $data) → "<kind>".
 */
export function normalize(view: Json, matcher: Json | undefined, prefix: string): Json {
  const tag = matcher === undefined ? undefined : tagOf(matcher);
  if (tag && (tag[0] === '$any' || tag[0] === '$data' || tag[0] === '$later')) return `<${describeView(view)}>`;
  if (view === null || typeof view !== 'object') {
    return typeof view === 'string' && prefix !== '' ? view.split(prefix).join('{{p}}') : view;
  }
  if (Array.isArray(view)) {
    const each = tag?.[0] === '$each' ? tag[1] : undefined;
    return view.map((v, i) => normalize(v, Array.isArray(matcher) ? matcher[i] : each, prefix));
  }
  const viewTag = tagOf(view);
  if (viewTag?.[0] === '$date') return '<date>';
  if (viewTag?.[0] === '$utf8' && prefix !== '') return { $utf8: String(viewTag[1]).split(prefix).join('{{p}}') };
  if (viewTag) return view;
  const inner = tag?.[0] === '$contains' ? tag[1] as Record<string, Json>
    : matcher !== null && typeof matcher === 'object' && !Array.isArray(matcher) && !tag ? matcher : undefined;
  const out: Record<string, Json> = {};
  for (const [key, v] of Object.entries(view)) {
    out[key] = VOLATILE_KEYS.has(key) ? `<${describeView(v)}>` : normalize(v, inner?.[key], prefix);
  }
  return out;
}

function describeView(view: Json): string {
  const tag = tagOf(view);
  if (tag?.[0] === '$hex') return `data ${String(tag[1]).length / 2} bytes`;
  if (tag?.[0] === '$utf8') return `data ${Buffer.byteLength(String(tag[1]))} bytes`;
  if (tag?.[0] === '$date') return 'date';
  if (tag?.[0] === '$handle') return `${String(tag[1])} handle`;
  if (view === null) return 'no result';
  if (Array.isArray(view)) return `array of ${view.length}`;
  return typeof view === 'object' ? 'dictionary' : typeof view;
}

/** Paths where two normalised views differ ("result.acct", "result[2]"), for `both` mode. */
export function differences(a: Json, b: Json, path = 'result'): string[] {
  // Tagged values ({"$utf8": …}, {"$handle": …}) are leaves: they differ as a whole.
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || tagOf(a) || tagOf(b)) {
    return JSON.stringify(a) === JSON.stringify(b) ? [] : [path];
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return [path];
    return a.flatMap((x, i) => differences(x, b[i]!, `${path}[${i}]`));
  }
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.flatMap((k) => {
    if (!(k in a) || !(k in b)) return [`${path}.${k}`];
    return differences(a[k]!, b[k]!, `${path}.${k}`);
  });
}
