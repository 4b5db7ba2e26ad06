/**
 * What an item's value is, per class: how its `data` is made from a kSecValueRef on add, what
 * a kSecValueRef in a search stands for, and what kSecReturnData and kSecReturnRef give back
 * (spec/semantics.md 3.1, 3.8, 4.4, 4.5). Both keychains read this table, so the store stays
 * class-generic: an item is a class, attributes and one sealed secret.
 */
import { SecHandle, type HandleKind } from '../handles.js';
import type { CFValue } from '../values.js';
import { paramFailure } from './failure.js';
import { itemRef, type EmulatedClass } from './items.js';
import { certificateHandleOf, certificateItemFromRef, certificateQueryFromRef } from './certificateItems.js';
import { identityData, identityRefOf } from './identityItems.js';
import { keyHandleOf, keyItemData, keyItemFromRef, keyQueryFromRef, type RefValue } from './keyItems.js';
import type { Call } from './routing.js';
import type { KeychainKind, StoredItem } from './store.js';

export type { RefValue } from './keyItems.js';

export interface ItemValue {
  /** kSecReturnData: the bytes returned, undefined for none. */
  data(item: StoredItem, kc: KeychainKind): Buffer | undefined;
  /** kSecReturnRef: the object. */
  ref(item: StoredItem, kc: KeychainKind): SecHandle;
  /** SecItemAdd with kSecValueRef; absent for classes that cannot be added by reference (3.8). */
  fromRef?(ref: CFValue, kc: KeychainKind): RefValue | undefined;
  /** The attributes a kSecValueRef of this class stands for in a search. */
  queryFromRef?(ref: CFValue, kc: KeychainKind): Record<string, CFValue> | undefined;
}

/** Passwords: the secret is the caller's data; a reference is a SecKeychainItem (4.4). */
const password: ItemValue = {
  data: (item) => item.data,
  ref: (item, kc) => itemRef(kc, item),
};

export const itemValues: Record<EmulatedClass, ItemValue> = {
  genp: password,
  inet: password,
  keys: { data: keyItemData, ref: keyHandleOf, fromRef: keyItemFromRef, queryFromRef: keyQueryFromRef },
  // A certificate's data is its DER (SecItem.cpp: SecCertificateCopyData for kSecReturnData).
  cert: { data: (item) => item.data, ref: certificateHandleOf, fromRef: certificateItemFromRef, queryFromRef: certificateQueryFromRef },
  // Never stored: a search joins certificates and keys into identity items (identityItems.ts).
  idnt: { data: identityData, ref: identityRefOf },
};

/** The class whose items a kSecValueRef handle of this kind is (SecItem.m SecItemCopyAttributeDictionary). */
const CLASS_OF_REF: Partial<Record<HandleKind, EmulatedClass>> = { SecKey: 'keys', SecCertificate: 'cert' };

/** A dictionary with its kSecValueRef object expanded, and what the add stores beside it. */
export interface Expanded {
  dict: Record<string, CFValue>;
  /** The add named its item by reference (the file-based result is then an array, 3.9). */
  byRef: boolean;
  internal?: RefValue['internal'];
}

/**
 * Replaces a kSecValueRef object (not a SecKeychainItem, which names a stored item itself) by
 * what it stands for: on add, the object's attributes under the caller's and its data as
 * kSecValueData; in the other calls, the attributes that find its item. A ref of another
 * class than the dictionary's kSecClass is errSecParam (SecItem.m
 * SecItemCheckRefCompatibilityWithQuery).
 */
export function expandValueRef(dict: Record<string, CFValue>, kc: KeychainKind, call: Call): Expanded {
  const ref = dict.v_Ref;
  if (!(ref instanceof SecHandle) || ref.kind === 'SecKeychainItem') return { dict, byRef: false };
  const cls = CLASS_OF_REF[ref.kind];
  const value = cls ? itemValues[cls] : undefined;
  if (!cls || !value) return { dict, byRef: false };
  if (dict.class !== undefined && dict.class !== cls) {
    throw paramFailure(`kSecValueRef is a ${ref.kind}, which is not an item of class ${String(dict.class)}`);
  }
  const { v_Ref: _ref, ...rest } = dict;
  if (call === 'add') {
    const from = value.fromRef?.(ref, kc);
    if (!from) throw paramFailure(`kSecValueRef must be a ${ref.kind} of this emulator`);
    const attributes = from.overrides ? { ...rest, ...from.attributes } : { ...from.attributes, ...rest };
    return { dict: { ...attributes, class: cls, v_Data: from.data }, byRef: true, internal: from.internal };
  }
  const query = value.queryFromRef?.(ref, kc);
  if (!query) throw paramFailure(`kSecValueRef must be a ${ref.kind} of this emulator`);
  return { dict: { ...query, ...rest, class: cls }, byRef: true };
}
