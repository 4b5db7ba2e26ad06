import { SecHandle, handlePayload } from '../handles.js';
import type { SecError } from '../errors.js';
import type { CFDictionary, CFResult, CFValue } from '../values.js';
import { fail, isStatus, type Failure } from './failure.js';
import type { EmulatedKey } from './keyModel.js';
import { isDataProtectionRef } from './persistentRef.js';

/** The four SecItem calls, as the routing and translation rules name them. */
export type Call = 'add' | 'copy' | 'update' | 'delete';

/** Which keychains a call may reach (spec/semantics.md 1.1–1.2). */
export interface Targets {
  dp: boolean;
  fb: boolean;
}

/** The payload the emulator keeps in a SecKeychainItem handle. */
export interface ItemRefPayload {
  kc: 'dp' | 'fb';
  cls: string;
  uuid: Buffer;
}

export const EMULATOR = 'emulator';

/**
 * Apple's `readNumber` truthiness (spec 1.1/1.2): CFBoolean true, a non-zero number, or a
 * decimal string other than "0". Anything else (kSecAttrSynchronizableAny included) is false.
 */
export function truthy(value: CFValue | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return /^[+-]?\d+$/.test(value.trim()) && Number(value) !== 0;
  return false;
}

/** Keys that only the file-based keychain understands (spec 1.2). */
const FILE_BASED_ONLY_KEYS = [
  'm_ItemList', 'm_SearchList', 'm_SubjectStartsWith', 'm_SubjectEndsWith', 'm_SubjectWholeString',
  'm_DiacriticInsensitive', 'm_WidthInsensitive', 'u_ItemList', 'u_Keychain', 'acls', 'prf', 'salt', 'rounds',
];

/**
 * SecItemCategorizeQuery (spec 1.1, 1.2): the explicit kSecUseDataProtectionKeychain flag
 * decides alone; otherwise start with both keychains and exclude by the listed keys.
 */
export function categorize(dict: CFDictionary): Targets {
  if ('nleg' in dict) {
    const dp = truthy(dict.nleg);
    return { dp, fb: !dp };
  }
  const t: Targets = { dp: true, fb: true };
  const ref = dict.v_Ref;
  if (ref instanceof SecHandle && ref.kind === 'SecKeychainItem') {
    const payload = handlePayload<ItemRefPayload>(ref, EMULATOR);
    // A keychain item without an attached data protection persistent ref is file-based.
    if (!payload || payload.kc === 'fb') t.dp = false;
  } else if (ref instanceof SecHandle && ref.kind === 'SecKey') {
    // A CDSA (file-based) key keeps only the file-based keychain, any other key only the
    // data protection one (SecItem.cpp SecItemCategorizeQuery; spec 16.5).
    if (handlePayload<EmulatedKey>(ref, EMULATOR)?.fileBased) t.dp = false;
    else t.fb = false;
  }
  if ('tkid' in dict || 'accc' in dict) t.fb = false;
  if (dict.agrp === 'com.apple.token') t.fb = false;
  if (truthy(dict.sync)) t.fb = false;
  const pref = dict.v_PersistentRef;
  if (pref !== undefined) {
    if (pref instanceof Uint8Array && isDataProtectionRef(pref)) t.fb = false;
    else t.dp = false;
  }
  if (FILE_BASED_ONLY_KEYS.some((k) => k in dict)) t.dp = false;
  if (!('class' in dict) && pref === undefined && ref === undefined) t.dp = false;
  if (!t.dp && !t.fb) {
    throw fail('errSecParam', 'the dictionary fits neither the data protection nor the file-based keychain (e.g. kSecClass is missing)');
  }
  return t;
}

const DP_ALWAYS_REMOVED = ['nleg', 'm_SearchList', 'u_Keychain', 'acls', 'mdat'];
const DP_MATCH_KEYS_REMOVED = [
  'm_Policy', 'm_ItemList', 'm_SearchList', 'm_Issuers', 'm_EmailAddressIfPresent', 'm_SubjectContains',
  'm_CaseInsensitive', 'm_TrustedOnly', 'm_ValidOnDate', 'm_Limit', 'm_LimitOne', 'm_LimitAll',
];
const RETURN_KEYS = ['r_Data', 'r_Attributes', 'r_Ref', 'r_PersistentRef'];

/** SecItemCopyTranslatedAttributes for the data protection side (spec 1.6). */
export function translateForDataProtection(dict: CFDictionary, call: Call): Record<string, CFValue> {
  const out: Record<string, CFValue> = { ...dict };
  for (const k of DP_ALWAYS_REMOVED) delete out[k];
  if ('v_PersistentRef' in out) delete out.sync;
  if (call !== 'copy') for (const k of DP_MATCH_KEYS_REMOVED) delete out[k];
  if (call === 'copy') delete out.v_Data;
  if (call === 'update' || call === 'delete') {
    for (const k of RETURN_KEYS) delete out[k];
    delete out.v_Data;
  }
  return out;
}

const FB_ALWAYS_REMOVED = ['pdmn', 'accc', 'agrp', 'sync', 'tomb', 'nleg'];

/** What the bridge strips before the file-based shim (spec 1.7). */
export function translateForFileBased(dict: CFDictionary, call: Call): Record<string, CFValue> {
  const out: Record<string, CFValue> = { ...dict };
  for (const k of FB_ALWAYS_REMOVED) delete out[k];
  if (call !== 'add') {
    delete out.v_Data;
    delete out.acls;
  }
  if (call === 'update' || call === 'delete') for (const k of RETURN_KEYS) delete out[k];
  return out;
}

/** One side's outcome, kept as a value so the two sides can be merged. */
export type Outcome = { ok: true; value: CFResult | undefined } | { ok: false; error: Failure | SecError };

/** Runs one side; a keychain status (either form) becomes a failed outcome, a bug propagates. */
export function attempt(run: () => CFResult | undefined | void): Outcome {
  try {
    return { ok: true, value: run() ?? undefined };
  } catch (error) {
    if (isStatus(error)) return { ok: false, error };
    throw error;
  }
}

/**
 * SecItemMergeResults (spec 1.4): how a call that ran against both keychains answers.
 */
export function merge(dp: Outcome | undefined, fb: Outcome | undefined): Outcome {
  if (!dp) return fb!;
  if (!fb) return dp;
  if (!dp.ok) return fb; // DP failed (-34018 included): FB's status and result
  if (!fb.ok) return dp; // DP succeeded, FB failed: DP's result, success
  if (Array.isArray(dp.value) && Array.isArray(fb.value)) {
    return { ok: true, value: [...dp.value, ...fb.value] };
  }
  return dp;
}
