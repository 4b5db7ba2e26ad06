/**
 * The symmetric parts of SecKey's encryption and key-exchange algorithms (SecKey.h;
 * spec/semantics.md 16.4): the ANSI X9.63 KDF, ECIES's key and IV, AES-GCM, and PKCS #1 v1.5
 * decoding, computed with node:crypto.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { HASH_LENGTH, type EciesAlgorithm, type Hash } from './keyAlgorithms.js';

/**
 * The most output the emulator's X9.63 KDF gives: 64 KiB, 2,048 AES-256 keys. Apple's bound is
 * corecrypto's: ccansikdf_x963 refuses ⌈size / hash length⌉ ≥ 2^32 − 1 blocks (CCERR_PARAMETER,
 * which SecKeyAdaptors.m reports as errSecParam), 80 GiB and more, which no caller can mean
 * and the emulator cannot allocate (docs/emulator-differences.md).
 */
export const MAX_KDF_OUTPUT = 1 << 16;

/**
 * The most bytes one X9.63 derivation may hash: SharedInfo is hashed again for every output
 * block (the counter comes before it), so a long SharedInfo times many blocks is work without
 * a bound. 16 MiB keeps a derivation to tens of milliseconds of the JavaScript thread.
 */
export const MAX_KDF_HASHED = 1 << 24;

/** How many hash blocks an X9.63 output of `length` bytes takes, and how many bytes it hashes. */
export function x963Cost(hash: Hash, secretLength: number, length: number, sharedInfoLength: number): { blocks: number; hashed: number } {
  const blocks = Math.ceil(length / HASH_LENGTH[hash]);
  return { blocks, hashed: blocks * (secretLength + 4 + sharedInfoLength) };
}

/** ANSI X9.63 KDF (SEC 1 §3.6.1): Hash(Z ‖ counter ‖ sharedInfo), counter from 1. */
export function x963Kdf(hash: Hash, secret: Uint8Array, length: number, sharedInfo: Uint8Array = Buffer.alloc(0)): Buffer {
  const out = Buffer.alloc(length);
  const afterSecret = createHash(hash).update(secret); // Z is hashed once; each block resumes from here
  const counter = Buffer.alloc(4);
  for (let i = 1, written = 0; written < length; i++) {
    counter.writeUInt32BE(i);
    written += afterSecret.copy().update(counter).update(sharedInfo).digest().copy(out, written);
  }
  return out;
}

/**
 * ECIES keys (SecKey.h): X9.63 KDF over the shared secret with the ephemeral public key as
 * shared info; a 128-bit AES key for curves up to 256 bits, else 256-bit. The legacy variant
 * uses an all-zero 16-byte IV; the variable-IV variant takes the key and then a 16-byte IV from
 * the KDF output.
 */
export function eciesKeys(alg: EciesAlgorithm, bits: number, secret: Buffer, ephemeralPoint: Buffer): { aesKey: Buffer; iv: Buffer } {
  const keyLength = bits <= 256 ? 16 : 32;
  if (alg.format === 'aes-gcm-zero-iv') return { aesKey: x963Kdf(alg.digest, secret, keyLength, ephemeralPoint), iv: Buffer.alloc(16) };
  const material = x963Kdf(alg.digest, secret, keyLength + 16, ephemeralPoint);
  return { aesKey: material.subarray(0, keyLength), iv: material.subarray(keyLength) };
}

/** AES-GCM with a 16-byte tag; a 16-byte key is AES-128, a 32-byte one AES-256. */
export function gcmSeal(key: Buffer, iv: Buffer, plaintext: Buffer, aad?: Buffer): { ciphertext: Buffer; tag: Buffer } {
  const cipher = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv, { authTagLength: 16 });
  if (aad) cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

/** The plaintext of gcmSeal's output; undefined when the tag does not match. */
export function gcmOpen(key: Buffer, iv: Buffer, ciphertext: Buffer, tag: Buffer, aad?: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv, { authTagLength: 16 });
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** RSAES-PKCS1-v1_5 decoding (RFC 8017 §7.2.2), after a raw private-key operation. */
export function pkcs1Unpad(block: Buffer): Buffer | undefined {
  if (block[0] !== 0 || block[1] !== 2) return undefined;
  const separator = block.indexOf(0, 2);
  return separator < 10 ? undefined : block.subarray(separator + 1);
}
