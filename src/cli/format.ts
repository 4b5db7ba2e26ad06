import { SecHandle } from '../handles.js';
import type { CFResult } from '../values.js';
import { schemas } from '../typed/schema.js';
import type { AnyItem, AnyPasswordItem } from '../typed/types.js';

/**
 * Output of the `secitem` command: a human form modelled on `security(1)` (`"acct"<blob>="…"`
 * lines under `attributes:`) and a stable JSON form (plain attribute names in schema order,
 * dates as ISO 8601, bytes as hex). Secrets appear only when a flag asks for them.
 */

/** Bytes as text when they are valid UTF-8; otherwise null. */
export function utf8(bytes: Buffer): string | null {
  const text = bytes.toString('utf8');
  return Buffer.from(text, 'utf8').equals(bytes) ? text : null;
}

/** Bytes as text when they are valid, printable UTF-8; otherwise null. */
export function printable(bytes: Buffer): string | null {
  const text = utf8(bytes);
  if (text === null) return null;
  // Control characters other than tab and newline make the text unsafe to print as is.
  return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(text) ? null : text;
}

/** A secret for a terminal, as security(1) prints it: text in quotes, or 0x-hex. */
export function secretForHumans(bytes: Buffer): string {
  const text = printable(bytes);
  return text === null ? `0x${bytes.toString('hex').toUpperCase()}` : JSON.stringify(text);
}

function rawValue(value: CFResult): string {
  if (typeof value === 'string') return `<blob>=${JSON.stringify(value)}`;
  if (typeof value === 'number') return `<uint32>=${value}`;
  if (typeof value === 'boolean') return `<sint32>=${value ? 1 : 0}`;
  if (value instanceof Date) return `<timedate>=${JSON.stringify(value.toISOString())}`;
  if (Buffer.isBuffer(value)) {
    const text = printable(value);
    return `<blob>=0x${value.toString('hex').toUpperCase()}${text === null ? '' : `  ${JSON.stringify(text)}`}`;
  }
  if (value instanceof SecHandle) return `<ref>=${value.toString()}`;
  return `<value>=${JSON.stringify(value)}`;
}

/** One item in security(1)'s layout. */
export function itemForHumans(item: AnyItem): string {
  const lines = [`keychain: ${JSON.stringify(item.keychain)}`, `class: ${JSON.stringify(schemas[item.class].classValue)}`, 'attributes:'];
  for (const key of Object.keys(item.raw).filter((k) => k !== 'class').sort()) {
    lines.push(`    ${JSON.stringify(key)}${rawValue(item.raw[key]!)}`);
  }
  return lines.join('\n');
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** One item as stable JSON: class, keychain, then the class's attributes in table order. */
export function itemForJson(item: AnyPasswordItem, withSecret: boolean): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = { class: item.class, keychain: item.keychain };
  const fields = item as unknown as Record<string, unknown>;
  for (const name of Object.keys(schemas[item.class].attributes)) {
    const v = fields[name];
    // A handle (the access control) has no JSON form; it stays out of the output.
    if (v === undefined || v instanceof SecHandle) continue;
    if (v instanceof Date) out[name] = v.toISOString();
    else if (Buffer.isBuffer(v)) out[name] = v.toString('hex');
    else out[name] = v as JsonValue;
  }
  if (withSecret) {
    const data = item.data ?? Buffer.alloc(0);
    out.password = utf8(data);
    out.passwordHex = data.toString('hex');
  }
  return out;
}
