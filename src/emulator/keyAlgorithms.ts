/**
 * SecKey's algorithms as a table (SecKey.h; spec/semantics.md 16.3, 16.4): one row per
 * kSecKeyAlgorithm* constant, saying what the algorithm does, and the rules for which key may
 * run which algorithm. Apple looks an algorithm up by its identifier among the adaptors it has
 * (SecKeyAdaptors.m) and does not parse it; an identifier that is not one of its constants is
 * not supported by any key, and neither is it here.
 */
import { paramError } from '../errors.js';
import { constantGroups } from '../constantTables.js';
import { blockSize, type EmulatedKey } from './keyModel.js';

export type Hash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
export const HASH_LENGTH: Readonly<Record<Hash, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** kSecKeyOperationType* values, by their number. */
export const OPERATIONS = ['sign', 'verify', 'encrypt', 'decrypt', 'keyExchange'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The name of a kSecKeyAlgorithm* constant. */
export type AlgorithmName = keyof typeof constantGroups.keyAlgorithms;

type Ecdh = 'standard' | 'cofactor';

/*
 * The columns. `operation`: 'sign' also verifies, 'encrypt' also decrypts. `keyType`: the key
 * the algorithm runs on. `padding`: the RSA padding, 'none' for elliptic-curve algorithms.
 * `input` (signatures): the message, hashed with `digest`; a digest, whose length must be
 * `digest`'s when there is one; or one raw block. `digest`: the signature's hash, OAEP's hash,
 * or the X9.63 KDF's hash for ECIES and ECDH; null for none. `format`: the signature's encoding
 * (ECDSA), what OAEP wraps, the ECIES IV, or whether ECDH runs the KDF. `ecdh`: standard or
 * cofactor Diffie-Hellman — the same secret on the NIST curves, whose cofactor is 1.
 */
export type EcdsaAlgorithm = Readonly<
  | { operation: 'sign'; keyType: 'ec'; padding: 'none'; input: 'digest'; digest: Hash | null; format: 'x962-der' | 'rfc4754-raw' }
  | { operation: 'sign'; keyType: 'ec'; padding: 'none'; input: 'message'; digest: Hash; format: 'x962-der' | 'rfc4754-raw' }
>;
export type RsaSignatureAlgorithm = Readonly<
  | { operation: 'sign'; keyType: 'rsa'; padding: 'pkcs1v15'; input: 'digest'; digest: Hash | null }
  | { operation: 'sign'; keyType: 'rsa'; padding: 'pkcs1v15'; input: 'message'; digest: Hash }
  | { operation: 'sign'; keyType: 'rsa'; padding: 'pss'; input: 'digest' | 'message'; digest: Hash }
  | { operation: 'sign'; keyType: 'rsa'; padding: 'raw'; input: 'block'; digest: null }
>;
export type RsaEncryptionAlgorithm = Readonly<
  | { operation: 'encrypt'; keyType: 'rsa'; padding: 'raw' | 'pkcs1v15'; digest: null }
  | { operation: 'encrypt'; keyType: 'rsa'; padding: 'oaep'; digest: Hash; format: 'oaep' | 'oaep-aes-gcm' }
>;
export type EciesAlgorithm = Readonly<
  { operation: 'encrypt'; keyType: 'ec'; padding: 'none'; digest: Hash; ecdh: Ecdh; format: 'aes-gcm-zero-iv' | 'aes-gcm-kdf-iv' }
>;
export type EcdhAlgorithm = Readonly<
  | { operation: 'keyExchange'; keyType: 'ec'; padding: 'none'; digest: null; ecdh: Ecdh; format: 'shared-secret' }
  | { operation: 'keyExchange'; keyType: 'ec'; padding: 'none'; digest: Hash; ecdh: Ecdh; format: 'x963-kdf' }
>;
export type Algorithm = EcdsaAlgorithm | RsaSignatureAlgorithm | RsaEncryptionAlgorithm | EciesAlgorithm | EcdhAlgorithm;

/** A constant the emulator deliberately does not run, and why. */
export interface Unsupported {
  readonly unsupported: string;
}

/**
 * Every kSecKeyAlgorithm* constant: its row, or why it is unsupported (none is today). The
 * type makes a constant added to spec/constants.json a compile error until it has a line here.
 */
export const ALGORITHMS: { readonly [N in AlgorithmName]: Algorithm | Unsupported } = {
  // RSA signatures. Raw: one modulus-size block. PKCS #1 v1.5 (RFC 8017 §8.2): over the DigestInfo of
  // `digest`; DigestPKCS1v15Raw takes the DigestInfo from the caller. PSS (RFC 8017 §8.1): MGF1 with
  // `digest`, salt of its length — Apple's SHA-224 identifier says 24, the salt is 28 bytes nevertheless.
  kSecKeyAlgorithmRSASignatureRaw:                   { operation: 'sign', keyType: 'rsa', padding: 'raw',      input: 'block',   digest: null },
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15Raw:     { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest',  digest: null },
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA1:    { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest',  digest: 'sha1' },
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA224:  { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest',  digest: 'sha224' },
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA256:  { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest',  digest: 'sha256' },
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA384:  { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest',  digest: 'sha384' },
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA512:  { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'digest',  digest: 'sha512' },
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA1:   { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'message', digest: 'sha1' },
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA224: { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'message', digest: 'sha224' },
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256: { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'message', digest: 'sha256' },
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA384: { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'message', digest: 'sha384' },
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA512: { operation: 'sign', keyType: 'rsa', padding: 'pkcs1v15', input: 'message', digest: 'sha512' },
  kSecKeyAlgorithmRSASignatureDigestPSSSHA1:         { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'digest',  digest: 'sha1' },
  kSecKeyAlgorithmRSASignatureDigestPSSSHA224:       { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'digest',  digest: 'sha224' },
  kSecKeyAlgorithmRSASignatureDigestPSSSHA256:       { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'digest',  digest: 'sha256' },
  kSecKeyAlgorithmRSASignatureDigestPSSSHA384:       { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'digest',  digest: 'sha384' },
  kSecKeyAlgorithmRSASignatureDigestPSSSHA512:       { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'digest',  digest: 'sha512' },
  kSecKeyAlgorithmRSASignatureMessagePSSSHA1:        { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'message', digest: 'sha1' },
  kSecKeyAlgorithmRSASignatureMessagePSSSHA224:      { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'message', digest: 'sha224' },
  kSecKeyAlgorithmRSASignatureMessagePSSSHA256:      { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'message', digest: 'sha256' },
  kSecKeyAlgorithmRSASignatureMessagePSSSHA384:      { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'message', digest: 'sha384' },
  kSecKeyAlgorithmRSASignatureMessagePSSSHA512:      { operation: 'sign', keyType: 'rsa', padding: 'pss',      input: 'message', digest: 'sha512' },
  // ECDSA. X9.62: DER SEQUENCE { r, s }; RFC 4754: r ‖ s, each the curve's size. A digest row without
  // `digest` signs a digest of any length, as kSecKeyAlgorithmECDSASignatureRFC4754 (the last row) does.
  kSecKeyAlgorithmECDSASignatureDigestX962:           { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: null,     format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureDigestX962SHA1:       { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha1',   format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureDigestX962SHA224:     { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha224', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureDigestX962SHA256:     { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha256', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureDigestX962SHA384:     { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha384', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureDigestX962SHA512:     { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha512', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureMessageX962SHA1:      { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha1',   format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureMessageX962SHA224:    { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha224', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureMessageX962SHA256:    { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha256', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureMessageX962SHA384:    { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha384', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureMessageX962SHA512:    { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha512', format: 'x962-der' },
  kSecKeyAlgorithmECDSASignatureDigestRFC4754:        { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: null,     format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA1:    { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha1',   format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA224:  { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha224', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA256:  { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha256', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA384:  { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha384', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA512:  { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: 'sha512', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA1:   { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha1',   format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA224: { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha224', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA256: { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha256', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA384: { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha384', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA512: { operation: 'sign', keyType: 'ec', padding: 'none', input: 'message', digest: 'sha512', format: 'rfc4754-raw' },
  kSecKeyAlgorithmECDSASignatureRFC4754:              { operation: 'sign', keyType: 'ec', padding: 'none', input: 'digest',  digest: null,     format: 'rfc4754-raw' },
  // RSA encryption. Raw: one block; PKCS #1 v1.5 (RFC 8017 §7.2); OAEP (RFC 8017 §7.1) with MGF1 and
  // `digest`; OAEP-AES-GCM wraps a random AES session key with OAEP and seals the data with it.
  kSecKeyAlgorithmRSAEncryptionRaw:              { operation: 'encrypt', keyType: 'rsa', padding: 'raw',      digest: null },
  kSecKeyAlgorithmRSAEncryptionPKCS1:            { operation: 'encrypt', keyType: 'rsa', padding: 'pkcs1v15', digest: null },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA1:         { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha1',   format: 'oaep' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA224:       { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha224', format: 'oaep' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA256:       { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha256', format: 'oaep' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA384:       { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha384', format: 'oaep' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA512:       { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha512', format: 'oaep' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA1AESGCM:   { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha1',   format: 'oaep-aes-gcm' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA224AESGCM: { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha224', format: 'oaep-aes-gcm' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA256AESGCM: { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha256', format: 'oaep-aes-gcm' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA384AESGCM: { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha384', format: 'oaep-aes-gcm' },
  kSecKeyAlgorithmRSAEncryptionOAEPSHA512AESGCM: { operation: 'encrypt', keyType: 'rsa', padding: 'oaep',     digest: 'sha512', format: 'oaep-aes-gcm' },
  // ECIES: ECDH with an ephemeral key (standard or cofactor), the X9.63 KDF with `digest`, AES-GCM with
  // an all-zero IV or (VariableIV, no SHA-1 variant) an IV from the KDF output.
  kSecKeyAlgorithmECIESEncryptionStandardX963SHA1AESGCM:             { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha1',   ecdh: 'standard', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardX963SHA224AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha224', ecdh: 'standard', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardX963SHA256AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'standard', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardX963SHA384AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha384', ecdh: 'standard', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardX963SHA512AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'standard', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorX963SHA1AESGCM:             { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha1',   ecdh: 'cofactor', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorX963SHA224AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha224', ecdh: 'cofactor', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorX963SHA256AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'cofactor', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorX963SHA384AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha384', ecdh: 'cofactor', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorX963SHA512AESGCM:           { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'cofactor', format: 'aes-gcm-zero-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardVariableIVX963SHA224AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha224', ecdh: 'standard', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardVariableIVX963SHA256AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'standard', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardVariableIVX963SHA384AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha384', ecdh: 'standard', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionStandardVariableIVX963SHA512AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'standard', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA224AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha224', ecdh: 'cofactor', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA256AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'cofactor', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA384AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha384', ecdh: 'cofactor', format: 'aes-gcm-kdf-iv' },
  kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA512AESGCM: { operation: 'encrypt', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'cofactor', format: 'aes-gcm-kdf-iv' },
  // ECDH key exchange (standard or cofactor): the shared secret as is, or through the X9.63 KDF with
  // `digest` (kSecKeyKeyExchangeParameterRequestedSize / SharedInfo).
  kSecKeyAlgorithmECDHKeyExchangeStandard:           { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: null,     ecdh: 'standard', format: 'shared-secret' },
  kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA1:   { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha1',   ecdh: 'standard', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA224: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha224', ecdh: 'standard', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA256: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'standard', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA384: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha384', ecdh: 'standard', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA512: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'standard', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeCofactor:           { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: null,     ecdh: 'cofactor', format: 'shared-secret' },
  kSecKeyAlgorithmECDHKeyExchangeCofactorX963SHA1:   { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha1',   ecdh: 'cofactor', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeCofactorX963SHA224: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha224', ecdh: 'cofactor', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeCofactorX963SHA256: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha256', ecdh: 'cofactor', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeCofactorX963SHA384: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha384', ecdh: 'cofactor', format: 'x963-kdf' },
  kSecKeyAlgorithmECDHKeyExchangeCofactorX963SHA512: { operation: 'keyExchange', keyType: 'ec', padding: 'none', digest: 'sha512', ecdh: 'cofactor', format: 'x963-kdf' },
};

/** The supported rows by identifier ("algid:sign:ECDSA:message-X962:SHA256", …; 16.4), built once. */
const BY_IDENTIFIER: ReadonlyMap<string, Algorithm> = new Map(
  (Object.entries(ALGORITHMS) as [AlgorithmName, Algorithm | Unsupported][])
    .flatMap(([name, row]) => ('unsupported' in row ? [] : [[constantGroups.keyAlgorithms[name], row] as const])),
);

/** The row of an algorithm identifier; undefined for an identifier that is not a supported constant. */
export function algorithmFor(identifier: string): Algorithm | undefined {
  return BY_IDENTIFIER.get(identifier);
}

// ── which key runs which algorithm (spec 16.3) ─────────────────────────────────────────────

function operationFits(alg: Algorithm, operation: Operation): boolean {
  if (alg.operation === 'sign') return operation === 'sign' || operation === 'verify';
  if (alg.operation === 'encrypt') return operation === 'encrypt' || operation === 'decrypt';
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
  if (alg.padding === 'pss') return key.bits >= 16 * HASH_LENGTH[alg.digest] + 9;
  if (alg.padding === 'oaep') return blockSize(key) >= 2 * HASH_LENGTH[alg.digest] + 2;
  return true;
}

/** The row, when `key` supports the algorithm for `operation` (SecKeyIsAlgorithmSupported); else undefined. */
export function supportedAlgorithm(key: EmulatedKey, operation: Operation, identifier: string): Algorithm | undefined {
  const alg = algorithmFor(identifier);
  if (!alg || alg.keyType !== key.type || !operationFits(alg, operation) || !keyFits(key, operation) || !fitsModulus(key, alg)) {
    return undefined;
  }
  return alg;
}

/** The algorithm for an operation, or errSecParam "algorithm not supported by the key" (16.3). */
export function requireAlgorithm(key: EmulatedKey, operation: Operation, identifier: string): Algorithm {
  const alg = supportedAlgorithm(key, operation, identifier);
  if (!alg) throw paramError(`algorithm ${identifier} is not supported by this ${key.type === 'ec' ? 'elliptic-curve' : 'RSA'} ${key.keyClass} key for ${operation}`);
  return alg;
}
