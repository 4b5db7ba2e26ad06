/**
 * Identities as keychain items (kSecClassIdentity, spec/semantics.md 15). A keychain holds no
 * identity items: an identity is a certificate item and a private-key item whose application
 * label equals the certificate's public key hash (15.1). A call that names identities is
 * split into certificate and key calls, as SecItem.m explode_identity and handleUpdateIdentity
 * split them (15.2); a search joins the two classes (SecItemDb.c s3dl_create_select_sql,
 * s3dl_query_row), which each keychain side does with `joinIdentities`.
 */
import { SecHandle } from '../handles.js';
import type { CFDictionary, CFResult } from '../values.js';
import { certificateHandleOf } from './certificateItems.js';
import type { Attributes } from './codec.js';
import { fail, isStatus } from './failure.js';
import { emulatedIdentity, identityHandle } from './identities.js';
import { keyHandleOf, keyItemData, keyOfRef } from './keyItems.js';
import { CLASS_PRIVATE, applicationLabel } from './keyModel.js';
import type { KeychainKind, StoredItem } from './store.js';

/** One identity a search found: the certificate item, the key item and their joined attributes. */
export interface IdentityRow {
  readonly cert: StoredItem;
  readonly key: StoredItem;
  /** The key's attributes with the certificate's over them (s3dl_query_row merges the certificate into the key). */
  readonly attrs: Attributes;
}

const isPrivate = (key: StoredItem) => String(key.attrs.kcls) === CLASS_PRIVATE;

/**
 * Private keys joined with the certificates whose kSecAttrPublicKeyHash is the key's
 * kSecAttrApplicationLabel (15.1), in certificate order, then key order.
 */
export function joinIdentities(certs: readonly StoredItem[], keys: readonly StoredItem[]): IdentityRow[] {
  const byLabel = new Map<string, StoredItem[]>();
  for (const key of keys) {
    const label = key.attrs.klbl;
    if (!isPrivate(key) || !Buffer.isBuffer(label)) continue;
    const hex = label.toString('hex');
    byLabel.set(hex, [...(byLabel.get(hex) ?? []), key]);
  }
  const rows: IdentityRow[] = [];
  for (const cert of certs) {
    const hash = cert.attrs.pkhh;
    if (!Buffer.isBuffer(hash)) continue;
    for (const key of byLabel.get(hash.toString('hex')) ?? []) rows.push({ cert, key, attrs: { ...key.attrs, ...cert.attrs } });
  }
  return rows;
}

const rows = new WeakMap<StoredItem, IdentityRow>();

/**
 * The identities of `certs` and `keys` as items a keychain side can match and shape like any
 * other: class 'idnt', the certificate's row and UUID (so a persistent reference is the
 * certificate's, re-tagged — explode_identity), and the attributes each keychain gives an
 * identity: data protection the joined row (s3dl_query_row), file-based the certificate's
 * (SecItem.cpp: an identity's attributes are its certificate's).
 */
export function identityItems(certs: readonly StoredItem[], keys: readonly StoredItem[], kc: KeychainKind): StoredItem[] {
  return joinIdentities(certs, keys).map((row) => {
    const item: StoredItem = {
      rowid: row.cert.rowid, kc, cls: 'idnt', uuid: row.cert.uuid, attrs: kc === 'dp' ? row.attrs : row.cert.attrs,
      get data() {
        return kc === 'dp' ? row.key.data : row.cert.data;
      },
    };
    rows.set(item, row);
    return item;
  });
}

function rowOf(item: StoredItem): IdentityRow {
  const row = rows.get(item);
  if (!row) throw fail('errSecInternalComponent', 'an identity result without its certificate and key');
  return row;
}

/** The certificate item behind an identity item (file-based persistent references name it). */
export function identityCertificate(item: StoredItem): StoredItem {
  return rowOf(item).cert;
}

/** kSecReturnRef of an identity: a SecIdentity of the certificate and the private key. */
export function identityRefOf(item: StoredItem, kc: KeychainKind): SecHandle {
  const row = rowOf(item);
  return identityHandle(certificateHandleOf(row.cert), keyHandleOf(row.key, kc));
}

/**
 * kSecReturnData of an identity: data protection, the key's data, which the joined row carries
 * (s3dl_query_row); file-based, the certificate's DER (SecItem.cpp AddItemResults copies the
 * data of the identity's certificate).
 */
export function identityData(item: StoredItem, kc: KeychainKind): Buffer | undefined {
  const row = rowOf(item);
  return kc === 'dp' ? keyItemData(row.key) : row.cert.data;
}

/** The four SecItem calls as the bridge runs them (routing included), for the split calls. */
export interface Bridge {
  add(attributes: CFDictionary): CFResult | undefined;
  copy(query: CFDictionary): CFResult | undefined;
  update(query: CFDictionary, changes: CFDictionary): void;
  delete(query: CFDictionary): void;
}

function code(error: unknown): string | undefined {
  return isStatus(error) ? error.code : undefined;
}

/**
 * The certificate and key of a SecIdentity in kSecValueRef, and the rest of the dictionary
 * bound to one keychain: the split calls must reach the keychain the identity call reached
 * (data protection: SecItem.m explode_identity; file-based: SecItem.cpp's item-list branch,
 * which adds the key to the file-based keychain whatever kind of key it is).
 */
function split(dict: CFDictionary, kc: KeychainKind): { cert: SecHandle; key: SecHandle; rest: CFDictionary } | undefined {
  const identity = emulatedIdentity(dict.v_Ref);
  if (!identity) return undefined;
  const { v_Ref: _ref, class: _class, ...rest } = dict;
  return { cert: identity.certificate, key: identity.privateKey, rest: { ...rest, nleg: kc === 'dp' } };
}

/** Whether a dictionary is an identity call the split handles: a SecIdentity reference, or kSecClassIdentity. */
export function isIdentityCall(dict: CFDictionary, call: 'add' | 'update' | 'delete'): boolean {
  if (emulatedIdentity(dict.v_Ref)) return true;
  return call !== 'add' && dict.class === 'idnt' && dict.v_Ref === undefined;
}

/**
 * SecItemAdd with kSecValueRef = SecIdentity (15.2; explode_identity): the certificate is
 * added, then the private key. A duplicate certificate is tolerated when the key is new, a
 * duplicate key when the certificate was new; both duplicates are errSecDuplicateItem. The
 * result is the certificate's, a persistent reference re-tagged as an identity's.
 */
export function addIdentity(bridge: Bridge, dict: CFDictionary, kc: KeychainKind, retag: (result: CFResult | undefined) => CFResult | undefined): CFResult | undefined {
  const parts = split(dict, kc);
  if (!parts) throw fail('errSecParam', 'kSecValueRef is not a SecIdentity of this emulator');
  let result: CFResult | undefined;
  let duplicateCertificate = false;
  try {
    result = bridge.add({ ...parts.rest, class: 'cert', v_Ref: parts.cert });
  } catch (error) {
    if (code(error) !== 'errSecDuplicateItem') throw error;
    duplicateCertificate = true;
  }
  const { r_PersistentRef: _p, r_Ref: _r, r_Attributes: _a, r_Data: _d, ...keyDict } = parts.rest;
  try {
    bridge.add({ ...keyDict, class: 'keys', v_Ref: parts.key });
  } catch (error) {
    if (code(error) !== 'errSecDuplicateItem' || duplicateCertificate) throw error;
  }
  return retag(result);
}

/**
 * SecItemDelete with kSecValueRef = SecIdentity deletes the certificate (in the data
 * protection keychain, if it is still there), then the private key unless another certificate
 * with its public key hash remains (15.2). With kSecClassIdentity and no reference, the query
 * deletes certificates and then keys (explode_identity).
 */
export function deleteIdentity(bridge: Bridge, query: CFDictionary, kc: KeychainKind): void {
  const parts = split(query, kc);
  if (parts) {
    // Data protection: a certificate already gone does not stop the key's delete
    // (SecItem.m explode_identity goes on after errSecItemNotFound); the key's status is then
    // the answer. The file-based keychain's delete (SecItem.cpp) is not that function, so
    // there the certificate's errSecItemNotFound stands.
    try {
      bridge.delete({ ...parts.rest, class: 'cert', v_Ref: parts.cert });
    } catch (error) {
      if (kc !== 'dp' || code(error) !== 'errSecItemNotFound') throw error;
    }
    const key = keyOfRef(parts.key);
    const label = key ? applicationLabel(key) : undefined;
    let inUse = false;
    if (label) {
      try {
        bridge.copy({ class: 'cert', pkhh: label, nleg: kc === 'dp' });
        inUse = true;
      } catch (error) {
        if (code(error) !== 'errSecItemNotFound') throw error;
      }
    }
    if (!inUse) bridge.delete({ ...parts.rest, class: 'keys', v_Ref: parts.key });
    return;
  }
  const bound = { ...query, nleg: kc === 'dp' };
  bridge.delete({ ...bound, class: 'cert' });
  bridge.delete({ ...bound, class: 'keys' });
}

/** SecItemUpdate of identities: the certificate's, then the key's (SecItem.m handleUpdateIdentity). */
export function updateIdentity(bridge: Bridge, query: CFDictionary, changes: CFDictionary, kc: KeychainKind): void {
  const parts = split(query, kc);
  if (parts) {
    bridge.update({ ...parts.rest, class: 'cert', v_Ref: parts.cert }, changes);
    bridge.update({ ...parts.rest, class: 'keys', v_Ref: parts.key }, changes);
    return;
  }
  const bound = { ...query, nleg: kc === 'dp' };
  bridge.update({ ...bound, class: 'cert' }, changes);
  bridge.update({ ...bound, class: 'keys' }, changes);
}

/** errSecParam for a SecIdentity where a search cannot take one. */
export function refuseIdentityRef(dict: CFDictionary): void {
  if (dict.v_Ref instanceof SecHandle && dict.v_Ref.kind === 'SecIdentity') {
    throw fail('errSecParam', 'a SecIdentity in kSecValueRef can be added, updated or deleted, not searched for');
  }
}
