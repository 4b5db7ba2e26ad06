import { createHash } from 'node:crypto';
import { paramFailure } from './failure.js';

/**
 * An access control as the emulator stores it: the protection (an accessibility value) and
 * the SecAccessControlCreateFlags bits. Items that never got one carry a synthesized one with
 * no flags (spec/semantics.md 3.4).
 */
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
 * The form in which two values are compared, for matching and for uniqueness.
 * `hashed` columns compare the bytes (DP stores their SHA-1, so a string and data with the
 * same UTF-8 bytes are equal — spec 13.1); other columns compare value and type (13.3).
 */
export function matchKey(value: AttrValue, hashed: boolean): string {
  if (typeof value === 'string') {
    return hashed ? `b:${digest(Buffer.from(value, 'utf8'))}` : `s:${value}`;
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

/** SInt64-safe integer from a JS number or bigint; bigints beyond 2^53 are not kept exactly. */
export function toNumber(value: number | bigint, key: string): number {
  if (typeof value === 'number') return value;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) {
    throw paramFailure(`${key} is a bigint beyond ±2^53, which the emulator cannot store exactly`);
  }
  return n;
}
