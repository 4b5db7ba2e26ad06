/**
 * The emulator's model of a SecKey (spec/semantics.md section 16): what a key handle holds, the
 * curves and sizes it can be, and its external representation both ways (SecKey.h
 * SecKeyCopyExternalRepresentation and SecKeyCreateWithData; SecECKey.m, SecRSAKey.c), computed
 * with node:crypto.
 *
 * macOS has two kinds of key (16.5): SecKeyCreateRandomKey without a data protection marker
 * makes a file-based ("CDSA") key, everything else — SecKeyCreateWithData, and generation with
 * a token, an access control, synchronizable or kSecUseDataProtectionKeychain — makes a data
 * protection key. They share the algorithms and formats but not every parameter check or
 * attribute; `fileBased` marks the first kind.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { paramError, secError } from '../errors.js';
import { SecHandle, handlePayload, makeHandle } from '../handles.js';
import type { CFResult, CFValue } from '../values.js';
import type { EmulatedContext, PromptRecord, SimulatedUser } from './accessControl.js';
import type { AccessControlSpec } from './codec.js';
import { decodePoint, integerOf, publicPoint, type Curve } from './ecdsa.js';

/** The backend name in the emulator's handles. */
export const EMULATOR = 'emulator';

export const KEY_TYPE_EC = '73';  // kSecAttrKeyTypeECSECPrimeRandom (= kSecAttrKeyTypeEC)
export const KEY_TYPE_RSA = '42'; // kSecAttrKeyTypeRSA
export const CLASS_PUBLIC = '0';  // kSecAttrKeyClassPublic
export const CLASS_PRIVATE = '1'; // kSecAttrKeyClassPrivate
export const SECURE_ENCLAVE = 'com.apple.setoken'; // kSecAttrTokenIDSecureEnclave

export type KeyType = 'ec' | 'rsa';
export type KeyClass = 'private' | 'public';

/** The elliptic curves the emulator has, by key size in bits (kSecAttrKeySizeInBits). */
export const CURVES_BY_SIZE: Readonly<Record<number, { curve: Curve; node: string; bytes: number }>> = {
  256: { curve: 'P-256', node: 'prime256v1', bytes: 32 },
  384: { curve: 'P-384', node: 'secp384r1', bytes: 48 },
  521: { curve: 'P-521', node: 'secp521r1', bytes: 66 },
};

/** The usage flags a key reports (kSecAttrCanEncrypt …), by attribute raw value. */
export const USAGE_KEYS = ['encr', 'decr', 'drve', 'sign', 'vrfy', 'wrap', 'unwp'] as const;
export type Usage = Record<(typeof USAGE_KEYS)[number], boolean>;

/** What the emulator keeps in a SecKey handle. */
export interface EmulatedKey {
  readonly keyClass: KeyClass;
  readonly type: KeyType;
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
  /** SecItemAdd of a generated key's permanent half (a dictionary with kSecValueRef). */
  readonly storeKey: (attributes: Record<string, CFValue>) => void;
  readonly user: SimulatedUser;
  readonly passcodeSet: boolean;
  readonly prompts: PromptRecord[];
}

// ── keys and their handles ─────────────────────────────────────────────────────────────────

export function keyHandle(key: EmulatedKey): SecHandle {
  return makeHandle('SecKey', EMULATOR, key);
}

/** The emulated key inside a handle; errSecParam naming `what` otherwise. */
export function emulatedKey(handle: unknown, what: string): EmulatedKey {
  const key = handle instanceof SecHandle && handle.kind === 'SecKey' ? handlePayload<EmulatedKey>(handle, EMULATOR) : undefined;
  if (!key) throw paramError(`${what} must be a SecKey of this emulator`);
  return key;
}

export function curveOf(key: Pick<EmulatedKey, 'type' | 'bits'>) {
  const entry = CURVES_BY_SIZE[key.bits];
  if (key.type !== 'ec' || !entry) throw secError('errSecInternalComponent', 'not an elliptic-curve key');
  return entry;
}

/** The byte length of an RSA key's modulus (SecKeyGetBlockSize). */
export function blockSize(key: EmulatedKey): number {
  return Math.ceil(key.bits / 8);
}

/** A file-based private key generated with kSecAttrIsExtractable: false keeps its bytes. */
export function sealed(key: EmulatedKey): boolean {
  return key.fileBased && key.keyClass === 'private' && key.attributes.extr === false;
}

// ── external representation and attributes (SecKey.h) ──────────────────────────────────────

function unbase64url(s: string | undefined, bytes: number): Buffer {
  const raw = Buffer.from(s ?? '', 'base64url');
  return raw.length >= bytes ? raw : Buffer.concat([Buffer.alloc(bytes - raw.length), raw]);
}

/**
 * An EC public key from its point 04‖X‖Y. The point is checked first: node:crypto takes a JWK
 * point without checking that it lies on the curve.
 */
export function ecPublicKey(curve: Curve, point: Buffer): KeyObject {
  if (!decodePoint(curve, point)) throw new Error(`not an uncompressed point on ${curve}`);
  const n = (point.length - 1) / 2;
  return createPublicKey({
    key: { kty: 'EC', crv: curve, x: point.subarray(1, 1 + n).toString('base64url'), y: point.subarray(1 + n).toString('base64url') },
    format: 'jwk',
  });
}

/** The EC public point 04‖X‖Y (SEC 1 uncompressed), Apple's external form of an EC public key. */
export function ecPoint(key: KeyObject, bytes: number): Buffer {
  const jwk = key.export({ format: 'jwk' });
  return Buffer.concat([Buffer.from([4]), unbase64url(jwk.x, bytes), unbase64url(jwk.y, bytes)]);
}

/** The private scalar of an EC private key, as an integer. */
export function ecScalar(privateKey: KeyObject): bigint {
  return integerOf(Buffer.from(privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
}

/** SecKeyCopyExternalRepresentation's bytes (SecKey.h): EC 04‖X‖Y[‖K], RSA PKCS #1 DER. */
export function externalRepresentation(key: EmulatedKey): Buffer {
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

/**
 * kSecAttrApplicationLabel of an asymmetric key: the SHA-1 of its public key's bytes as
 * SecKeyCopyPublicBytes gives them — the X9.63 point 04‖X‖Y for EC, the PKCS #1 RSAPublicKey
 * DER for RSA (SecKey.m SecKeyCopyPublicKeyHash and SecKeyCopyAttributeDictionaryWithLocalKey).
 * A certificate's kSecAttrPublicKeyHash is the same digest, which is how identities pair
 * (spec/semantics.md 15.1).
 */
export function applicationLabel(key: Pick<EmulatedKey, 'type' | 'bits' | 'publicKey'>): Buffer {
  const pub = key.type === 'rsa' ? key.publicKey.export({ format: 'der', type: 'pkcs1' }) : ecPoint(key.publicKey, curveOf(key).bytes);
  return createHash('sha1').update(pub).digest();
}

/**
 * The dictionary SecKeyCopyAttributes reports. A data protection key reports that of SecKey.m
 * SecKeyCopyAttributeDictionaryWithLocalKey (perm true, fixed flags); a file-based key that of
 * SecKey.cpp SecCDSAKeyCopyAttributeDictionary (perm false, the caller's usage flags).
 * Neither echoes the caller's label or tag.
 */
export function keyAttributes(key: EmulatedKey): Record<string, CFResult> {
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

/** The key material read back from an external representation. */
export interface KeyMaterial {
  readonly bits: number;
  readonly publicKey: KeyObject;
  readonly privateKey?: KeyObject;
}

/**
 * The inverse of externalRepresentation, for SecKeyCreateWithData (SecKey.h): RSA PKCS #1 DER;
 * EC 04‖X‖Y for a public key, 04‖X‖Y‖K for a private one, the curve told by the length.
 * Bytes that are not such a key are errSecParam.
 */
export function keyFromExternalRepresentation(type: KeyType, keyClass: KeyClass, data: Buffer): KeyMaterial {
  try {
    if (type === 'rsa') {
      let privateKey: KeyObject | undefined;
      let publicKey: KeyObject;
      if (keyClass === 'private') {
        privateKey = createPrivateKey({ key: data, format: 'der', type: 'pkcs1' });
        publicKey = createPublicKey(privateKey);
      } else {
        // Through JWK: a public key read from PKCS #1 DER cannot be written back as PKCS #1 by node:crypto.
        const parsed = createPublicKey({ key: data, format: 'der', type: 'pkcs1' });
        publicKey = createPublicKey({ key: parsed.export({ format: 'jwk' }), format: 'jwk' });
      }
      return { bits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0, publicKey, privateKey };
    }
    const entry = Object.entries(CURVES_BY_SIZE).find(([, c]) => data.length === 1 + c.bytes * (keyClass === 'private' ? 3 : 2));
    if (!entry) throw new Error('not the length of a P-256, P-384 or P-521 key');
    const [size, { curve, bytes }] = entry;
    const point = data.subarray(0, 1 + 2 * bytes);
    const publicKey = ecPublicKey(curve, point);
    if (keyClass === 'public') return { bits: Number(size), publicKey };
    // The point must belong to the scalar (node:crypto keeps a JWK's point as given).
    const scalar = data.subarray(1 + 2 * bytes);
    const q = publicPoint(curve, integerOf(scalar));
    const given = decodePoint(curve, point)!;
    if (q.x !== given.x || q.y !== given.y) throw new Error('the public point does not match the private scalar');
    const jwk = publicKey.export({ format: 'jwk' });
    const privateKey = createPrivateKey({ key: { ...jwk, d: scalar.toString('base64url') }, format: 'jwk' });
    return { bits: Number(size), publicKey, privateKey };
  } catch (error) {
    throw paramError(`keyData is not a valid ${type === 'ec' ? 'elliptic-curve' : 'RSA'} ${keyClass} key ` +
      `(${error instanceof Error ? error.message : String(error)})`);
  }
}
