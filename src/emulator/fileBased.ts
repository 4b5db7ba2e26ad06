/**
 * The macOS file-based login keychain as the SecItem shim presents it (spec/semantics.md,
 * "FB"): the shim's value conversions, its unique index, the default match limit of one for
 * update and delete, and its result shapes.
 */
import { randomBytes } from 'node:crypto';
import { attributeValueSets, constantGroups } from '../constantTables.js';
import { fail, paramFailure, type Failure } from './failure.js';
import { describeKey, describeValue, toBuffer, type CFResult, type CFValue } from '../values.js';
import { matchKey, stringBytes, toNumber, type AttrValue, type Attributes } from './codec.js';
import { emulatedCertificate } from './certificates.js';
import { emulatedIdentity } from './identities.js';
import { identityCertificate, identityItems } from './identityItems.js';
import { keyOfRef } from './keyItems.js';
import { applicationLabel } from './keyModel.js';
import { expandValueRef, itemValues } from './itemValues.js';
import {
  KNOWN_CLASSES, needFor, attributeMatches, itemRefPayload, laterThan, noReturns, readLimit,
  lookupKeys, readReturnKey, requireEmulatedClass, resultValue, returnCount, type EmulatedClass, type Returns,
} from './items.js';
import { makeFileBasedRef, parseFileBasedRef } from './persistentRef.js';
import { translateForFileBased, type Call } from './routing.js';
import type { KeychainSide, MovableItem } from './side.js';
import { classFacts, fileBasedSchema } from './schemaTables.js';
import { DuplicateKeyError, type ItemRow, type Need, type Store, type StoredItem } from './store.js';

export interface FileBasedContext {
  readonly store: Store;
  now(): Date;
}

type PasswordClass = EmulatedClass;

const rawValues = (name: 'kSecAttrProtocol' | 'kSecAttrAuthenticationType' | 'kSecAttrKeyClass' | 'kSecAttrKeyType'): Set<string> =>
  new Set(attributeValueSets[name].map((n) => (constantGroups.attributeValues as Record<string, string>)[n]!));
/** The protocol and authentication-type constants the shim can convert (spec 3.11). */
const PROTOCOLS = rawValues('kSecAttrProtocol');
const AUTH_TYPES = rawValues('kSecAttrAuthenticationType');
/** The key class and key type constants (SecItem.cpp _CreateSecKeychainKeyAttributeListFromDictionary). */
const KEY_CLASSES = rawValues('kSecAttrKeyClass');
const KEY_TYPES = rawValues('kSecAttrKeyType');

type ShimKind = 'string' | 'number' | 'boolean' | 'data' | 'date' | 'protocol' | 'authenticationType' |
  'keyClass' | 'keyType' | 'cfNumber' | 'cfBoolean';

/** The shim's schema of a class: an identity search is a certificate search (classes.json idnt.fileBased.search). */
function schemaOf(cls: PasswordClass): (typeof fileBasedSchema)[keyof typeof fileBasedSchema] {
  return fileBasedSchema[cls === 'idnt' ? 'cert' : cls];
}

/** How the shim converts an attribute of the class (fileBasedSchema's `kind` column, spec 3.11). */
function kindOf(cls: PasswordClass, key: string): ShimKind | undefined {
  return (schemaOf(cls).attributes as Record<string, { kind?: ShimKind }>)[key]?.kind;
}

interface Parsed {
  cls: PasswordClass;
  attrs: Attributes;
  limit: number;
  returns: Returns;
  data: Buffer | undefined;
  /** An item named by persistent ref or item ref; null = named, but not in this keychain. */
  target: StoredItem | null | undefined;
  /** kSecMatchItemList: the items a match must be one of. */
  itemList?: readonly CFValue[];
}

/** copyNumber: CFNumber, CFBoolean or a decimal string; any other string is errSecParam. */
function shimNumber(key: string, value: CFValue): number {
  if (typeof value === 'number' || typeof value === 'bigint') return toNumber(value, key);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number(value);
  throw paramFailure(`${describeKey(key)} must be a number, a boolean or a decimal string, not ${describeValue(value)}`);
}

/** Converts one known attribute the way the shim does; undefined = stored as "any" (absent). */
function shimValue(cls: PasswordClass, key: string, value: CFValue): AttrValue | undefined {
  switch (kindOf(cls, key)) {
    case 'protocol':
      return typeof value === 'string' && PROTOCOLS.has(value) ? value : undefined;
    case 'authenticationType':
      return typeof value === 'string' && AUTH_TYPES.has(value) ? value : undefined;
    // Key attributes: a value the shim does not recognize is left out, not refused.
    case 'keyClass':
      return typeof value === 'string' && KEY_CLASSES.has(value) ? value : undefined;
    case 'keyType':
      return typeof value === 'string' && KEY_TYPES.has(value) ? value : undefined;
    case 'cfNumber':
      return typeof value === 'number' || typeof value === 'bigint' ? toNumber(value, key) : undefined;
    case 'cfBoolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'number':
      return shimNumber(key, value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value !== 0;
      throw paramFailure(`${describeKey(key)} must be a boolean`);
    case 'data':
      if (value instanceof Uint8Array) return Buffer.from(value);
      if (typeof value === 'string') return stringBytes(value); // stored as its bytes
      throw paramFailure(`${describeKey(key)} must be data or a string`);
    case 'date':
      if (value instanceof Date) return value;
      throw paramFailure(`${describeKey(key)} must be a Date`);
    case 'string':
      if (typeof value === 'string') return value;
      throw paramFailure(`${describeKey(key)} must be a string in the file-based keychain, not ${value instanceof Uint8Array ? 'data' : typeof value}`);
    default:
      return undefined;
  }
}

function parse(ctx: FileBasedContext, dict: Record<string, CFValue>, call: Call): Parsed {
  return parseExpanded(ctx, expandValueRef(dict, 'fb', call).dict, call);
}

function parseExpanded(ctx: FileBasedContext, dict: Record<string, CFValue>, call: Call): Parsed {
  // kSecAttrService must be a CFString in every call, whatever the class (spec 3.11).
  if ('svce' in dict && typeof dict.svce !== 'string') {
    throw paramFailure(`${describeKey('svce')} must be a string in the file-based keychain`);
  }
  let target: StoredItem | null | undefined;
  if ('v_PersistentRef' in dict && call !== 'add') {
    const v = dict.v_PersistentRef;
    const ref = v instanceof Uint8Array ? parseFileBasedRef(v) : undefined;
    if (!ref) throw paramFailure(`${describeKey('v_PersistentRef')} is not a persistent reference of the file-based keychain`);
    target = ctx.store.selectByPrimaryKey('fb', ref.cls, ref.pk) ?? null; // stale once the key changes (12.4)
  } else if ('v_Ref' in dict && call !== 'add') {
    const payload = itemRefPayload(dict.v_Ref!);
    const item = payload?.kc === 'fb' ? ctx.store.selectByUuid(payload.uuid) : undefined;
    target = item && item.kc === 'fb' ? item : null;
  }
  let cls: string;
  if ('class' in dict) {
    const c = dict.class;
    if (typeof c !== 'string' || !(KNOWN_CLASSES as readonly string[]).includes(c)) {
      throw paramFailure(`${describeKey('class')} ${describeValue(c)} is not an item class`);
    }
    if (c === 'idnt' && call === 'add') throw paramFailure('identities cannot be added to the file-based keychain as one item');
    cls = c;
  } else if (target) {
    cls = target.cls; // a reference names its class (spec 12.4)
  } else if (target === null) {
    cls = 'genp';
  } else {
    throw paramFailure('kSecClass ("class") is required');
  }
  requireEmulatedClass(cls);
  const schema = schemaOf(cls as PasswordClass);
  const known = schema.attributes as Record<string, { queryable: boolean }>;
  const p: Parsed = { cls: cls as PasswordClass, attrs: {}, limit: 1, returns: noReturns(), data: undefined, target };
  for (const [key, value] of Object.entries(dict)) {
    if (key === 'm_Limit') p.limit = readLimit(value, true);
    else if (key === 'm_ItemList') {
      if (!Array.isArray(value)) throw paramFailure(`${describeKey(key)} must be an array`); // _ValidateDictionaryEntry
      p.itemList = value;
    }
    else if (key.startsWith('r_')) readReturnKey(p.returns, key, value, describeKey);
    else if (key === 'v_Data' && call === 'add') {
      if (value instanceof Uint8Array) p.data = toBuffer(value);
      else if (typeof value === 'string') p.data = stringBytes(value); // spec 3.11
      else throw paramFailure(`${describeKey(key)} must be data or a string`);
    } else if (key === 'v_Ref' && call === 'add') {
      // Keys, certificates and identities arrive expanded (itemValues.ts); passwords cannot (3.8).
      throw paramFailure(`${cls === 'genp' || cls === 'inet' ? 'passwords' : `items of class ${cls}`} cannot be added by this kSecValueRef`);
    } else if (key in known) {
      if (call !== 'add' && !known[key]!.queryable) continue;
      const v = shimValue(p.cls, key, value);
      if (v !== undefined) p.attrs[key] = v;
      else if ((key === 'ptcl' || key === 'atyp') && call !== 'add') p.attrs[key] = ANY;
    }
    // every other key is ignored by the shim (classes.json fileBasedUnknownAttribute)
  }
  // kSecReturnData with kSecMatchLimitAll on a password class (spec 4.7, 3.11).
  if (p.returns.data && p.limit === Infinity && 'm_Limit' in dict && (p.cls === 'genp' || p.cls === 'inet')) {
    throw paramFailure('kSecReturnData cannot be combined with kSecMatchLimitAll for passwords in the file-based keychain');
  }
  return p;
}

/** The stored form of a protocol or authentication type of "any" (no constant, spec 3.11). */
const ANY = '\u0000any';

/**
 * The unique key: the record type where a class has several (keys: public, private and
 * symmetric records, classes.json keys.fileBased.notes), then the unique index's attributes.
 */
function uniqueAttributes(cls: PasswordClass): readonly string[] {
  const recordType = classFacts[cls].recordType;
  return recordType === null ? schemaOf(cls).primaryKey : [recordType, ...schemaOf(cls).primaryKey];
}

function primaryKey(cls: PasswordClass, attrs: Attributes): string {
  return uniqueAttributes(cls)
    .map((k) => (attrs[k] === undefined ? '-' : matchKey(attrs[k]!, false)))
    .join('|');
}

/** The attributes the indexed columns derive from: the unique key and the lookup keys. */
function indexedAttributes(cls: PasswordClass): readonly string[] {
  return [...uniqueAttributes(cls), ...classFacts[cls].lookup];
}

/** The indexed columns of a file-based item (its canonical primary key and lookup keys). */
export function fileBasedKeys(cls: string, attrs: Attributes): { pk: string; k1: string | null; k2: string | null } {
  return { pk: primaryKey(cls as PasswordClass, attrs), ...lookupKeys(cls as PasswordClass, attrs) };
}

function rowFor(cls: PasswordClass, uuid: Buffer, attrs: Attributes, data: Buffer | undefined): ItemRow {
  return { kc: 'fb', cls, uuid, attrs, data, pk: primaryKey(cls, attrs), agrp: '', ...lookupKeys(cls, attrs) };
}

/** Dates, default label and unique-index defaults on add (spec 3.11; classes.json). */
function fillDefaults(cls: PasswordClass, attrs: Attributes, now: Date): void {
  attrs.cdat = now;
  attrs.mdat = now;
  if (attrs.labl === undefined) {
    const from = classFacts[cls].defaultLabel.find((k) => attrs[k] !== undefined);
    if (from !== undefined) attrs.labl = attrs[from]!;
  }
  for (const k of schemaOf(cls).primaryKey) {
    if (attrs[k] !== undefined) continue;
    const kind = kindOf(cls, k);
    attrs[k] = kind === 'number' || kind === 'cfNumber' ? 0 : kind === 'protocol' || kind === 'authenticationType' ? ANY
      : kind === 'data' ? Buffer.alloc(0) : '';
  }
}

/** The shim's attribute dictionary (spec 14.3). */
function attributesOf(item: StoredItem): Record<string, CFResult> {
  // An identity's attributes are its certificate's, class included (SecItem.cpp _CreateAttributesDictionaryFromCertificateItem).
  const out: Record<string, CFResult> = { class: item.cls === 'idnt' ? 'cert' : item.cls };
  const cls = item.cls as PasswordClass;
  const omitEmpty = classFacts[cls].omitsEmptyAttributes;
  const known = schemaOf(cls).attributes as Record<string, unknown>;
  const attrs = item.attrs;
  for (const k in attrs) {
    if (!(k in known)) continue; // only the attributes the shim knows for the class (14.3)
    const v = attrs[k]!;
    if (v === ANY) continue; // "any" has no constant and is left out
    if (omitEmpty && (v === '' || (Buffer.isBuffer(v) && v.length === 0))) continue;
    out[k] = resultValue(v);
  }
  return out;
}

function persistentRefOf(item: StoredItem): Buffer {
  const stored = item.cls === 'idnt' ? identityCertificate(item) : item; // an identity's is its certificate's
  return makeFileBasedRef(stored.cls, primaryKey(stored.cls as PasswordClass, stored.attrs));
}

/** One element (spec 4.5): one return type → the value; several → exactly those; none → ref. */
function element(item: StoredItem, r: Returns): CFResult {
  const value = itemValues[item.cls as PasswordClass];
  const n = returnCount(r);
  if (n === 0) return value.ref(item, 'fb'); // the shim's default return type (3.9, 4.5)
  if (n === 1) {
    if (r.data) return value.data(item, 'fb') ?? Buffer.alloc(0);
    if (r.persistentRef) return persistentRefOf(item);
    if (r.ref) return value.ref(item, 'fb');
    return attributesOf(item);
  }
  const dict: Record<string, CFResult> = r.attributes ? attributesOf(item) : {};
  if (r.data) dict.v_Data = value.data(item, 'fb') ?? Buffer.alloc(0);
  if (r.persistentRef) dict.v_PersistentRef = persistentRefOf(item);
  if (r.ref) dict.v_Ref = value.ref(item, 'fb');
  return dict;
}

/** Whether the query's attributes are exactly the class's unique key (spec 3.11). */
function byPrimaryKey(p: Parsed): boolean {
  const key = uniqueAttributes(p.cls);
  let n = 0;
  for (const k in p.attrs) {
    if (!(key as readonly string[]).includes(k)) return false;
    n++;
  }
  return n === key.length;
}

/** Matching items in keychain order, at most `limit` (spec 4.1, 4.11, 4.12, 13.1). */
function search(ctx: FileBasedContext, p: Parsed, need: Need = 'write'): StoredItem[] {
  if (p.limit <= 0) return [];
  if (p.itemList && need === 'attributes') need = 'secret'; // the list names items by reference and DER
  let items: StoredItem[];
  if (p.cls === 'idnt') {
    // Certificates that pair with a private key of the keychain (classes.json idnt.fileBased.search).
    const joined = need === 'attributes' ? 'secret' : need; // an identity is named by its certificate's UUID
    const certs = p.target !== undefined ? (p.target?.cls === 'cert' ? [p.target] : []) : ctx.store.select('fb', 'cert', null, null, joined);
    items = identityItems(certs, ctx.store.select('fb', 'keys', null, null, joined), 'fb');
  } else if (p.target !== undefined) items = p.target && p.target.cls === p.cls ? [p.target] : [];
  else if (byPrimaryKey(p) && !p.itemList) {
    // The query names exactly one item's whole unique key: the unique index finds it, and
    // nothing else needs comparing (the key compares as matching does, value and type, 13.1).
    const item = ctx.store.selectByPrimaryKey('fb', p.cls, primaryKey(p.cls, p.attrs), need);
    return item ? [item] : [];
  } else {
    const { k1, k2 } = lookupKeys(p.cls, p.attrs);
    items = ctx.store.select('fb', p.cls, k1, k2, need);
  }
  const out: StoredItem[] = [];
  const keys = Object.keys(p.attrs);
  const recordType = classFacts[p.cls].recordType;
  if (recordType !== null && p.attrs[recordType] === undefined) items = inRecordOrder(items, recordType);
  for (const item of items) {
    if (!keys.every((k) => attributeMatches(item.attrs, k, p.attrs[k]!, false))) continue;
    if (p.itemList && !p.itemList.some((listed) => isItem(listed, item))) continue;
    out.push(item);
    if (out.length >= p.limit) break;
  }
  return out;
}

/**
 * Whether an element of kSecMatchItemList is the found item (SecItem.cpp FilterCandidateItem,
 * CFEqual): a persistent reference or item reference names it; an identity stands for its
 * certificate; certificates are equal by DER, keys by record type and application label.
 */
function isItem(listed: CFValue, item: StoredItem): boolean {
  const stored = item.cls === 'idnt' ? identityCertificate(item) : item;
  if (listed instanceof Uint8Array) {
    const ref = parseFileBasedRef(listed);
    return ref !== undefined && ref.cls === stored.cls && ref.pk === primaryKey(stored.cls as PasswordClass, stored.attrs);
  }
  const itemRef = itemRefPayload(listed);
  if (itemRef) return itemRef.kc === 'fb' && itemRef.uuid.equals(stored.uuid);
  const certificate = emulatedCertificate(emulatedIdentity(listed)?.certificate ?? listed);
  if (certificate) return stored.cls === 'cert' && stored.data !== undefined && certificate.der.equals(stored.data);
  const key = keyOfRef(listed);
  if (key) {
    return stored.cls === 'keys' && String(stored.attrs.kcls) === (key.keyClass === 'private' ? '1' : '0') &&
      Buffer.isBuffer(stored.attrs.klbl) && stored.attrs.klbl.equals(applicationLabel(key));
  }
  return false;
}

/**
 * A key search without kSecAttrKeyClass goes through the symmetric, then the public, then the
 * private key records (classes.json keys.fileBased.notes).
 */
const RECORD_ORDER: Record<string, number> = { 2: 0, 0: 1, 1: 2 };
function inRecordOrder(items: StoredItem[], recordType: string): StoredItem[] {
  const rank = (item: StoredItem) => RECORD_ORDER[String(item.attrs[recordType])] ?? 3;
  return [...items].sort((a, b) => rank(a) - rank(b));
}

function notFound(): Failure {
  return fail('errSecItemNotFound', 'no item matched the query');
}

export function fileBasedAdd(ctx: FileBasedContext, given: Record<string, CFValue>): CFResult {
  const expanded = expandValueRef(given, 'fb', 'add');
  const p = parseExpanded(ctx, expanded.dict, 'add');
  const attrs: Attributes = { ...p.attrs, ...expanded.internal };
  fillDefaults(p.cls, attrs, ctx.now());
  const uuid = randomBytes(16);
  let rowid: number;
  try {
    rowid = ctx.store.insert(rowFor(p.cls, uuid, attrs, p.data));
  } catch (error) {
    if (error instanceof DuplicateKeyError) {
      throw fail('errSecDuplicateItem', 'an item with the same primary key exists in the file-based keychain; access group, accessibility and synchronizable do not count there');
    }
    throw error;
  }
  // A match limit does not make the add result an array (spec 3.9).
  // The secret is the caller's own bytes (parse takes a view): a result gets a copy.
  const data = p.returns.data && p.data ? Buffer.from(p.data) : p.data;
  const result = element({ rowid, kc: 'fb', cls: p.cls, uuid, attrs, data }, p.returns);
  // An add by reference goes through the shim's item-list branch: an array, one element per item (3.9).
  return expanded.byRef ? [result] : result;
}

export function fileBasedCopyMatching(ctx: FileBasedContext, dict: Record<string, CFValue>): CFResult {
  const p = parse(ctx, dict, 'copy');
  const found = search(ctx, p, needFor(p.returns));
  if (found.length === 0) throw notFound(); // spec 4.6
  const elements = found.map((i) => element(i, p.returns));
  return p.limit === 1 ? elements[0]! : elements; // spec 4.3
}

export function fileBasedUpdate(ctx: FileBasedContext, query: Record<string, CFValue>, changes: Record<string, CFValue>): void {
  const p = parse(ctx, query, 'update');
  const found = search(ctx, p); // the query's own limit, one by default (spec 5.3)
  if (found.length === 0) throw notFound();
  const known = schemaOf(p.cls).attributes as Record<string, unknown>;
  const update: Attributes = {};
  let data: Buffer | undefined;
  if ('svce' in changes && typeof changes.svce !== 'string') throw paramFailure(`${describeKey('svce')} must be a string`);
  for (const [key, value] of Object.entries(changes)) {
    if (key === 'v_Data') {
      if (!(value instanceof Uint8Array)) throw paramFailure(`${describeKey(key)} must be data in SecItemUpdate`);
      data = toBuffer(value);
    } else if (key in known && key !== 'cdat' && key !== 'mdat') {
      update[key] = shimValue(p.cls, key, value) ?? ANY;
    }
  }
  const now = ctx.now();
  let duplicate = false;
  // The indexed columns are recomputed only when an attribute they derive from changes.
  const keyed = Object.keys(update).some((k) => indexedAttributes(p.cls).includes(k));
  // No transaction across items: earlier ones stay updated after a collision (spec 5.7a).
  for (const item of found) {
    const attrs: Attributes = { ...item.attrs, ...update, mdat: laterThan(item.attrs.mdat, now) };
    try {
      ctx.store.update(item, keyed ? rowFor(p.cls, item.uuid, attrs, data) : { attrs, data }, data === undefined);
    } catch (error) {
      if (!(error instanceof DuplicateKeyError)) throw error;
      duplicate = true;
    }
  }
  if (duplicate) throw fail('errSecDuplicateItem', 'the update would give an item the primary key of another item');
}

export function fileBasedDelete(ctx: FileBasedContext, query: Record<string, CFValue>): void {
  const p = parse(ctx, query, 'delete');
  if (p.limit > 0 && p.target === undefined && byPrimaryKey(p)) {
    // One item at most, named by its unique key: one statement (spec 6.2, 6.4).
    if (!ctx.store.deleteByPrimaryKey('fb', p.cls, primaryKey(p.cls, p.attrs))) throw notFound();
    return;
  }
  const found = search(ctx, p); // one by default, the first N with a number (spec 6.2)
  if (found.length === 0) throw notFound(); // spec 6.4
  for (const item of found) ctx.store.delete(item.rowid);
}

export function fileBasedMatches(ctx: FileBasedContext, query: Record<string, CFValue>): MovableItem[] {
  const p = parse(ctx, query, 'update');
  return search(ctx, p).map((item) => {
    const attributes: Record<string, CFValue> = {};
    for (const [k, v] of Object.entries(item.attrs)) {
      if (k === 'cdat' || k === 'mdat' || v === ANY) continue;
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || Buffer.isBuffer(v)) attributes[k] = v;
    }
    return { cls: item.cls, attributes, data: item.data, ref: persistentRefOf(item) };
  });
}

/** The file-based keychain as one side of the bridge (side.ts). */
export function fileBasedSide(ctx: FileBasedContext): KeychainSide {
  return {
    kind: 'fb',
    reachable: () => true,
    add: (d) => fileBasedAdd(ctx, translateForFileBased(d, 'add')),
    copy: (q) => fileBasedCopyMatching(ctx, translateForFileBased(q, 'copy')),
    update: (q, changes) => fileBasedUpdate(ctx, translateForFileBased(q, 'update'), changes),
    delete: (q) => fileBasedDelete(ctx, translateForFileBased(q, 'delete')),
    matches: (q) => fileBasedMatches(ctx, translateForFileBased(q, 'update')),
    primaryKeyOf: (cls) => schemaOf(cls as PasswordClass).primaryKey,
  };
}
