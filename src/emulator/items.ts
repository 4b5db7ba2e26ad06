import { fail, paramFailure } from './failure.js';
import { SecHandle, handlePayload, makeHandle } from '../handles.js';
import { describeValue, type CFResult, type CFValue } from '../values.js';
import { isAccessControlSpec, matchKey, type AccessControlSpec, type AttrValue, type Attributes } from './codec.js';
import { EMULATOR, type ItemRefPayload } from './routing.js';
import { classFacts } from './schemaTables.js';
import type { KeychainKind, Need, StoredItem } from './store.js';

/** The item classes, by raw value (kSecClass*). */
export type ItemClass = keyof typeof classFacts;
export const KNOWN_CLASSES = Object.keys(classFacts) as readonly ItemClass[];

/** The classes the emulator models so far (classFacts' `emulated` column). */
export type EmulatedClass = { [C in ItemClass]: (typeof classFacts)[C]['emulated'] extends true ? C : never }[ItemClass];

/** errSecUnimplemented naming a class the emulator does not model yet. */
export function requireEmulatedClass(cls: string): asserts cls is EmulatedClass {
  if (!(classFacts as Record<string, { emulated: boolean }>)[cls]?.emulated) {
    throw fail('errSecUnimplemented',
      `class ${JSON.stringify(cls)} is not emulated`);
  }
}

/** Which return types a dictionary asks for (kSecReturn*; spec 2.4: CFBoolean only). */
export interface Returns {
  data: boolean;
  attributes: boolean;
  ref: boolean;
  persistentRef: boolean;
}

const RETURN_KEY_FIELDS: Record<string, keyof Returns> = {
  r_Data: 'data',
  r_Attributes: 'attributes',
  r_Ref: 'ref',
  r_PersistentRef: 'persistentRef',
};

export function noReturns(): Returns {
  return { data: false, attributes: false, ref: false, persistentRef: false };
}

/** Records one r_* key; unknown r_ keys and non-boolean values are errSecParam (2.3, 2.4). */
export function readReturnKey(returns: Returns, key: string, value: CFValue, describe: (k: string) => string): void {
  const field = RETURN_KEY_FIELDS[key];
  if (!field) throw paramFailure(`${describe(key)} is not a kSecReturn* key`);
  if (typeof value !== 'boolean') throw paramFailure(`${describe(key)} must be a boolean, not ${typeof value}`);
  returns[field] = value;
}

export function returnCount(r: Returns): number {
  return Number(r.data) + Number(r.attributes) + Number(r.ref) + Number(r.persistentRef);
}

/**
 * What a search must read of each row for these return types: attributes alone, or also the
 * item's identity and secret (data, references, and the file-based keychain's default
 * return type, a reference: spec 4.5).
 */
export function needFor(r: Returns): Need {
  return r.attributes && !r.data && !r.ref && !r.persistentRef ? 'attributes' : 'secret';
}

/** kSecMatchLimit: one, all, or a number (spec 4.2). `lenient` is the file-based reading. */
export function readLimit(value: CFValue, lenient: boolean): number {
  if (value === 'm_LimitOne') return 1;
  if (value === 'm_LimitAll') return Infinity;
  if (typeof value === 'number' || typeof value === 'bigint') {
    const n = Number(value);
    if (!Number.isInteger(n)) throw paramFailure(`kSecMatchLimit (m_Limit) must be an integer, not ${n}`);
    if (n < 0) {
      if (lenient) throw paramFailure(`kSecMatchLimit (m_Limit) is negative (${n})`);
      return Infinity; // DP passes it to SQL LIMIT, where a negative number means no limit
    }
    return n;
  }
  if (lenient && typeof value === 'string') return 1; // FB: any other string counts as one
  throw paramFailure(`kSecMatchLimit (m_Limit) must be kSecMatchLimitOne, kSecMatchLimitAll or a number, not ${describeValue(value)}`);
}

/** Does a stored item carry `value` for `key`? (spec 13.1: exact; `hashed` compares bytes) */
export function attributeMatches(item: Attributes, key: string, value: AttrValue, hashed: boolean): boolean {
  const stored = item[key];
  if (stored === undefined) return false;
  return matchKey(stored, hashed) === matchKey(value, hashed);
}

/** A SecKeychainItem handle for an item (what kSecReturnRef gives for passwords). */
export function itemRef(kc: KeychainKind, item: StoredItem): SecHandle {
  const payload: ItemRefPayload = { kc, cls: item.cls, uuid: item.uuid };
  return makeHandle('SecKeychainItem', EMULATOR, payload);
}

export function itemRefPayload(value: CFValue): ItemRefPayload | undefined {
  if (!(value instanceof SecHandle) || value.kind !== 'SecKeychainItem') return undefined;
  return handlePayload<ItemRefPayload>(value, EMULATOR);
}

/** A SecAccessControl handle of this emulator (how `accc` comes back in attributes). */
export function accessControlHandle(spec: AccessControlSpec): SecHandle {
  return makeHandle('SecAccessControl', EMULATOR, { protection: spec.protection, flags: spec.flags });
}

export function accessControlSpec(value: CFValue): AccessControlSpec | undefined {
  if (!(value instanceof SecHandle) || value.kind !== 'SecAccessControl') return undefined;
  const payload = handlePayload<AccessControlSpec>(value, EMULATOR);
  return payload && isAccessControlSpec(payload) ? payload : undefined;
}

/**
 * A stored value as the API returns it: an access control becomes a handle; every other
 * value is returned as it is, since each read decodes the item afresh (store.ts) and an add
 * returns the values it just stored — a Buffer or Date in a result is the caller's own.
 */
export function resultValue(v: AttrValue): CFResult {
  return isAccessControlSpec(v) ? accessControlHandle(v) : v;
}

/** Modification dates only move forward (spec 5.6). */
export function laterThan(previous: AttrValue | undefined, now: Date): Date {
  if (previous instanceof Date && previous.getTime() >= now.getTime()) return new Date(previous.getTime() + 1);
  return now;
}

/**
 * The store's lookup keys for an item or a query of an emulated class: the canonical bytes of
 * its account and of its second naming attribute (classFacts' `lookup` column), null where the
 * attribute is absent. Both keychains index by them (store.ts).
 */
export function lookupKeys(cls: EmulatedClass, attrs: Attributes): { k1: string | null; k2: string | null } {
  const [first, second]: readonly (string | undefined)[] = classFacts[cls].lookup;
  const a = first === undefined ? undefined : attrs[first];
  const b = second === undefined ? undefined : attrs[second];
  return { k1: a === undefined ? null : matchKey(a, true), k2: b === undefined ? null : matchKey(b, true) };
}
