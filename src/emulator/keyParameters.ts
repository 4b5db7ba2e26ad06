/**
 * The parameters of SecKeyCreateRandomKey and the attributes of SecKeyCreateWithData
 * (spec/semantics.md 16.1, 16.2, 16.5; SecKey.h), read into a request, and the keys a request
 * makes with the usage flags each kind of key reports. File-based keys follow
 * libsecurity_keychain's SecKey.cpp, data protection keys SecECKey.m and SecRSAKey.c.
 */
import type { KeyObject } from 'node:crypto';
import { paramError, secError } from '../errors.js';
import { SecHandle, handlePayload } from '../handles.js';
import { describeKey, describeValue, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { requireEntitlement } from './access.js';
import type { EmulatedContext } from './accessControl.js';
import type { AccessControlSpec } from './codec.js';
import { accessControlSpec } from './items.js';
import {
  CLASS_PRIVATE, CLASS_PUBLIC, CURVES_BY_SIZE, EMULATOR, KEY_TYPE_EC, KEY_TYPE_RSA, SECURE_ENCLAVE, USAGE_KEYS, keyHandle,
  type EmulatedKey, type KeyClass, type KeyEnvironment, type KeyMaterial, type KeyType, type Usage,
} from './keyModel.js';
import { truthy } from './routing.js';

/** Attributes SecKeyCreateRandomKey reads, with the value type each takes. */
const KEY_ATTRIBUTES: Record<string, 'string' | 'data' | 'boolean'> = {
  labl: 'string', atag: 'data', klbl: 'data',
  encr: 'boolean', decr: 'boolean', drve: 'boolean', sign: 'boolean', vrfy: 'boolean', wrap: 'boolean', unwp: 'boolean',
  extr: 'boolean', sens: 'boolean', perm: 'boolean',
};

/**
 * File-based keys (16.1; SecKey.cpp GetKeyParameters): private keys decrypt, derive, sign and
 * unwrap, public keys encrypt, derive and verify; the caller's flags override these, except
 * kSecAttrCanWrap, which is never read (so a public key does not wrap).
 */
export const FILE_BASED_USAGE: Record<KeyClass, Usage> = {
  private: { encr: false, decr: true, drve: true, sign: true, vrfy: false, wrap: false, unwp: true },
  public: { encr: true, decr: false, drve: true, sign: false, vrfy: true, wrap: false, unwp: false },
};

/** Data protection keys report fixed flags, whatever the caller asked (SecECKey.m, SecRSAKey.c). */
export const DATA_PROTECTION_USAGE: Record<KeyType, Record<KeyClass, Usage>> = {
  ec: {
    private: { encr: false, decr: true, drve: true, sign: true, vrfy: false, wrap: false, unwp: true },
    public: { encr: true, decr: false, drve: false, sign: false, vrfy: true, wrap: true, unwp: false },
  },
  rsa: {
    private: { encr: false, decr: true, drve: false, sign: true, vrfy: false, wrap: false, unwp: true },
    public: { encr: true, decr: true, drve: false, sign: false, vrfy: true, wrap: true, unwp: false },
  },
};

/** The attributes of `dict` that a key keeps, checked against KEY_ATTRIBUTES's value types. */
export function readKeyAttributes(dict: Record<string, CFValue>, where: string): Record<string, CFResult> {
  const out: Record<string, CFResult> = {};
  for (const [key, value] of Object.entries(dict)) {
    const kind = KEY_ATTRIBUTES[key];
    if (!kind) continue;
    const name = `${where}${describeKey(key)}`;
    if (kind === 'string' && typeof value !== 'string') throw paramError(`${name} must be a string`);
    if (kind === 'data') {
      if (typeof value === 'string') out[key] = Buffer.from(value, 'utf8');
      else if (value instanceof Uint8Array) out[key] = Buffer.from(value);
      else throw paramError(`${name} must be data or a string`);
      continue;
    }
    if (kind === 'boolean') {
      if (typeof value !== 'boolean' && typeof value !== 'number') throw paramError(`${name} must be a boolean`);
      out[key] = truthy(value);
      continue;
    }
    out[key] = value as CFResult;
  }
  return out;
}

function usageOf(defaults: Usage, given: Record<string, CFResult>): Usage {
  const usage = { ...defaults };
  for (const k of USAGE_KEYS) if (k !== 'wrap' && typeof given[k] === 'boolean') usage[k] = given[k];
  return usage;
}

function nested(parameters: CFDictionary, key: 'private' | 'public'): Record<string, CFValue> {
  const value = parameters[key];
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array ||
      value instanceof Date || value instanceof SecHandle) {
    throw paramError(`${describeKey(key)} must be a dictionary`);
  }
  return value as Record<string, CFValue>;
}

/**
 * The requested size: a CFNumber (a number, or a bigint — DESIGN.md: integers ⇄ SInt64) or a
 * numeric CFString (16.1); undefined when absent. Huge values stay numbers and are refused by
 * generationSize / importedKey before any key is made.
 */
function keySize(value: CFValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : typeof value === 'bigint' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw paramError(`${describeKey('bsiz')} must be a number of bits`);
  return n;
}

/** The key type; a missing one is errSecParam, an unknown one errSecUnimplemented (SecKey.cpp CheckAlgorithmType). */
function keyType(value: CFValue | undefined): KeyType {
  if (value === KEY_TYPE_EC) return 'ec';
  if (value === KEY_TYPE_RSA) return 'rsa';
  if (value === undefined) throw paramError(`${describeKey('type')} is required`);
  throw secError('errSecUnimplemented', `${describeKey('type')} ${describeValue(value)} is not a key type the emulator can generate ` +
    '(kSecAttrKeyTypeECSECPrimeRandom or kSecAttrKeyTypeRSA)');
}

/**
 * The size to generate. File-based keys (SecKey.cpp GetKeySize): 0 means the default (256-bit
 * EC, 2048-bit RSA), other sizes are errSecParam. Data protection keys (SecECKey.m,
 * SecRSAKey.c): errSecKeySizeNotAllowed. The emulator has the NIST curves P-256, P-384 and
 * P-521 and RSA from 1024 to 4096 bits.
 */
function generationSize(type: KeyType, requested: number | undefined, fileBased: boolean): number {
  if (fileBased && requested === undefined) throw paramError(`${describeKey('bsiz')} is required: a number of bits`);
  const bits = requested === 0 && fileBased ? (type === 'ec' ? 256 : 2048) : requested;
  const ok = bits !== undefined && (type === 'ec' ? CURVES_BY_SIZE[bits] !== undefined : bits >= 1024 && bits <= 4096 && bits % 8 === 0);
  if (ok) return bits;
  const what = `${type === 'ec' ? 'an elliptic-curve' : 'an RSA'} key of ${bits ?? 'unspecified'} bits is not supported ` +
    `(${type === 'ec' ? '256, 384 or 521' : '1024 to 4096, a multiple of 8'})`;
  throw fileBased ? paramError(what) : secError('errSecKeySizeNotAllowed', what);
}

// ── SecKeyCreateRandomKey (spec 16.1, 16.2, 16.5) ──────────────────────────────────────────

export interface KeyRequest {
  type: KeyType;
  bits: number;
  fileBased: boolean;
  privateAttributes: Record<string, CFResult>;
  publicAttributes: Record<string, CFResult>;
  /** File-based keys read kSecAttrIsExtractable at the top level only. */
  extractable: boolean;
  token?: typeof SECURE_ENCLAVE;
  accessControl?: { spec: AccessControlSpec; handle: SecHandle };
  context?: EmulatedContext;
  /**
   * The halves kSecAttrIsPermanent stores (16.1, 16.5): each with the dictionary its
   * SecItemAdd gets, the key itself to be added as kSecValueRef.
   */
  store: { public?: Record<string, CFValue>; private?: Record<string, CFValue> };
}

function readAccessControl(value: CFValue | undefined, where: string): KeyRequest['accessControl'] {
  if (value === undefined) return undefined;
  const spec = accessControlSpec(value);
  if (!spec) throw paramError(`${where}${describeKey('accc')} must be a SecAccessControl of this emulator`);
  return { spec, handle: value as SecHandle };
}

function readContext(value: CFValue | undefined): EmulatedContext | undefined {
  if (value === undefined) return undefined;
  const context = value instanceof SecHandle && value.kind === 'LAContext' ? handlePayload<EmulatedContext>(value, EMULATOR) : undefined;
  if (!context) throw paramError(`${describeKey('u_AuthCtx')} must be an LAContext of this emulator`);
  return context;
}

/**
 * Reads SecKeyCreateRandomKey's parameters: type and size at the top level, attributes at the
 * top level or in kSecPrivateKeyAttrs/kSecPublicKeyAttrs, the token only at the top level.
 * Routing (16.5): a token, an access control, synchronizable or kSecUseDataProtectionKeychain
 * makes a data protection key, which needs an entitled process (8.4); otherwise the key is
 * file-based.
 */
export function readRandomKeyRequest(parameters: CFDictionary, env: KeyEnvironment): KeyRequest {
  const type = keyType(parameters.type);
  const requested = keySize(parameters.bsiz);
  const priv = nested(parameters, 'private');
  const pub = nested(parameters, 'public');
  const common = readKeyAttributes(parameters, '');
  const privateAttributes = { ...common, ...readKeyAttributes(priv, `${describeKey('private')}.`) };
  const publicAttributes = { ...common, ...readKeyAttributes(pub, `${describeKey('public')}.`) };
  if ('tkid' in priv || 'tkid' in pub) throw paramError(`${describeKey('tkid')} belongs at the top level of the parameters, not in a key's attributes`);
  const accessControl = readAccessControl(priv.accc, `${describeKey('private')}.`) ?? readAccessControl(parameters.accc, '');
  if (pub.accc !== undefined) readAccessControl(pub.accc, `${describeKey('public')}.`);
  const context = readContext(priv.u_AuthCtx) ?? readContext(parameters.u_AuthCtx);
  const dataProtection = parameters.tkid !== undefined || accessControl !== undefined || truthy(parameters.nleg) ||
    truthy(parameters.sync) || truthy(priv.nleg) || truthy(priv.sync);
  // A data protection key that is not permanent is made in the process and touches no keychain
  // (SecKey.m SecKeyCreateRandomKey: SecECKeyGeneratePair / SecRSAKeyGeneratePair, then
  // SecItemAdd only for permanent halves), so it needs no entitlement; a permanent one fails
  // in that SecItemAdd (8.4). The Secure Enclave is reached through the caller's keychain
  // access groups and keeps its private key by default, so it needs an entitled process.
  if (parameters.tkid !== undefined && !env.entitled) {
    requireEntitlement([]); // errSecMissingEntitlement, as for any data protection write (8.4)
  }
  const bits = generationSize(type, requested, !dataProtection);
  let token: KeyRequest['token'];
  if (parameters.tkid !== undefined) {
    if (parameters.tkid !== SECURE_ENCLAVE) throw paramError(`${describeKey('tkid')} ${describeValue(parameters.tkid)} is not a token the emulator has`);
    // 16.2: the Secure Enclave holds only 256-bit elliptic-curve keys.
    if (type !== 'ec' || bits !== 256) throw paramError('the Secure Enclave holds only 256-bit elliptic-curve keys (kSecAttrKeyTypeECSECPrimeRandom, 256)');
    token = SECURE_ENCLAVE;
  }
  return {
    type, bits, fileBased: !dataProtection, privateAttributes, publicAttributes,
    extractable: common.extr !== false, token, accessControl, context,
    store: dataProtection ? dataProtectionAdds(parameters, accessControl !== undefined) : fileBasedAdds(privateAttributes, publicAttributes),
  };
}

/** SecKey.m getBoolForKey: a CFBoolean, or a CFNumber that is not zero; anything else is `fallback`. */
function boolFor(value: CFValue | undefined, fallback: boolean): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return Number(value) !== 0;
  return fallback;
}

/**
 * SecKey.m merge_params: a half's own attributes, then the top level's for what it lacks,
 * without the keys that belong to the top level only.
 */
function mergeParams(parameters: CFDictionary, half: 'private' | 'public'): Record<string, CFValue> {
  const merged: Record<string, CFValue> = { ...parameters, ...nested(parameters, half) };
  for (const k of ['private', 'public', 'type', 'bsiz']) delete merged[k];
  return merged;
}

/**
 * The SecItemAdd dictionaries of the permanent halves of a data protection key (SecKey.m
 * SecKeyCreateRandomKey and add_key): the merged parameters of each half; the public half is
 * permanent only when asked, the private half also by default when it lives in a token; the
 * public half loses the token ID; an access control the key already carries is the key's.
 */
function dataProtectionAdds(parameters: CFDictionary, keyHasAccessControl: boolean): KeyRequest['store'] {
  const pub = mergeParams(parameters, 'public');
  const priv = mergeParams(parameters, 'private');
  const store: KeyRequest['store'] = {};
  if (boolFor(pub.perm, false)) {
    delete pub.tkid;
    store.public = pub;
  }
  if (boolFor(priv.perm, 'tkid' in priv)) {
    if (keyHasAccessControl) delete priv.accc;
    store.private = priv;
  }
  return store;
}

/**
 * The permanent halves of a file-based (CDSA) key (SecKey.cpp _SecCDSAKeyCreateRandomKey,
 * GetKeyParameters, SetKeyLabelAndTag): kSecAttrIsPermanent at the top level or in the half's
 * attributes puts the half in the default keychain, with the half's label and tag.
 */
function fileBasedAdds(privateAttributes: Record<string, CFResult>, publicAttributes: Record<string, CFResult>): KeyRequest['store'] {
  const add = (attrs: Record<string, CFResult>): Record<string, CFValue> | undefined => {
    if (attrs.perm !== true) return undefined;
    const dict: Record<string, CFValue> = { class: 'keys' };
    if (attrs.labl !== undefined) dict.labl = attrs.labl as CFValue;
    if (attrs.atag !== undefined) dict.atag = attrs.atag as CFValue;
    return dict;
  };
  return { public: add(publicAttributes), private: add(privateAttributes) };
}

/** The generated pair as the private key, its public half behind publicHandle. */
export function makeKeyPair(request: KeyRequest, privateKey: KeyObject, publicKey: KeyObject): EmulatedKey {
  const { type, bits, fileBased } = request;
  const usage = (keyClass: KeyClass, given: Record<string, CFResult>) => fileBased
    ? usageOf(FILE_BASED_USAGE[keyClass], given)
    : DATA_PROTECTION_USAGE[type][keyClass];
  return {
    keyClass: 'private', type, bits, fileBased, privateKey, publicKey,
    attributes: { ...usage('private', request.privateAttributes), ...(fileBased && !request.extractable ? { extr: false } : {}) },
    token: request.token,
    accessControl: request.accessControl?.spec,
    accessControlHandle: request.accessControl?.handle,
    context: request.context,
    publicHandle: keyHandle({ keyClass: 'public', type, bits, fileBased, publicKey, attributes: usage('public', request.publicAttributes) }),
  };
}

// ── SecKeyCreateWithData (SecKey.h) ────────────────────────────────────────────────────────

/** The key type and class SecKeyCreateWithData needs to read the key data. */
export function readKeyDataClass(attributes: CFDictionary): { type: KeyType; keyClass: KeyClass } {
  const type = keyType(attributes.type);
  const cls = attributes.kcls;
  if (cls !== CLASS_PUBLIC && cls !== CLASS_PRIVATE) {
    throw paramError(`${describeKey('kcls')} is required: kSecAttrKeyClassPublic or kSecAttrKeyClassPrivate`);
  }
  return { type, keyClass: cls === CLASS_PRIVATE ? 'private' : 'public' };
}

/**
 * The key SecKeyCreateWithData makes once the data is read: a given kSecAttrKeySizeInBits must
 * match it, RSA is 1024 to 4096 bits, and the attributes' value types are checked. An imported
 * key is a data protection key (SecKeyCreateWithData → SecECKey.m / SecRSAKey.c) and reports
 * the fixed flags.
 */
export function importedKey(attributes: CFDictionary, type: KeyType, keyClass: KeyClass, material: KeyMaterial): EmulatedKey {
  const { bits, publicKey, privateKey } = material;
  if (attributes.bsiz !== undefined && keySize(attributes.bsiz) !== bits) {
    throw paramError(`${describeKey('bsiz')} ${String(attributes.bsiz)} does not match the key data (${bits} bits)`);
  }
  if (type === 'rsa' && (bits < 1024 || bits > 4096)) throw paramError(`an RSA key of ${bits} bits is not supported (1024 to 4096)`);
  readKeyAttributes(attributes, ''); // value types checked; a data protection key reports fixed flags
  const key: EmulatedKey = { keyClass, type, bits, fileBased: false, publicKey, privateKey, attributes: DATA_PROTECTION_USAGE[type][keyClass] };
  if (keyClass === 'private') {
    key.publicHandle = keyHandle({ keyClass: 'public', type, bits, fileBased: false, publicKey, attributes: DATA_PROTECTION_USAGE[type].public });
  }
  return key;
}
