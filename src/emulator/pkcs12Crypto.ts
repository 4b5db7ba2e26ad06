/**
 * The cryptography of PKCS #12 (RFC 7292) as Apple's p12import.c applies it: the integrity MAC
 * (HMAC with the PKCS #12 key derivation, SHA-1 … SHA-512), the PKCS #12 password-based
 * ciphers (pbeWithSHAAnd3-KeyTripleDES-CBC, pbeWithSHAAnd128BitRC2-CBC and
 * pbeWithSHAAnd40BitRC2-CBC: what `openssl pkcs12 -legacy` writes) and PBES2 with AES-CBC (what
 * OpenSSL 3 writes by default).
 *
 * node:crypto does the hashing, HMAC, PBKDF2, AES and 3DES; node-forge does the PKCS #12 key
 * derivation and RC2, which OpenSSL 3's default provider no longer has. node-forge is loaded
 * the first time a PKCS #12 file is read, never on import.
 */
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import type * as Forge from 'node-forge';
import { paramError, secError } from '../errors.js';
import { DerError, TAG, children, expectTag, oidText, smallInteger, type Tlv } from './der.js';

let forge: typeof Forge | undefined;

/** node-forge, loaded on first use. */
function loadForge(): typeof Forge {
  if (!forge) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      forge = require('node-forge') as typeof Forge;
    } catch (error) {
      throw secError('errSecUnimplemented', 'reading PKCS #12 needs the node-forge package, which is not installed', { cause: error });
    }
  }
  return forge;
}

/** The digests a PKCS #12 MAC may use (p12import.c p12VerifyMac), by OID. */
const MAC_DIGESTS: Readonly<Record<string, { node: string; forge: 'sha1' | 'sha256' | 'sha384' | 'sha512'; bytes: number; block: number }>> = {
  '1.3.14.3.2.26': { node: 'sha1', forge: 'sha1', bytes: 20, block: 64 },
  '2.16.840.1.101.3.4.2.1': { node: 'sha256', forge: 'sha256', bytes: 32, block: 64 },
  '2.16.840.1.101.3.4.2.2': { node: 'sha384', forge: 'sha384', bytes: 48, block: 128 },
  '2.16.840.1.101.3.4.2.3': { node: 'sha512', forge: 'sha512', bytes: 64, block: 128 },
};

/** RFC 7292 appendix B: the key (ID 1), IV (ID 2) or MAC key (ID 3) for a password and salt. */
function pkcs12Kdf(password: string, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number, digest: keyof typeof FORGE_DIGESTS): Buffer {
  const f = loadForge();
  const md = FORGE_DIGESTS[digest](f);
  const key = f.pkcs12.generateKey(password, f.util.createBuffer(salt.toString('binary')), id as Forge.Byte, iterations, length, md as never);
  return Buffer.from(key.getBytes(), 'binary');
}

const FORGE_DIGESTS = {
  sha1: (f: typeof Forge) => f.md.sha1.create(),
  sha256: (f: typeof Forge) => f.md.sha256.create(),
  sha384: (f: typeof Forge) => f.md.sha384.create(),
  sha512: (f: typeof Forge) => f.md.sha512.create(),
} as const;

/**
 * Checks the MacData of a PFX over the authSafe content; false for a wrong password. A digest
 * p12import.c does not know is undecodable (DerError).
 */
export function verifyMac(macData: Tlv, authSafe: Buffer, password: string): boolean {
  const [digestInfo, salt, iterations] = children(expectTag(macData, TAG.sequence, 'MacData'));
  const [algorithm, digest] = children(expectTag(digestInfo, TAG.sequence, 'DigestInfo'));
  const oid = oidText(expectTag(children(expectTag(algorithm, TAG.sequence, 'digestAlgorithm'))[0], TAG.oid, 'digest OID').content);
  const hash = MAC_DIGESTS[oid];
  if (!hash) throw new DerError(`a MAC digest p12import.c does not support (${oid})`);
  // p12VerifyMac fails when p12DataToInt cannot read the count, which a Mac reports as a
  // wrong passphrase, as it does a MAC that does not match.
  if (iterations && tooLong(iterations)) return false;
  const count = bounded(iterations ? smallInteger(iterations) : 1);
  const key = pkcs12Kdf(password, expectTag(salt, TAG.octetString, 'macSalt').content, 3, count, hash.bytes, hash.forge);
  const mac = createHmac(hash.node, key).update(authSafe).digest();
  const expected = expectTag(digest, TAG.octetString, 'digest').content;
  return expected.length === mac.length && timingSafeEqual(expected, mac);
}

/**
 * Whether an iteration count is longer than p12import.c's p12DataToInt reads: at most four
 * content octets (a uint32_t); a longer one is an error there, before any key derivation.
 */
const tooLong = (iterations: Tlv): boolean => iterations.content.length > 4;

/**
 * The most key-derivation iterations the emulator runs: 10,000,000, far above what tools write
 * (OpenSSL 3: 2,048; guidance for PBKDF2-HMAC-SHA-256: 600,000). The derivation runs on the
 * calling thread, so a crafted file naming up to 2^32 - 1 iterations, which a Mac accepts,
 * would block the process for hours; beyond the bound the import is errSecParam naming it
 * (docs/emulator-differences.md).
 */
export const MAX_PKCS12_ITERATIONS = 10_000_000;

/** The errSecParam of a count beyond the bound: the decoder passes it on as it is. */
export const beyondBound = new WeakSet<Error>();

function bounded(count: number): number {
  if (count > MAX_PKCS12_ITERATIONS) {
    const error = paramError(`pkcs12Data names ${count} key-derivation iterations; the emulator derives at most ${MAX_PKCS12_ITERATIONS}`);
    beyondBound.add(error);
    throw error;
  }
  return count;
}

/** An iteration count of the encryption parameters, as p12DataToInt reads it. */
function iterationCount(iterations: Tlv | undefined): number {
  if (iterations && tooLong(iterations)) throw new DerError('an iteration count longer than four octets (p12DataToInt)');
  return bounded(smallInteger(expectTag(iterations, TAG.integer, 'iterationCount')));
}

/** The PKCS #12 PBE algorithms (RFC 7292 appendix C) p12import.c's pkcsOidToParams knows. */
const PKCS12_PBE: Readonly<Record<string, { cipher: 'des-ede3-cbc' | 'rc2'; keyBytes: number }>> = {
  '1.2.840.113549.1.12.1.3': { cipher: 'des-ede3-cbc', keyBytes: 24 }, // pbeWithSHAAnd3-KeyTripleDES-CBC
  '1.2.840.113549.1.12.1.5': { cipher: 'rc2', keyBytes: 16 },          // pbeWithSHAAnd128BitRC2-CBC
  '1.2.840.113549.1.12.1.6': { cipher: 'rc2', keyBytes: 5 },           // pbeWithSHAAnd40BitRC2-CBC
};

const PBES2 = '1.2.840.113549.1.5.13';
const PBKDF2 = '1.2.840.113549.1.5.12';
const AES_CBC: Readonly<Record<string, string>> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
};

/**
 * Decrypts with a password-based AlgorithmIdentifier (p12import.c p12Decrypt). For AES the
 * key is PBKDF2 with HMAC-SHA-256 over the password's UTF-8 bytes, whatever PRF the parameters
 * name (p12Decrypt hard-codes kCCPRFHmacAlgSHA256); the PKCS #12 ciphers use the PKCS #12 key
 * derivation with SHA-1. Undecryptable data (bad padding) throws DerError: Apple answers
 * p12_decodeErr, not a password error, once the MAC has passed.
 */
export function decrypt(algorithm: Tlv, ciphertext: Buffer, password: string): Buffer {
  const [oidTlv, params] = children(expectTag(algorithm, TAG.sequence, 'AlgorithmIdentifier'));
  const oid = oidText(expectTag(oidTlv, TAG.oid, 'encryption algorithm').content);
  try {
    if (oid === PBES2) {
      const [kdf, scheme] = children(expectTag(params, TAG.sequence, 'PBES2-params'));
      const [kdfOid, kdfParams] = children(expectTag(kdf, TAG.sequence, 'keyDerivationFunc'));
      if (oidText(kdfOid!.content) !== PBKDF2) throw new DerError('a PBES2 key derivation other than PBKDF2');
      const [salt, iterations] = children(expectTag(kdfParams, TAG.sequence, 'PBKDF2-params'));
      const [schemeOid, iv] = children(expectTag(scheme, TAG.sequence, 'encryptionScheme'));
      const cipher = AES_CBC[oidText(schemeOid!.content)];
      if (!cipher) throw new DerError('a PBES2 encryption scheme other than AES-CBC');
      const keyBytes = Number(cipher.slice(4, 7)) / 8;
      const key = pbkdf2Sync(Buffer.from(password, 'utf8'), expectTag(salt, TAG.octetString, 'salt').content, iterationCount(iterations), keyBytes, 'sha256');
      const decipher = createDecipheriv(cipher, key, expectTag(iv, TAG.octetString, 'iv').content);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    }
    const pbe = PKCS12_PBE[oid];
    if (!pbe) throw new DerError(`an encryption algorithm p12import.c does not support (${oid})`);
    const [salt, iterations] = children(expectTag(params, TAG.sequence, 'pkcs-12PbeParams'));
    const saltBytes = expectTag(salt, TAG.octetString, 'salt').content;
    const count = iterationCount(iterations);
    const key = pkcs12Kdf(password, saltBytes, 1, count, pbe.keyBytes, 'sha1');
    const iv = pkcs12Kdf(password, saltBytes, 2, count, 8, 'sha1');
    if (pbe.cipher === 'des-ede3-cbc') {
      const decipher = createDecipheriv('des-ede3-cbc', key, iv);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    }
    const f = loadForge();
    const rc2 = f.rc2.createDecryptionCipher(key.toString('binary'), pbe.keyBytes * 8);
    rc2.start(iv.toString('binary'));
    rc2.update(f.util.createBuffer(ciphertext.toString('binary')));
    if (!rc2.finish()) throw new DerError('RC2 padding does not check out');
    return Buffer.from(rc2.output.getBytes(), 'binary');
  } catch (error) {
    if (error instanceof DerError) throw error;
    if (error instanceof Error && 'status' in error) throw error; // a SecError from loading node-forge
    throw new DerError(`decryption failed (${error instanceof Error ? error.message : String(error)})`);
  }
}
