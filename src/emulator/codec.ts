import { createHash } from 'node:crypto';
import { paramFailure } from './failure.js';

/**
 * An access control as the emulator stores it: the protection (an accessibility value) and
 * the SecAccessControlCreateFlags bits. Items that never got one carry a synthesized one with
 * no flags.
 */
// spec/semantics.md 3.4
export interface AccessControlSpec {
  readonly protection: string;
  readonly flags: number;
}

/** A stored attribute value: what Core Foundation type it had is kept (spec 2.6, 14.2). */
export type AttrValue = string | number | boolean | Date | Buffer | AccessControlSpec;

export type Attributes = Record<string, AttrValue>;

export function isAccessControlSpec(v: unknown): v is AccessControlSpec {
  return typeof v === 'object' && v !== null && !(v instanceof Date) && !Buffer.isBuffer(v) &&
    typeof (v as AccessControlSpec).protection === 'string';
}

type Encoded = string | number | boolean | { $date: number } | { $data: string } | { $ac: AccessControlSpec };

/** Attributes → JSON text for the store (types are kept exactly). */
export function encodeAttributes(attrs: Attributes): string {
  const out: Record<string, Encoded> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v instanceof Date) out[k] = { $date: v.getTime() };
    else if (Buffer.isBuffer(v)) out[k] = { $data: v.toString('base64') };
    else if (isAccessControlSpec(v)) out[k] = { $ac: { protection: v.protection, flags: v.flags } };
    else out[k] = v;
  }
  return JSON.stringify(out);
}

/** JSON text from the store → attributes; the parsed object is converted in place (one allocation). */
export function decodeAttributes(text: string): Attributes {
  const raw = JSON.parse(text) as Record<string, Encoded | AttrValue>;
  for (const k in raw) {
    const v = raw[k] as Encoded;
    if (typeof v !== 'object') continue;
    if ('$date' in v) raw[k] = new Date(v.$date);
    else if ('$data' in v) raw[k] = Buffer.from(v.$data, 'base64');
    else raw[k] = { protection: v.$ac.protection, flags: v.$ac.flags };
  }
  return raw as Attributes;
}

/**
 * The form in which two values are compared, for matching and for uniqueness, and from which
 * the store's key columns are joined (with '|'). `hashed` columns compare the bytes (DP
 * stores their SHA-1, so a string and data with the same UTF-8 bytes are equal — spec 13.1);
 * other columns compare value and type (13.3). A string is escaped so that no two
 * different keys join to the same text: '\\' and '|' get a backslash, and a lone surrogate
 * is written as \\uXXXX (strings are compared as UTF-16 code units, as CFString compares them;
 * docs/emulator-differences.md).
 */
export function matchKey(value: AttrValue, hashed: boolean): string {
  if (typeof value === 'string') {
    return hashed ? `b:${digest(stringBytes(value))}` : `s:${escapeKey(value)}`;
  }
  if (Buffer.isBuffer(value)) return hashed ? `b:${digest(value)}` : `d:${value.toString('hex')}`;
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value === 'boolean') return `n:${value ? 1 : 0}`;
  if (value instanceof Date) return `t:${value.getTime()}`;
  return `a:${value.protection}:${value.flags}`;
}

function digest(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

const KEY_SPECIALS = /[\\|\uD800-\uDFFF]/;
const SURROGATES = /[\uD800-\uDFFF]/;

function escapeKey(value: string): string {
  if (!KEY_SPECIALS.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c || c === 0x7c) out += `\\${value[i]}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += value[i]! + value[i + 1]!; // a surrogate pair: one character
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += value[i];
  }
  return out;
}

/**
 * A string's bytes: UTF-8, and for a string with a lone surrogate (which UTF-8 cannot
 * encode, and Buffer.from would replace with U+FFFD, making 'k\uD800' and 'k\uFFFD' one
 * value) the generalised form that encodes the surrogate's code unit in three bytes (WTF-8),
 * so different strings stay different.
 */
export function stringBytes(value: string): Buffer {
  if (!SURROGATES.test(value)) return Buffer.from(value, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const c = value.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c < 0x80) bytes.push(c);
    else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Buffer.from(bytes);
}

/** SInt64-safe integer from a JS number or bigint; bigints beyond 2^53 are not kept exactly. */
export function toNumber(value: number | bigint, key: string): number {
  if (typeof value === 'number') return value;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw paramFailure(`${key} is a bigint beyond ±2^53, which the emulator cannot store exactly`);
  }
  return n;
}
