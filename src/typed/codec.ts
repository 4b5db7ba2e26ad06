import * as c from '../constants.js';
import { readRecord } from '../arguments.js';
import { paramError } from '../errors.js';
import { SecHandle, isHandle } from '../handles.js';
import { describeValue, isBytes, viewBytes, type CFResult, type CFValue } from '../values.js';
import { schemas, type AttributeDef, type ClassSchema } from './schema.js';
import type { AnyItem, ItemClassName, KeychainKind } from './types.js';
import { accessibility, authenticationTypes, isThisDeviceOnly, keyClasses, keyTypes, protocols, type Accessibility, type WordTable } from './words.js';

/**
 * Typed ⇄ Apple conversion. Every check here runs before any keychain call, so bad input is
 * errSecParam naming the attribute and nothing is written (DESIGN.md principle 5).
 */

/** What the dictionary is for: which attributes and values are allowed differs. */
export type EncodeMode = 'add' | 'query' | 'update';

type Dict = Record<string, CFValue>;

const keychainFlag: Readonly<Record<KeychainKind, boolean>> = { file: false, dataProtection: true };

/**
 * A typed description (an item, a query, changes) as the caller gave it, read once into a plain
 * object: not an object, or a Proxy, is errSecParam naming `what`, and so is a getter that
 * throws. Everything after reads the copy, so no caller code runs twice or late.
 */
export function readDescription(value: unknown, what: string): Record<string, unknown> {
  return readRecord(value, what, 'an object with a class');
}

/** The schema for a typed description's `class` (read by readDescription), or errSecParam. */
export function schemaOf(value: { readonly class?: unknown }, what: string): ClassSchema {
  const name = value.class;
  if (typeof name !== 'string' || !Object.hasOwn(schemas, name)) {
    throw paramError(`${what}.class must be one of ${Object.keys(schemas).map((n) => JSON.stringify(n)).join(', ')}, not ${describeValue(name)}`);
  }
  return schemas[name as ItemClassName];
}

/** The `kSecUseDataProtectionKeychain` entry for a keychain choice (spec/semantics.md 1.1). */
export function keychainEntry(kind: unknown, what: string): Dict {
  if (kind === undefined) return {};
  if (kind !== 'file' && kind !== 'dataProtection') {
    throw paramError(`${what}.keychain must be "file" or "dataProtection", not ${describeValue(kind)}`);
  }
  return { [c.kSecUseDataProtectionKeychain]: keychainFlag[kind] };
}

function word<W extends string>(table: WordTable<W>, value: unknown, path: string): string {
  if (typeof value === 'string' && Object.hasOwn(table.toRaw, value)) return table.toRaw[value as W];
  throw paramError(`${path} must be one of ${Object.keys(table.toRaw).join(', ')}; got ${describeValue(value)}`);
}

/** A FourCharCode as Apple's UInt32: four ASCII characters packed big-endian. */
export function fourCharCode(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 0xffffffff) return value;
  if (typeof value === 'string' && /^[\x20-\x7e]{4}$/.test(value)) {
    return ((value.charCodeAt(0) << 24) | (value.charCodeAt(1) << 16) | (value.charCodeAt(2) << 8) | value.charCodeAt(3)) >>> 0;
  }
  throw paramError(`${path} must be a 32-bit unsigned integer or four ASCII characters; got ${describeValue(value)}`);
}

/** Converts one typed attribute value to Apple's, or errSecParam naming it. */
function encodeValue(def: AttributeDef, value: unknown, path: string, mode: EncodeMode): CFValue {
  switch (def.kind) {
    case 'string':
      if (typeof value === 'string') return value;
      break;
    case 'data':
      if (typeof value === 'string') return Buffer.from(value, 'utf8');
      if (isBytes(value)) return viewBytes(value);
      break;
    case 'boolean':
      if (typeof value === 'boolean') return value;
      break;
    case 'fourCharCode':
      return fourCharCode(value, path);
    case 'port':
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535) return value;
      throw paramError(`${path} must be an integer from 0 to 65535; got ${describeValue(value)}`);
    case 'date':
      break; // read-only: rejected by the caller before reaching here
    case 'accessible':
      return word(accessibility, value, path);
    case 'synchronizable':
      if (typeof value === 'boolean') return value;
      if (value === 'any') {
        // kSecAttrSynchronizableAny only means something in a search (spec/semantics.md 7.1, 7.2).
        if (mode === 'query') return c.kSecAttrSynchronizableAny;
        throw paramError(`${path} may be "any" only in a search; an item is either synchronizable or not`);
      }
      throw paramError(`${path} must be true or false${mode === 'query' ? ' or "any"' : ''}; got ${describeValue(value)}`);
    case 'protocol':
      return word(protocols, value, path);
    case 'authenticationType':
      return word(authenticationTypes, value, path);
    case 'accessControl':
      if (isHandle(value) && value.kind === 'SecAccessControl') return value;
      throw paramError(`${path} must be a SecAccessControl from SecAccessControlCreateWithFlags`);
    case 'keyClass':
      return word(keyClasses, value, path);
    case 'keyType':
      return word(keyTypes, value, path);
    case 'integer':
      if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
      throw paramError(`${path} must be a non-negative integer; got ${describeValue(value)}`);
  }
  throw paramError(`${path} must be a ${def.kind === 'data' ? 'Uint8Array or string' : def.kind}; got ${describeValue(value)}`);
}

/** Fields of a typed description that are not attributes. */
const structural = new Set(['class', 'keychain', 'ref']);

/**
 * kSecValueRef for an item of a class stored by reference: `ref` must be a handle of the
 * class's kind (a SecCertificate for a certificate, …); errSecParam naming it otherwise.
 */
export function encodeRef(schema: ClassSchema, value: Readonly<Record<string, unknown>>, what: string): Dict {
  const ref = value.ref;
  if (schema.byRef === undefined) {
    if (ref !== undefined) throw paramError(`${what}.ref: ${schema.name} items hold a secret, not an object`);
    return {};
  }
  if (!isHandle(ref) || ref.kind !== schema.byRef) throw paramError(`${what}.ref must be a ${schema.byRef} for a ${schema.name} item`);
  return { [c.kSecValueRef]: ref };
}

/**
 * Apple attribute entries for the typed attributes of `value` (no class, no keychain flag), a
 * description read by readDescription. Unknown names, read-only attributes, wrong types and a
 * synchronizable ThisDeviceOnly item are errSecParam naming the attribute.
 */
export function encodeAttributes(schema: ClassSchema, value: Readonly<Record<string, unknown>>, mode: EncodeMode, what: string, out: Dict = {}): Dict {
  // `ref` is structural only where encodeRef reads it: the add of a class stored by reference.
  // Anywhere else, skipping it would widen the call (a search without it matches every item).
  if (value.ref !== undefined && (schema.byRef === undefined || mode !== 'add')) {
    throw paramError(schema.byRef === undefined ? `${what}.ref: ${schema.name} items hold a secret, not an object`
      : mode === 'query' ? `${what}.ref: a search names a ${schema.name} item by its attributes, not by its object`
        : `${what}.ref: a ${schema.name} item's object cannot be changed; delete it and add the new one`);
  }
  for (const name of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[name];
    if (structural.has(name) || v === undefined) continue;
    const def = schema.attributes[name];
    if (!Object.hasOwn(schema.attributes, name) || def === undefined) {
      throw paramError(`${schema.name} has no attribute ${JSON.stringify(name)} (${what}); it has ${Object.keys(schema.attributes).join(', ')}`);
    }
    if (def.readOnly) throw paramError(`${what}.${name} is set by the keychain and cannot be given`);
    out[def.key] = encodeValue(def, v, `${what}.${name}`, mode);
  }
  const sync = (value as { synchronizable?: unknown }).synchronizable;
  const access = (value as { accessible?: unknown }).accessible;
  if (mode !== 'query' && sync === true && typeof access === 'string' && isThisDeviceOnly(access as Accessibility)) {
    // SecItem.h, kSecAttrSynchronizable: items stored or obtained using it must not use a
    // ThisDeviceOnly accessibility. Apple does not check it (spec/semantics.md 7.5); we do.
    throw paramError(`${what}: a synchronizable item cannot use the ThisDeviceOnly accessibility ${JSON.stringify(access)}`);
  }
  if (mode !== 'query' && (value as { accessControl?: unknown }).accessControl !== undefined && (access !== undefined || sync === true)) {
    // An access control carries its own accessibility (spec/semantics.md 2.7) and a
    // constrained one cannot sync (3.7): Apple answers errSecParam, so do we, earlier.
    throw paramError(`${what}: accessControl cannot be combined with ${access !== undefined ? 'accessible' : 'synchronizable: true'}`);
  }
  return out;
}

/** A full Apple dictionary for a typed item or query: class, keychain flag, attributes. */
export function encodeItem(given: unknown, mode: EncodeMode, what: string, defaultKeychain?: KeychainKind): Dict {
  const value = readDescription(given, what);
  const schema = schemaOf(value, what);
  const out: Dict = { [c.kSecClass]: schema.classValue };
  // null is not "absent": it is refused by keychainEntry like any other bad value.
  const kind = value.keychain === undefined ? defaultKeychain : value.keychain;
  if (kind !== undefined) Object.assign(out, keychainEntry(kind, what));
  return encodeAttributes(schema, value, mode, what, out);
}

/**
 * The query naming exactly the item an add collided with (errSecDuplicateItem): the class,
 * the keychain the add went to, every primary-key attribute the add gave, and the stored empty value
 * for each class key it left out (spec/semantics.md 3.5, 3.11; classes.json filledOnAdd).
 */
export function primaryKeyQuery(schema: ClassSchema, addDict: Readonly<Dict>): Dict {
  // Pin the update to the keychain the add went to. Without the flag an update runs against
  // both keychains (spec/semantics.md 1.4) and would also change a same-key item in the other
  // one. An add without the flag lands in the file-based keychain unless synchronizable or an
  // access control excludes it (1.2, 1.3).
  const flag = addDict[c.kSecUseDataProtectionKeychain]
    ?? (addDict[c.kSecAttrSynchronizable] === true || addDict[c.kSecAttrAccessControl] !== undefined);
  const query: Dict = { [c.kSecClass]: schema.classValue, [c.kSecUseDataProtectionKeychain]: flag, ...schema.emptyPrimaryKey };
  for (const def of Object.values(schema.attributes)) {
    if (def.primaryKey && Object.hasOwn(addDict, def.key)) query[def.key] = addDict[def.key]!;
  }
  return query;
}

const keyKeysOf = new WeakMap<ClassSchema, ReadonlySet<string>>();

/** The raw keys of a class's primary-key attributes. */
function primaryKeyKeys(schema: ClassSchema): ReadonlySet<string> {
  let keys = keyKeysOf.get(schema);
  if (!keys) {
    keys = new Set(Object.values(schema.attributes).filter((d) => d.primaryKey).map((d) => d.key));
    keyKeysOf.set(schema, keys);
  }
  return keys;
}

/** The non-key attributes and the secret of an add dictionary: what an update must change. */
export function nonKeyAttributes(schema: ClassSchema, addDict: Readonly<Dict>): Dict {
  const keyKeys = primaryKeyKeys(schema);
  const out: Dict = {};
  for (const [k, v] of Object.entries(addDict)) {
    if (k === c.kSecClass || k === c.kSecUseDataProtectionKeychain || keyKeys.has(k)) continue;
    out[k] = v;
  }
  return out;
}

function decodeValue(def: AttributeDef, v: CFResult): unknown {
  switch (def.kind) {
    case 'string':
      return Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : String(v);
    case 'data':
      return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
    case 'boolean':
    case 'synchronizable':
      // DP returns stored booleans as 0/1, FB as CFBoolean (spec/semantics.md 14.2, 14.3).
      return v === true || v === 1;
    case 'fourCharCode':
    case 'port':
      return typeof v === 'number' ? v : Number(v);
    case 'date':
      return v instanceof Date ? v : undefined;
    case 'accessible':
      return typeof v === 'string' ? accessibility.fromRaw.get(v) : undefined;
    case 'protocol':
      return typeof v === 'string' ? protocols.fromRaw.get(v) : undefined;
    case 'authenticationType':
      return typeof v === 'string' ? authenticationTypes.fromRaw.get(v) : undefined;
    case 'accessControl':
      return v instanceof SecHandle ? v : undefined;
    case 'keyClass':
      return typeof v === 'string' ? keyClasses.fromRaw.get(v) : typeof v === 'number' ? keyClasses.fromRaw.get(String(v)) : undefined;
    case 'keyType':
      return typeof v === 'string' ? keyTypes.fromRaw.get(v) : typeof v === 'number' ? keyTypes.fromRaw.get(String(v)) : undefined;
    case 'integer':
      return typeof v === 'number' ? v : Number(v);
  }
}

/**
 * A typed item from Apple's attribute dictionary (with `v_Data` when the secret was asked
 * for). Values the typed layer cannot name (an unknown protocol, say) stay only in `raw`.
 */
export function decodeItem(schema: ClassSchema, dict: { readonly [key: string]: CFResult }): AnyItem {
  const item: Record<string, unknown> = {
    class: schema.name,
    // Which keychain answered: DP dictionaries carry the accessibility and access group,
    // FB ones never do (spec/semantics.md 14.1, 14.3).
    keychain: Object.hasOwn(dict, c.kSecAttrAccessible) || Object.hasOwn(dict, c.kSecAttrAccessGroup) ? 'dataProtection' : 'file',
    synchronizable: false,
  };
  if (schema.byRef === undefined) item.account = '';
  if (schema.name === 'genericPassword') item.service = '';
  if (schema.name === 'internetPassword') item.server = '';
  for (const [name, def] of Object.entries(schema.attributes)) {
    const v = dict[def.key];
    if (v === undefined) continue;
    const decoded = decodeValue(def, v);
    if (decoded !== undefined) item[name] = decoded;
  }
  const data = dict[c.kSecValueData];
  if (Buffer.isBuffer(data) && schema.byRef === undefined) item.data = data;
  const ref = dict[c.kSecValueRef];
  if (schema.byRef !== undefined && ref instanceof SecHandle) item.ref = ref;
  const raw: Record<string, CFResult> = { ...dict };
  delete raw[c.kSecValueData];
  item.raw = raw;
  return item as unknown as AnyItem;
}
