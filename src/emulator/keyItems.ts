/**
 * Keys as keychain items (kSecClassKey): what a SecKey gives an item when it is added by
 * reference, what a SecKey in a search stands for, and the SecKey and data a stored key item
 * gives back. The item's secret is the key's external representation (SecKey.h
 * SecKeyCopyExternalRepresentation), sealed like a password's data (store.ts); the key is
 * rebuilt from it on every kSecReturnRef.
 *
 * Data protection (SecItem.m SecItemAttributesPrepare): a kSecValueRef SecKey is expanded into
 * the key's attribute dictionary (SecKey.m SecKeyCopyAttributeDictionary), the caller's own
 * attributes taking precedence; in a search the usage flags and kSecAttrIsPermanent are left
 * out of it (AttributeCreateFilteredOutSecAttrs). File-based (SecItem.cpp SecItemAdd_osx, the
 * item-list branch; classes.json keys.fileBased.addByReference): the key is imported with the
 * add dictionary's label and tag; a search by reference finds the item of that key.
 */
import { paramFailure } from './failure.js';
import { SecHandle, handlePayload } from '../handles.js';
import type { CFValue } from '../values.js';
import type { AccessControlSpec, Attributes } from './codec.js';
import { accessControlHandle } from './items.js';
import {
  CLASS_PRIVATE, CLASS_PUBLIC, EMULATOR, KEY_TYPE_EC, KEY_TYPE_RSA, SECURE_ENCLAVE, USAGE_KEYS, applicationLabel,
  externalRepresentation, keyAttributes, keyFromExternalRepresentation, keyHandle, sealed, type EmulatedKey, type KeyClass, type KeyType,
} from './keyModel.js';
import { DATA_PROTECTION_USAGE, FILE_BASED_USAGE } from './keyParameters.js';
import type { KeychainKind, StoredItem } from './store.js';

/** The emulated key behind a kSecValueRef, or undefined for any other value. */
export function keyOfRef(value: CFValue | undefined): EmulatedKey | undefined {
  if (!(value instanceof SecHandle) || value.kind !== 'SecKey') return undefined;
  return handlePayload<EmulatedKey>(value, EMULATOR);
}

/** What an add by reference stores: the attributes the reference gives and the item's secret. */
export interface RefValue {
  /** Attributes from the reference; the caller's dictionary overrides them. */
  attributes: Record<string, CFValue>;
  data: Buffer;
  /** Stored beside the attributes the keychain parses, for rebuilding the object. */
  internal?: Attributes;
  /** The reference's attributes win over the caller's (a file-based certificate, certificateItems.ts). */
  overrides?: boolean;
}

/** The attribute dictionary a data protection add or search gets from a SecKey (SecKey.m). */
function dataProtectionAttributes(key: EmulatedKey): Record<string, CFValue> {
  const out = keyAttributes(key) as Record<string, CFValue>;
  out.klbl = applicationLabel(key); // a non-extractable key still has its label
  delete out.v_Data;
  return out;
}

/** The shim's key attributes of a SecKey (SecItem.cpp gKeyAttributes; classes.json keys.fileBased). */
function fileBasedAttributes(key: EmulatedKey): Record<string, CFValue> {
  const out: Record<string, CFValue> = {
    class: 'keys',
    kcls: key.keyClass === 'private' ? CLASS_PRIVATE : CLASS_PUBLIC,
    klbl: applicationLabel(key),
    type: key.type === 'ec' ? KEY_TYPE_EC : KEY_TYPE_RSA,
    bsiz: key.bits,
    esiz: key.bits,
    perm: true,
  };
  for (const k of USAGE_KEYS) out[k] = key.attributes[k] === true;
  return out;
}

/** SecItemAdd with kSecValueRef = SecKey (spec 3.1, 3.8). */
export function keyItemFromRef(ref: CFValue, kc: KeychainKind): RefValue | undefined {
  const key = keyOfRef(ref);
  if (!key) return undefined;
  const data = externalRepresentation(key);
  if (kc === 'dp') return { attributes: dataProtectionAttributes(key), data };
  // A non-extractable file-based key stays so once stored (kSecAttrIsExtractable is not a shim attribute).
  return { attributes: fileBasedAttributes(key), data, internal: sealed(key) ? { extr: false } : undefined };
}

/** Keys that a data protection search by reference leaves out (SecItem.m AttributeCreateFilteredOutSecAttrs). */
const NOT_MATCHED = ['encr', 'decr', 'drve', 'sign', 'vrfy', 'wrap', 'unwp', 'snrc', 'vyrc', 'perm', 'accc'];

/**
 * The attributes a kSecValueRef SecKey stands for in a search, update or delete. Data
 * protection: the key's dictionary less the usage flags and kSecAttrIsPermanent (an access
 * control never filters a search, 2.7). File-based: the key's record type and application
 * label, which name its item (docs/emulator-differences.md).
 */
export function keyQueryFromRef(ref: CFValue, kc: KeychainKind): Record<string, CFValue> | undefined {
  const key = keyOfRef(ref);
  if (!key) return undefined;
  if (kc === 'fb') {
    return { class: 'keys', kcls: key.keyClass === 'private' ? CLASS_PRIVATE : CLASS_PUBLIC, klbl: applicationLabel(key) };
  }
  const out = dataProtectionAttributes(key);
  for (const k of NOT_MATCHED) delete out[k];
  return out;
}

/** A stored key class or type: a number in the data protection keychain, a string constant in the file-based one (14.2, 14.3). */
const isValue = (stored: unknown, constant: string): boolean => String(stored) === constant;

/** The SecKey a stored key item gives for kSecReturnRef: it works with every SecKey call. */
export function keyHandleOf(item: StoredItem, kc: KeychainKind): SecHandle {
  const attrs = item.attrs;
  const keyClass: KeyClass = isValue(attrs.kcls, CLASS_PRIVATE) ? 'private' : 'public';
  const type: KeyType = isValue(attrs.type, KEY_TYPE_RSA) ? 'rsa' : 'ec';
  if (!item.data) throw paramFailure('the key item holds no key');
  const { bits, publicKey, privateKey } = keyFromExternalRepresentation(type, keyClass, item.data);
  const fileBased = kc === 'fb';
  const usage = Object.fromEntries(USAGE_KEYS.map((k) => [k, attrs[k] === true || attrs[k] === 1]));
  if (fileBased && attrs.extr === false) usage.extr = false;
  const ac = kc === 'dp' ? attrs.accc as AccessControlSpec | undefined : undefined;
  const constrained = ac !== undefined && ac.flags !== 0;
  const key: EmulatedKey = {
    keyClass, type, bits, fileBased, publicKey, privateKey, attributes: usage,
    token: attrs.tkid === SECURE_ENCLAVE ? SECURE_ENCLAVE : undefined,
    // A stored access-controlled private key asks the user when it is used (spec 10, 16).
    accessControl: constrained ? ac : undefined,
    accessControlHandle: constrained ? accessControlHandle(ac) : undefined,
  };
  if (keyClass === 'private') {
    const defaults = fileBased ? FILE_BASED_USAGE.public : DATA_PROTECTION_USAGE[type].public;
    key.publicHandle = keyHandle({ keyClass: 'public', type, bits, fileBased, publicKey, attributes: defaults });
  }
  return keyHandle(key);
}

/**
 * kSecReturnData of a key item: the key's external representation (SecKey.m
 * SecKeyCreateFromAttributeDictionary reads an item's data that way). A Secure Enclave private
 * key and a non-extractable file-based key give none (16.3).
 */
export function keyItemData(item: StoredItem): Buffer | undefined {
  const attrs = item.attrs;
  if (isValue(attrs.kcls, CLASS_PRIVATE) && (attrs.tkid === SECURE_ENCLAVE || attrs.extr === false)) return undefined;
  return item.data;
}
