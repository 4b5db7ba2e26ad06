/**
 * SecKey on the emulator: elliptic-curve (P-256, P-384, P-521) and RSA keys held in memory,
 * with Apple's parameters, algorithm identifiers, data formats and status codes
 * (spec/semantics.md section 16; SecKey.h's documentation of each algorithm; Apple's
 * SecKey.m, SecKeyAdaptors.m, SecECKey.m, SecRSAKey.c and, for file-based keys,
 * libsecurity_keychain's SecKey.cpp), computed with node:crypto. Keys are not stored in a
 * keychain: `kSecAttrIsPermanent: true` is refused with errSecUnimplemented
 * (docs/emulator-differences.md).
 *
 * macOS has two kinds of key (16.5): SecKeyCreateRandomKey without a data protection marker
 * makes a file-based ("CDSA") key, everything else — SecKeyCreateWithData, and generation with
 * a token, an access control, synchronizable or kSecUseDataProtectionKeychain — makes a data
 * protection key. They share the algorithms and formats but not every parameter check or
 * attribute; `fileBased` marks the first kind.
 */
import {
  constants, createCipheriv, createDecipheriv, createHash, createPrivateKey, createPublicKey, diffieHellman,
  generateKeyPair, generateKeyPairSync, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt, randomBytes,
  sign as cryptoSign, verify as cryptoVerify, type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { paramError, secError } from '../errors.js';
import { SecHandle, handlePayload, makeHandle } from '../handles.js';
import { describeKey, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { requireEntitlement } from './access.js';
import { authenticate, constraintsOf, type EmulatedContext, type PromptRecord, type SimulatedUser } from './accessControl.js';
import { decodeDer, decodePoint, decodeRaw, encodeDer, encodeRaw, integerOf, publicPoint, signDigest, verifyDigest, type Curve } from './ecdsa.js';
import { digestInfo, emsaPssEncode, emsaPssVerify } from './rsaPadding.js';
import { accessControlSpec } from './items.js';
import type { AccessControlSpec } from './codec.js';
import { truthy } from './routing.js';

const EMULATOR = 'emulator';
const generateKeyPairAsync = promisify(generateKeyPair);

type Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
const HASH_LENGTH: Record<Hash, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

const KEY_TYPE_EC = '73';  // kSecAttrKeyTypeECSECPrimeRandom (= kSecAttrKeyTypeEC)
const KEY_TYPE_RSA = '42'; // kSecAttrKeyTypeRSA
const CLASS_PUBLIC = '0';  // kSecAttrKeyClassPublic
const CLASS_PRIVATE = '1'; // kSecAttrKeyClassPrivate
const SECURE_ENCLAVE = 'com.apple.setoken'; // kSecAttrTokenIDSecureEnclave

const CURVES: Record<number, { curve: Curve; node: string; bytes: number }> = {
  256: { curve: 'P-256', node: 'prime256v1', bytes: 32 },
  384: { curve: 'P-384', node: 'secp384r1', bytes: 48 },
  521: { curve: 'P-521', node: 'secp521r1', bytes: 66 },
};

/** What the emulator keeps in a SecKey handle. */
export interface EmulatedKey {
  readonly keyClass: 'public' | 'private';
  readonly type: 'ec' | 'rsa';
  readonly bits: number;
  /** A file-based (CDSA) key: generated without a data protection marker (16.5). */
  readonly fileBased: boolean;
  readonly publicKey: KeyObject;
  readonly privateKey?: KeyObject;
  /** Caller-given attributes that the key reports back (label, tag, usage flags, …). */
  readonly attributes: Readonly<Record<string, CFResult>>;
  readonly token?: typeof SECURE_ENCLAVE;
  /** The private key's access control: using the key for a private operation prompts. */
  readonly accessControl?: AccessControlSpec;
  readonly accessControlHandle?: SecHandle;
  readonly context?: EmulatedContext;
  publicHandle?: SecHandle;
}

/** What a key operation needs from the emulator: the app identity and the simulated user. */
export interface KeyEnvironment {
  readonly entitled: boolean;
  readonly user: SimulatedUser;
  readonly passcodeSet: boolean;
  readonly prompts: PromptRecord[];
}

// ── keys and their handles ─────────────────────────────────────────────────────────────────

function keyHandle(key: EmulatedKey): SecHandle {
  return makeHandle('SecKey', EMULATOR, key);
}

/** The emulated key inside a handle; errSecParam naming `what` otherwise. */
export function emulatedKey(handle: unknown, what: string): EmulatedKey {
  const key = handle instanceof SecHandle && handle.kind === 'SecKey' ? handlePayload<EmulatedKey>(handle, EMULATOR) : undefined;
  if (!key) throw paramError(`${what} must be a SecKey of this emulator`);
  return key;
}

function curveOf(key: EmulatedKey) {
  const entry = CURVES[key.bits];
  if (key.type !== 'ec' || !entry) throw secError('errSecInternalComponent', 'not an elliptic-curve key');
  return entry;
}

/** The byte length of an RSA key's modulus (SecKeyGetBlockSize). */
function blockSize(key: EmulatedKey): number {
  return Math.ceil(key.bits / 8);
}

function unbase64url(s: string | undefined, bytes: number): Buffer {
  const raw = Buffer.from(s ?? '', 'base64url');
  return raw.length >= bytes ? raw : Buffer.concat([Buffer.alloc(bytes - raw.length), raw]);
}

/**
 * An EC public key from its point 04‖X‖Y. The point is checked first: node:crypto takes a JWK
 * point without checking that it lies on the curve.
 */
function ecPublicKey(curve: Curve, point: Buffer): KeyObject {
  if (!decodePoint(curve, point)) throw new Error(`not an uncompressed point on ${curve}`);
  const n = (point.length - 1) / 2;
  return createPublicKey({
    key: { kty: 'EC', crv: curve, x: point.subarray(1, 1 + n).toString('base64url'), y: point.subarray(1 + n).toString('base64url') },
    format: 'jwk',
  });
}

/** The EC public point 04‖X‖Y (SEC 1 uncompressed), Apple's external form of an EC public key. */
function ecPoint(key: KeyObject, bytes: number): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), unbase64url(jwk.x, bytes), unbase64url(jwk.y, bytes)]);
}

/** SecKeyCopyExternalRepresentation's bytes (SecKey.h): EC 04‖X‖Y[‖K], RSA PKCS #1 DER. */
function externalRepresentation(key: EmulatedKey): Buffer {
  if (key.type === 'rsa') {
    return key.keyClass === 'private'
      ? key.privateKey!.export({ format: 'der', type: 'pkcs1' })
      : key.publicKey.export({ format: 'der', type: 'pkcs1' });
  }
  const { bytes } = curveOf(key);
  const point = ecPoint(key.publicKey, bytes);
  if (key.keyClass === 'public') return point;
  return Buffer.concat([point, unbase64url(key.privateKey!.export({ format: 'jwk' }).d, bytes)]);
}

/** kSecAttrApplicationLabel of an asymmetric key: the SHA-1 of its public key's bytes. */
function applicationLabel(key: EmulatedKey): Buffer {
  const pub = key.type === 'rsa' ? key.publicKey.export({ format: 'der', type: 'pkcs1' }) : ecPoint(key.publicKey, curveOf(key).bytes);
  return createHash('sha1').update(pub).digest();
}

// ── SecKeyCreateRandomKey / SecKeyCreateWithData parameters (spec 16.1, 16.2, 16.5) ─────────

/** Attributes SecKeyCreateRandomKey reads, with the value type each takes. */
const KEY_ATTRIBUTES: Record<string, 'string' | 'data' | 'boolean'> = {
  labl: 'string', atag: 'data', klbl: 'data',
  encr: 'boolean', decr: 'boolean', drve: 'boolean', sign: 'boolean', vrfy: 'boolean', wrap: 'boolean', unwp: 'boolean',
  extr: 'boolean', sens: 'boolean', perm: 'boolean',
};

const USAGE_KEYS = ['encr', 'decr', 'drve', 'sign', 'vrfy', 'wrap', 'unwp'] as const;
type Usage = Record<(typeof USAGE_KEYS)[number], boolean>;

/**
 * File-based keys (16.1; SecKey.cpp GetKeyParameters): private keys decrypt, derive, sign and
 * unwrap, public keys encrypt, derive and verify; the caller's flags override these, except
 * kSecAttrCanWrap, which is never read (so a public key does not wrap).
 */
const FILE_BASED_USAGE: Record<'private' | 'public', Usage> = {
  private: { encr: false, decr: true, drve: true, sign: true, vrfy: false, wrap: false, unwp: true },
  public: { encr: true, decr: false, drve: true, sign: false, vrfy: true, wrap: false, unwp: false },
};

/** Data protection keys report fixed flags, whatever the caller asked (SecECKey.m, SecRSAKey.c). */
const DATA_PROTECTION_USAGE: Record<'ec' | 'rsa', Record<'private' | 'public', Usage>> = {
  ec: {
    private: { encr: false, decr: true, drve: true, sign: true, vrfy: false, wrap: false, unwp: true },
    public: { encr: true, decr: false, drve: false, sign: false, vrfy: true, wrap: true, unwp: false },
  },
  rsa: {
    private: { encr: false, decr: true, drve: false, sign: true, vrfy: false, wrap: false, unwp: true },
    public: { encr: true, decr: true, drve: false, sign: false, vrfy: true, wrap: true, unwp: false },
  },
};

function readKeyAttributes(dict: Record<string, CFValue>, where: string): Record<string, CFResult> {
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

/** The requested size: a CFNumber or a numeric CFString (16.1); undefined when absent. */
function keySize(value: CFValue | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw paramError(`${describeKey('bsiz')} must be a number of bits`);
  return n;
}

/** The key type; a missing one is errSecParam, an unknown one errSecUnimplemented (SecKey.cpp CheckAlgorithmType). */
function keyType(value: CFValue | undefined): 'ec' | 'rsa' {
  if (value === KEY_TYPE_EC) return 'ec';
  if (value === KEY_TYPE_RSA) return 'rsa';
  if (value === undefined) throw paramError(`${describeKey('type')} is required`);
  throw secError('errSecUnimplemented', `${describeKey('type')} ${JSON.stringify(value)} is not a key type the emulator can generate ` +
    '(kSecAttrKeyTypeECSECPrimeRandom or kSecAttrKeyTypeRSA)');
}

/**
 * The size to generate. File-based keys (SecKey.cpp GetKeySize): 0 means the default (256-bit
 * EC, 2048-bit RSA), other sizes are errSecParam. Data protection keys (SecECKey.m,
 * SecRSAKey.c): errSecKeySizeNotAllowed. The emulator has the NIST curves P-256, P-384 and
 * P-521 and RSA from 1024 to 4096 bits.
 */
function generationSize(type: 'ec' | 'rsa', requested: number | undefined, fileBased: boolean): number {
  if (fileBased && requested === undefined) throw paramError(`${describeKey('bsiz')} is required: a number of bits`);
  const bits = requested === 0 && fileBased ? (type === 'ec' ? 256 : 2048) : requested;
  const ok = bits !== undefined && (type === 'ec' ? CURVES[bits] !== undefined : bits >= 1024 && bits <= 4096 && bits % 8 === 0);
  if (ok) return bits;
  const what = `${type === 'ec' ? 'an elliptic-curve' : 'an RSA'} key of ${bits ?? 'unspecified'} bits is not supported ` +
    `(${type === 'ec' ? '256, 384 or 521' : '1024 to 4096, a multiple of 8'})`;
  throw fileBased ? paramError(what) : secError('errSecKeySizeNotAllowed', what);
}

interface KeyRequest {
  type: 'ec' | 'rsa';
  bits: number;
  fileBased: boolean;
  privateAttributes: Record<string, CFResult>;
  publicAttributes: Record<string, CFResult>;
  /** File-based keys read kSecAttrIsExtractable at the top level only. */
  extractable: boolean;
  token?: typeof SECURE_ENCLAVE;
  accessControl?: { spec: AccessControlSpec; handle: SecHandle };
  context?: EmulatedContext;
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
function readRandomKeyRequest(parameters: CFDictionary, env: KeyEnvironment): KeyRequest {
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
  if (truthy(privateAttributes.perm as CFValue) || truthy(publicAttributes.perm as CFValue)) {
    throw secError('errSecUnimplemented', 'the emulator does not store keys in a keychain yet (kSecAttrIsPermanent: true); ' +
      'generate the key without it, or use the native backend');
  }
  const dataProtection = parameters.tkid !== undefined || accessControl !== undefined || truthy(parameters.nleg) ||
    truthy(parameters.sync) || truthy(priv.nleg) || truthy(priv.sync);
  if (dataProtection && !env.entitled) {
    requireEntitlement([]); // errSecMissingEntitlement, as for any data protection write (8.4)
  }
  const bits = generationSize(type, requested, !dataProtection);
  let token: KeyRequest['token'];
  if (parameters.tkid !== undefined) {
    if (parameters.tkid !== SECURE_ENCLAVE) throw paramError(`${describeKey('tkid')} ${JSON.stringify(parameters.tkid)} is not a token the emulator has`);
    // 16.2: the Secure Enclave holds only 256-bit elliptic-curve keys.
    if (type !== 'ec' || bits !== 256) throw paramError('the Secure Enclave holds only 256-bit elliptic-curve keys (kSecAttrKeyTypeECSECPrimeRandom, 256)');
    token = SECURE_ENCLAVE;
  }
  return {
    type, bits, fileBased: !dataProtection, privateAttributes, publicAttributes,
    extractable: common.extr !== false, token, accessControl, context,
  };
}

function makeKeyPair(request: KeyRequest, privateKey: KeyObject, publicKey: KeyObject): EmulatedKey {
  const { type, bits, fileBased } = request;
  const usage = (keyClass: 'private' | 'public', given: Record<string, CFResult>) => fileBased
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

/** SecKeyCreateRandomKey (spec 16.1, 16.2, 16.5). */
export async function createRandomKey(parameters: CFDictionary, env: KeyEnvironment): Promise<SecHandle> {
  const request = readRandomKeyRequest(parameters, env);
  // Generated off the event loop: a 4096-bit RSA key takes a while.
  const pair = request.type === 'ec'
    ? await generateKeyPairAsync('ec', { namedCurve: CURVES[request.bits]!.node })
    : await generateKeyPairAsync('rsa', { modulusLength: request.bits });
  return keyHandle(makeKeyPair(request, pair.privateKey, pair.publicKey));
}

/** SecKeyCreateWithData: a key from its external representation (SecKey.h). */
export function createKeyWithData(keyData: Uint8Array, attributes: CFDictionary): SecHandle {
  const type = keyType(attributes.type);
  const cls = attributes.kcls;
  if (cls !== CLASS_PUBLIC && cls !== CLASS_PRIVATE) {
    throw paramError(`${describeKey('kcls')} is required: kSecAttrKeyClassPublic or kSecAttrKeyClassPrivate`);
  }
  const keyClass = cls === CLASS_PRIVATE ? 'private' : 'public';
  const data = Buffer.from(keyData);
  let privateKey: KeyObject | undefined;
  let publicKey: KeyObject;
  let bits: number;
  try {
    if (type === 'rsa') {
      if (keyClass === 'private') {
        privateKey = createPrivateKey({ key: data, format: 'der', type: 'pkcs1' });
        publicKey = createPublicKey(privateKey);
      } else {
        // Through JWK: a public key read from PKCS #1 DER cannot be written back as PKCS #1 by node:crypto.
        const parsed = createPublicKey({ key: data, format: 'der', type: 'pkcs1' });
        publicKey = createPublicKey({ key: parsed.export({ format: 'jwk' }), format: 'jwk' });
      }
      bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
    } else {
      const entry = Object.entries(CURVES).find(([, c]) => data.length === 1 + c.bytes * (keyClass === 'private' ? 3 : 2));
      if (!entry) throw new Error('not the length of a P-256, P-384 or P-521 key');
      const [size, { curve, bytes }] = entry;
      bits = Number(size);
      const point = data.subarray(0, 1 + 2 * bytes);
      publicKey = ecPublicKey(curve, point);
      if (keyClass === 'private') {
        // The point must belong to the scalar (node:crypto keeps a JWK's point as given).
        const scalar = data.subarray(1 + 2 * bytes);
        const q = publicPoint(curve, integerOf(scalar));
        const given = decodePoint(curve, point)!;
        if (q.x !== given.x || q.y !== given.y) throw new Error('the public point does not match the private scalar');
        const jwk = publicKey.export({ format: 'jwk' });
        privateKey = createPrivateKey({ key: { ...jwk, d: scalar.toString('base64url') }, format: 'jwk' });
      }
    }
  } catch (error) {
    throw paramError(`keyData is not a valid ${type === 'ec' ? 'elliptic-curve' : 'RSA'} ${keyClass} key ` +
      `(${error instanceof Error ? error.message : String(error)})`);
  }
  if (attributes.bsiz !== undefined && keySize(attributes.bsiz) !== bits) {
    throw paramError(`${describeKey('bsiz')} ${String(attributes.bsiz)} does not match the key data (${bits} bits)`);
  }
  if (type === 'rsa' && (bits < 1024 || bits > 4096)) throw paramError(`an RSA key of ${bits} bits is not supported (1024 to 4096)`);
  readKeyAttributes(attributes, ''); // value types checked; a data protection key reports fixed flags
  // An imported key is a data protection key (SecKeyCreateWithData → SecECKey.m / SecRSAKey.c).
  const key: EmulatedKey = { keyClass, type, bits, fileBased: false, publicKey, privateKey, attributes: DATA_PROTECTION_USAGE[type][keyClass] };
  if (keyClass === 'private') {
    key.publicHandle = keyHandle({ keyClass: 'public', type, bits, fileBased: false, publicKey, attributes: DATA_PROTECTION_USAGE[type].public });
  }
  return keyHandle(key);
}

/** SecKeyCopyPublicKey: the private key's public half; a public key is its own. */
export function copyPublicKey(handle: SecHandle): SecHandle {
  const key = emulatedKey(handle, 'key');
  return key.keyClass === 'public' ? handle : key.publicHandle!;
}

/** A file-based private key generated with kSecAttrIsExtractable: false keeps its bytes. */
function sealed(key: EmulatedKey): boolean {
  return key.fileBased && key.keyClass === 'private' && key.attributes.extr === false;
}

/**
 * SecKeyCopyExternalRepresentation. A Secure Enclave private key never leaves it (16.3); a
 * non-extractable file-based key answers errSecDataNotAvailable (SecImportExportCrypto.cpp).
 */
export function copyExternalRepresentation(handle: SecHandle): Buffer {
  const key = emulatedKey(handle, 'key');
  if (key.keyClass === 'private' && key.token === SECURE_ENCLAVE) {
    throw secError('errSecUnimplemented', 'a Secure Enclave private key cannot be exported');
  }
  if (sealed(key)) throw secError('errSecDataNotAvailable', 'the key was created with kSecAttrIsExtractable: false');
  return externalRepresentation(key);
}

/**
 * SecKeyCopyAttributes. A data protection key reports the dictionary of SecKey.m
 * SecKeyCopyAttributeDictionaryWithLocalKey (perm true, fixed flags); a file-based key that of
 * SecKey.cpp SecCDSAKeyCopyAttributeDictionary (perm false, the caller's usage flags).
 * Neither echoes the caller's label or tag.
 */
export function copyAttributes(handle: SecHandle): Record<string, CFResult> {
  const key = emulatedKey(handle, 'key');
  const exportable = !sealed(key) && !(key.keyClass === 'private' && key.token === SECURE_ENCLAVE);
  const out: Record<string, CFResult> = {
    class: 'keys',
    kcls: key.keyClass === 'private' ? CLASS_PRIVATE : CLASS_PUBLIC,
    type: key.type === 'ec' ? KEY_TYPE_EC : KEY_TYPE_RSA,
    bsiz: key.bits,
    esiz: key.bits,
    perm: !key.fileBased,
    priv: key.keyClass === 'private' || !key.fileBased,
    modi: true,
    sens: !exportable,
    asen: false,
    extr: exportable,
    next: false,
    snrc: false,
    vyrc: false,
  };
  for (const k of USAGE_KEYS) out[k] = key.attributes[k] as boolean;
  if (!sealed(key)) out.klbl = applicationLabel(key);
  if (key.token) out.tkid = key.token;
  if (key.accessControlHandle) out.accc = key.accessControlHandle;
  if (exportable) out.v_Data = attributeData(key);
  return out;
}

/**
 * kSecValueData in SecKeyCopyAttributes: the external representation for a data protection
 * key; a file-based key's own export instead — SubjectPublicKeyInfo for a public key, SEC 1
 * ECPrivateKey or PKCS #1 for a private one.
 */
function attributeData(key: EmulatedKey): Buffer {
  if (!key.fileBased) return externalRepresentation(key);
  if (key.keyClass === 'public') return key.publicKey.export({ format: 'der', type: 'spki' });
  return key.privateKey!.export({ format: 'der', type: key.type === 'ec' ? 'sec1' : 'pkcs1' });
}

// ── algorithms (SecKey.h, spec 16.3, 16.4) ─────────────────────────────────────────────────

type Algorithm =
  | { op: 'sign'; family: 'ecdsa'; input: 'digest' | 'message'; hash?: Hash; encoding: 'der' | 'raw' }
  | { op: 'sign'; family: 'rsa-pkcs1'; input: 'digest' | 'message'; hash?: Hash }
  | { op: 'sign'; family: 'rsa-pss'; input: 'digest' | 'message'; hash: Hash }
  | { op: 'sign'; family: 'rsa-raw' }
  | { op: 'encrypt'; family: 'rsa-raw' | 'rsa-pkcs1' }
  | { op: 'encrypt'; family: 'rsa-oaep'; hash: Hash; aesgcm: boolean }
  | { op: 'encrypt'; family: 'ecies'; hash: Hash; variableIV: boolean }
  | { op: 'keyexchange'; family: 'ecdh'; hash?: Hash };

const HASHES: Record<string, Hash> = { SHA1: 'sha1', SHA224: 'sha224', SHA256: 'sha256', SHA384: 'sha384', SHA512: 'sha512' };

/** Parses an algorithm identifier ("algid:sign:ECDSA:message-X962:SHA256", …; 16.4). */
export function parseAlgorithm(id: string): Algorithm | undefined {
  const p = id.split(':');
  if (p[0] !== 'algid') return undefined;
  const hashAt = (i: number) => (p[i] === undefined ? undefined : HASHES[p[i]!]);
  if (p[1] === 'sign' && p[2] === 'ECDSA') {
    if (p.length === 4 && p[3] === 'RFC4754') return { op: 'sign', family: 'ecdsa', input: 'digest', encoding: 'raw' };
    const m = /^(digest|message)-(X962|RFC4754)$/.exec(p[3] ?? '');
    if (!m) return undefined;
    const hash = hashAt(4);
    if (p.length > 5 || (p.length === 5 && !hash) || (m[1] === 'message' && !hash)) return undefined;
    return { op: 'sign', family: 'ecdsa', input: m[1] as 'digest' | 'message', hash, encoding: m[2] === 'X962' ? 'der' : 'raw' };
  }
  if (p[1] === 'sign' && p[2] === 'RSA') {
    if (p.length === 4 && p[3] === 'raw') return { op: 'sign', family: 'rsa-raw' };
    const m = /^(digest|message)-(PKCS1v15|PSS)$/.exec(p[3] ?? '');
    if (!m) return undefined;
    const hash = hashAt(4);
    if (m[2] === 'PKCS1v15') {
      if (p.length > 5 || (p.length === 5 && !hash) || (m[1] === 'message' && !hash)) return undefined;
      return { op: 'sign', family: 'rsa-pkcs1', input: m[1] as 'digest' | 'message', hash };
    }
    // PSS: algid:sign:RSA:digest-PSS:SHA256:SHA256:32 (hash, MGF1 hash, salt length). The salt
    // is the hash's length; Apple's SHA-224 identifier nevertheless says 24, so the number in
    // the identifier is not checked against it.
    if (!hash || p.length !== 7 || p[5] !== p[4] || !/^\d+$/.test(p[6]!)) return undefined;
    return { op: 'sign', family: 'rsa-pss', input: m[1] as 'digest' | 'message', hash };
  }
  if (p[1] === 'encrypt' && p[2] === 'RSA') {
    if (p.length === 4 && p[3] === 'raw') return { op: 'encrypt', family: 'rsa-raw' };
    if (p.length === 4 && p[3] === 'PKCS1') return { op: 'encrypt', family: 'rsa-pkcs1' };
    const hash = hashAt(4);
    if (p[3] === 'OAEP' && hash && (p.length === 5 || (p.length === 6 && p[5] === 'AESGCM'))) {
      return { op: 'encrypt', family: 'rsa-oaep', hash, aesgcm: p.length === 6 };
    }
    return undefined;
  }
  if (p[1] === 'encrypt' && p[2] === 'ECIES' && (p[3] === 'ECDH' || p[3] === 'ECDHC') && p[4] === 'KDFX963' && p.length === 7) {
    const hash = hashAt(5);
    if (!hash || (p[6] !== 'AESGCM' && p[6] !== 'AESGCM-KDFIV')) return undefined;
    return { op: 'encrypt', family: 'ecies', hash, variableIV: p[6] === 'AESGCM-KDFIV' };
  }
  if (p[1] === 'keyexchange' && (p[2] === 'ECDH' || p[2] === 'ECDHC')) {
    if (p.length === 3) return { op: 'keyexchange', family: 'ecdh' };
    const hash = hashAt(4);
    if (p.length === 5 && p[3] === 'KDFX963' && hash) return { op: 'keyexchange', family: 'ecdh', hash };
  }
  return undefined;
}

/** kSecKeyOperationType* values. */
const OPERATIONS = ['sign', 'verify', 'encrypt', 'decrypt', 'keyExchange'] as const;
type Operation = (typeof OPERATIONS)[number];

function familyKeyType(alg: Algorithm): 'ec' | 'rsa' {
  return alg.family === 'ecdsa' || alg.family === 'ecies' || alg.family === 'ecdh' ? 'ec' : 'rsa';
}

function operationFits(alg: Algorithm, operation: Operation): boolean {
  if (alg.op === 'sign') return operation === 'sign' || operation === 'verify';
  if (alg.op === 'encrypt') return operation === 'encrypt' || operation === 'decrypt';
  return operation === 'keyExchange';
}

/**
 * Which key class does what (SecKey.m SecKeyRunAlgorithmAndCopyResult has no fallback to the
 * public half): signing, decryption and key exchange need the private key, encryption the
 * public key. Verification needs the public key, except that an RSA private key accepts it —
 * its verify adaptor turns into a raw private-key operation — and then never verifies.
 */
function keyFits(key: EmulatedKey, operation: Operation): boolean {
  if (operation === 'encrypt') return key.keyClass === 'public';
  if (operation === 'verify') return key.keyClass === 'public' || key.type === 'rsa';
  return key.keyClass === 'private';
}

/** Padding that does not fit the modulus is unsupported (SecKeyAdaptors.m): PSS below 16·hLen+9 bits, OAEP below 2·hLen+2 bytes. */
function fitsModulus(key: EmulatedKey, alg: Algorithm): boolean {
  if (alg.family === 'rsa-pss') return key.bits >= 16 * HASH_LENGTH[alg.hash] + 9;
  if (alg.family === 'rsa-oaep') return blockSize(key) >= 2 * HASH_LENGTH[alg.hash] + 2;
  return true;
}

function supported(key: EmulatedKey, operation: Operation, algorithm: string): Algorithm | undefined {
  const alg = parseAlgorithm(algorithm);
  if (!alg || familyKeyType(alg) !== key.type || !operationFits(alg, operation) || !keyFits(key, operation) || !fitsModulus(key, alg)) {
    return undefined;
  }
  return alg;
}

/** SecKeyIsAlgorithmSupported. */
export function isAlgorithmSupported(handle: SecHandle, operation: number, algorithm: string): boolean {
  const key = emulatedKey(handle, 'key');
  const op = OPERATIONS[operation];
  if (op === undefined) throw paramError(`operation ${operation} is not a SecKeyOperationType`);
  return supported(key, op, algorithm) !== undefined;
}

/** The algorithm for an operation, or errSecParam "algorithm not supported by the key" (16.3). */
function requireAlgorithm(key: EmulatedKey, operation: Operation, algorithm: string): Algorithm {
  const alg = supported(key, operation, algorithm);
  if (!alg) throw paramError(`algorithm ${algorithm} is not supported by this ${key.type === 'ec' ? 'elliptic-curve' : 'RSA'} ${key.keyClass} key for ${operation}`);
  return alg;
}

function requireDigestLength(hash: Hash | undefined, input: Uint8Array, what: string): void {
  if (hash && input.length !== HASH_LENGTH[hash]) {
    throw paramError(`${what} must be a ${hash.toUpperCase()} digest (${HASH_LENGTH[hash]} bytes), not ${input.length} bytes`);
  }
}

/** A private operation on an access-controlled key asks the simulated user first (spec 10, 11). */
function authorize(key: EmulatedKey, env: KeyEnvironment, reason: string): void {
  if (!key.accessControl || constraintsOf(key.accessControl).length === 0) return;
  authenticate(key.accessControl, reason, env.user, env.passcodeSet, env.prompts, key.context);
}

function leftPad(data: Uint8Array, length: number, what: string): Buffer {
  if (data.length > length) throw paramError(`${what} is longer than the key's block size (${length} bytes)`);
  return Buffer.concat([Buffer.alloc(length - data.length), data]);
}

function rsaRaw(run: () => Buffer, what: string): Buffer {
  try {
    return run();
  } catch (error) {
    throw paramError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** SecKeyCreateSignature. */
export function createSignature(handle: SecHandle, algorithm: string, data: Uint8Array, env: KeyEnvironment): Buffer {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'sign', algorithm);
  if (alg.op !== 'sign') throw paramError(`algorithm ${algorithm} does not sign`);
  const input = Buffer.from(data);
  authorize(key, env, 'sign with the key');
  const privateKey = key.privateKey!;
  switch (alg.family) {
    case 'ecdsa': {
      const { curve } = curveOf(key);
      if (alg.input === 'message') {
        return cryptoSign(alg.hash!, input, { key: privateKey, dsaEncoding: alg.encoding === 'der' ? 'der' : 'ieee-p1363' });
      }
      requireDigestLength(alg.hash, input, 'dataToSign');
      const d = integerOf(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
      const { r, s } = signDigest(curve, d, input);
      return alg.encoding === 'der' ? encodeDer(r, s) : encodeRaw(curve, r, s);
    }
    case 'rsa-pkcs1':
      if (alg.input === 'message') return cryptoSign(alg.hash!, input, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
      requireDigestLength(alg.hash, input, 'dataToSign');
      // DigestPKCS1v15Raw takes the DigestInfo from the caller; the hashed variants build it.
      return rsaRaw(() => privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        alg.hash ? digestInfo(alg.hash, input) : input), 'dataToSign');
    case 'rsa-pss':
      if (alg.input === 'message') {
        return rsaRaw(() => cryptoSign(alg.hash, input, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[alg.hash] }), 'dataToSign');
      }
      requireDigestLength(alg.hash, input, 'dataToSign');
      return rsaRaw(() => privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING },
        leftPad(emsaPssEncode(alg.hash, input, key.bits - 1, HASH_LENGTH[alg.hash]), blockSize(key), 'the encoded message')), 'dataToSign');
    case 'rsa-raw':
      // Raw RSA: the input must be exactly one block (SecKey.h).
      if (input.length !== blockSize(key)) throw paramError(`dataToSign must be ${blockSize(key)} bytes for raw RSA, not ${input.length}`);
      return rsaRaw(() => privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input), 'dataToSign');
  }
}

/**
 * SecKeyVerifySignature: true, or errSecVerifyFailed for a signature that does not match
 * (SecKey.h: "false with error set" — the backends reject with it).
 */
export function verifySignature(handle: SecHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): boolean {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'verify', algorithm);
  if (alg.op !== 'sign') throw paramError(`algorithm ${algorithm} does not verify`);
  const input = Buffer.from(signedData);
  const sig = Buffer.from(signature);
  // An RSA private key runs the check with its private exponent, which never matches (keyFits).
  if (key.keyClass === 'private') throw secError('errSecVerifyFailed', 'an RSA private key does not verify signatures; use its public key');
  const publicKey = key.publicKey;
  let valid = false;
  switch (alg.family) {
    case 'ecdsa': {
      const { curve, bytes } = curveOf(key);
      if (alg.input === 'message') {
        valid = openSignature(() => cryptoVerify(alg.hash!, input, { key: publicKey, dsaEncoding: alg.encoding === 'der' ? 'der' : 'ieee-p1363' }, sig)) ?? false;
      } else {
        requireDigestLength(alg.hash, input, 'signedData');
        const rs = alg.encoding === 'der' ? decodeDer(sig) : decodeRaw(curve, sig);
        valid = rs !== undefined && verifyDigest(curve, decodePoint(curve, ecPoint(publicKey, bytes))!, input, rs);
      }
      break;
    }
    case 'rsa-pkcs1':
      if (alg.input === 'message') {
        valid = openSignature(() => cryptoVerify(alg.hash!, input, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)) ?? false;
      } else if (!alg.hash || input.length === HASH_LENGTH[alg.hash]) {
        // A digest of the wrong length just does not verify (Apple checks no length here).
        const expected = alg.hash ? digestInfo(alg.hash, input) : input;
        valid = openSignature(() => publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig))?.equals(expected) ?? false;
      }
      break;
    case 'rsa-pss':
      if (alg.input === 'message') {
        valid = openSignature(() => cryptoVerify(alg.hash, input, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_LENGTH[alg.hash] }, sig)) ?? false;
      } else if (input.length === HASH_LENGTH[alg.hash]) {
        const block = openSignature(() => publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sig));
        const emLength = Math.ceil((key.bits - 1) / 8);
        valid = block !== undefined && emsaPssVerify(alg.hash, input, block.subarray(block.length - emLength), key.bits - 1, HASH_LENGTH[alg.hash]);
      }
      break;
    case 'rsa-raw':
      valid = openSignature(() => publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sig))?.equals(leftPad(input, blockSize(key), 'signedData')) ?? false;
      break;
  }
  if (!valid) throw secError('errSecVerifyFailed', 'the signature does not match the data and the key');
  return true;
}

function openSignature<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined; // not a signature of this key at all: a failed verification, not bad input
  }
}

/** ANSI X9.63 KDF (SEC 1 §3.6.1): Hash(Z ‖ counter ‖ sharedInfo), counter from 1. */
export function x963Kdf(hash: Hash, secret: Uint8Array, length: number, sharedInfo: Uint8Array = Buffer.alloc(0)): Buffer {
  const blocks: Buffer[] = [];
  for (let counter = 1, total = 0; total < length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    const block = createHash(hash).update(secret).update(c).update(sharedInfo).digest();
    blocks.push(block);
    total += block.length;
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** RSAES-PKCS1-v1_5 decoding (RFC 8017 §7.2.2), after a raw private-key operation. */
function pkcs1Unpad(block: Buffer): Buffer | undefined {
  if (block[0] !== 0 || block[1] !== 2) return undefined;
  const separator = block.indexOf(0, 2);
  return separator < 10 ? undefined : block.subarray(separator + 1);
}

/** SecKeyCreateEncryptedData. */
export function createEncryptedData(handle: SecHandle, algorithm: string, plaintext: Uint8Array): Buffer {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'encrypt', algorithm);
  if (alg.op !== 'encrypt') throw paramError(`algorithm ${algorithm} does not encrypt`);
  const input = Buffer.from(plaintext);
  const publicKey = key.publicKey;
  const k = blockSize(key);
  switch (alg.family) {
    case 'rsa-raw':
      return rsaRaw(() => publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, leftPad(input, k, 'plaintext')), 'plaintext');
    case 'rsa-pkcs1':
      if (input.length > k - 11) throw paramError(`plaintext is too long for PKCS #1 v1.5 with this key (at most ${k - 11} bytes)`);
      return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, input);
    case 'rsa-oaep': {
      const limit = k - 2 * HASH_LENGTH[alg.hash] - 2;
      if (!alg.aesgcm) {
        if (input.length > limit) throw paramError(`plaintext is too long for OAEP with this key (at most ${limit} bytes)`);
        return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.hash }, input);
      }
      // SecKey.h: a random AES session key (256-bit for 4096-bit RSA and larger, else 128-bit)
      // wrapped with OAEP, the data in AES-GCM with an all-zero 16-byte IV and the raw public
      // key as additional data, the 16-byte tag appended.
      const sessionKey = randomBytes(key.bits >= 4096 ? 32 : 16);
      const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.hash }, sessionKey);
      const { ciphertext, tag } = gcmSeal(sessionKey, Buffer.alloc(16), input, publicKey.export({ format: 'der', type: 'pkcs1' }));
      return Buffer.concat([wrapped, ciphertext, tag]);
    }
    case 'ecies': {
      const { node, bytes } = curveOf(key);
      const ephemeral = generateKeyPairSync('ec', { namedCurve: node });
      const ephemeralPoint = ecPoint(ephemeral.publicKey, bytes);
      const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey });
      const { aesKey, iv } = eciesKeys(alg, key.bits, secret, ephemeralPoint);
      const { ciphertext, tag } = gcmSeal(aesKey, iv, input);
      return Buffer.concat([ephemeralPoint, ciphertext, tag]);
    }
  }
}

/** SecKeyCreateDecryptedData. */
export function createDecryptedData(handle: SecHandle, algorithm: string, ciphertext: Uint8Array, env: KeyEnvironment): Buffer {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'decrypt', algorithm);
  if (alg.op !== 'encrypt') throw paramError(`algorithm ${algorithm} does not decrypt`);
  const input = Buffer.from(ciphertext);
  authorize(key, env, 'decrypt with the key');
  const privateKey = key.privateKey!;
  const k = blockSize(key);
  // Apple reports every ciphertext that does not decrypt as errSecParam (SecKeyAdaptors.m, SecRSAKey.c).
  const failed = () => paramError('the ciphertext does not decrypt with this key and algorithm');
  switch (alg.family) {
    case 'rsa-raw':
      if (input.length !== k) throw paramError(`ciphertext must be ${k} bytes for raw RSA, not ${input.length}`);
      return rsaRaw(() => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input), 'ciphertext');
    case 'rsa-pkcs1': {
      if (input.length !== k) throw paramError(`ciphertext must be ${k} bytes, not ${input.length}`);
      // Unpadded by hand: recent Node refuses PKCS #1 v1.5 in privateDecrypt (implicit rejection).
      const plain = pkcs1Unpad(rsaRaw(() => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input), 'ciphertext'));
      if (!plain) throw failed();
      return Buffer.from(plain);
    }
    case 'rsa-oaep': {
      const open = (data: Buffer) => {
        try {
          return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.hash }, data);
        } catch {
          throw failed();
        }
      };
      if (!alg.aesgcm) return open(input);
      if (input.length < k + 16) throw failed();
      const sessionKey = open(input.subarray(0, k));
      if (sessionKey.length !== (key.bits >= 4096 ? 32 : 16)) throw failed();
      const plain = gcmOpen(sessionKey, Buffer.alloc(16), input.subarray(k, input.length - 16), input.subarray(input.length - 16),
        key.publicKey.export({ format: 'der', type: 'pkcs1' }));
      if (!plain) throw failed();
      return plain;
    }
    case 'ecies': {
      const { bytes } = curveOf(key);
      const pointLength = 1 + 2 * bytes;
      if (input.length < pointLength + 16) throw failed();
      const ephemeralPoint = input.subarray(0, pointLength);
      let ephemeral: KeyObject;
      try {
        ephemeral = ecPublicKey(curveOf(key).curve, ephemeralPoint);
      } catch {
        throw failed();
      }
      const secret = diffieHellman({ privateKey, publicKey: ephemeral });
      const { aesKey, iv } = eciesKeys(alg, key.bits, secret, ephemeralPoint);
      const plain = gcmOpen(aesKey, iv, input.subarray(pointLength, input.length - 16), input.subarray(input.length - 16));
      if (!plain) throw failed();
      return plain;
    }
  }
}

/**
 * ECIES keys (SecKey.h): X9.63 KDF over the shared secret with the ephemeral public key as
 * shared info; a 128-bit AES key for curves up to 256 bits, else 256-bit. The legacy variant
 * uses an all-zero 16-byte IV; the variable-IV variant takes the key and then a 16-byte IV from
 * the KDF output.
 */
function eciesKeys(alg: Extract<Algorithm, { family: 'ecies' }>, bits: number, secret: Buffer, ephemeralPoint: Buffer) {
  const keyLength = bits <= 256 ? 16 : 32;
  if (!alg.variableIV) return { aesKey: x963Kdf(alg.hash, secret, keyLength, ephemeralPoint), iv: Buffer.alloc(16) };
  const material = x963Kdf(alg.hash, secret, keyLength + 16, ephemeralPoint);
  return { aesKey: material.subarray(0, keyLength), iv: material.subarray(keyLength) };
}

function gcmSeal(key: Buffer, iv: Buffer, plaintext: Buffer, aad?: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv, { authTagLength: 16 });
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

function gcmOpen(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad?: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv, { authTagLength: 16 });
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** SecKeyCopyKeyExchangeResult (ECDH, with or without the X9.63 KDF; SecKey.h). */
export function copyKeyExchangeResult(
  privateHandle: SecHandle, algorithm: string, publicHandle: SecHandle, parameters: CFDictionary, env: KeyEnvironment,
): Buffer {
  const key = emulatedKey(privateHandle, 'privateKey');
  const peer = emulatedKey(publicHandle, 'publicKey');
  const alg = requireAlgorithm(key, 'keyExchange', algorithm);
  if (alg.op !== 'keyexchange') throw paramError(`algorithm ${algorithm} is not a key exchange`);
  if (peer.type !== 'ec' || peer.bits !== key.bits || peer.keyClass !== 'public') {
    throw paramError('publicKey must be an elliptic-curve public key on the same curve as privateKey');
  }
  authorize(key, env, 'use the key for a key exchange');
  const secret = diffieHellman({ privateKey: key.privateKey!, publicKey: peer.publicKey });
  if (!alg.hash) return secret; // "does not accept any parameters"
  const size = parameters.requestedSize;
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
    throw paramError(`${describeKey('requestedSize')} is required for ${algorithm}: a positive number of bytes`);
  }
  const info = parameters.sharedInfo;
  if (info !== undefined && !(info instanceof Uint8Array)) throw paramError(`${describeKey('sharedInfo')} must be data`);
  return x963Kdf(alg.hash, secret, size, info);
}
