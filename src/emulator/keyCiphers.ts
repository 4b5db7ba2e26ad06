/**
 * The symmetric parts of SecKey's encryption and key-exchange algorithms (SecKey.h;
 * spec/semantics.md 16.4): the ANSI X9.63 KDF, ECIES's key and IV, AES-GCM, and PKCS #1 v1.5
 * decoding, computed with node:crypto.
 */
import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import type { EciesAlgorithm, Hash } from './keyAlgorithms.js';

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
