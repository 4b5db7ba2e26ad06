import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * RSA signature encodings of a digest the caller already computed: EMSA-PKCS1-v1_5 (RFC 8017
 * §9.2) and EMSA-PSS with MGF1 (RFC 8017 §9.1, B.2.1).
 *
 * Node's crypto.sign hashes the message itself, while Apple's
 * kSecKeyAlgorithmRSASignatureDigest* algorithms take the digest. The emulator therefore
 * builds the encoded message here and applies the raw RSA operation with
 * crypto.privateEncrypt / publicDecrypt and RSA_NO_PADDING, which take and return exactly
 * k = ceil(modulusBits / 8) bytes.
 *
 * PSS encodes into emBits = modulusBits − 1 bits, i.e. emLen = ceil(emBits / 8) bytes (§8.1.1).
 * That is k − 1 bytes when modulusBits % 8 === 1: the caller then prepends one 0x00 byte before
 * privateEncrypt, and emsaPssVerify accepts publicDecrypt's k bytes with that leading zero.
 */

export type RsaHash = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** RFC 8017 §9.2 note 1: DER of DigestInfo up to and including the digest's OCTET STRING header. */
const DIGEST_INFO_PREFIX: Readonly<Record<RsaHash, Buffer>> = {
  sha1: Buffer.from('3021300906052b0e03021a05000414', 'hex'),
  sha224: Buffer.from('302d300d06096086480165030402040500041c', 'hex'),
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

const HASH_LENGTH: Readonly<Record<RsaHash, number>> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** Hash length, refusing names outside RsaHash that might arrive from untyped callers. */
function hashLength(hash: RsaHash): number {
  const length = Object.hasOwn(HASH_LENGTH, hash) ? HASH_LENGTH[hash] : undefined;
  if (length === undefined) throw new RangeError(`unsupported hash ${String(hash)}`);
  return length;
}

function checkDigest(hash: RsaHash, digest: Uint8Array): number {
  const hLen = hashLength(hash);
  if (digest.length !== hLen) {
    throw new RangeError(`a ${hash} digest is ${hLen} bytes, not ${digest.length}`);
  }
  return hLen;
}

function checkCount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer`);
}

/** DER DigestInfo { AlgorithmIdentifier(hash, NULL), OCTET STRING digest }. */
export function digestInfo(hash: RsaHash, digest: Uint8Array): Buffer {
  checkDigest(hash, digest);
  return Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]);
}

/**
 * RFC 8017 §9.2: 0x00 0x01 FF…FF 0x00 DigestInfo, emLen bytes (emLen = k for signing).
 * Throws RangeError when emLen leaves fewer than 8 bytes of 0xFF padding.
 */
export function emsaPkcs1v15Encode(hash: RsaHash, digest: Uint8Array, emLen: number): Buffer {
  const t = digestInfo(hash, digest);
  checkCount(emLen, 'emLen');
  if (emLen < t.length + 11) throw new RangeError(`intended encoded message length too short: ${emLen} < ${t.length + 11}`);
  const em = Buffer.alloc(emLen, 0xff);
  em[0] = 0x00;
  em[1] = 0x01;
  em[emLen - t.length - 1] = 0x00;
  t.copy(em, emLen - t.length);
  return em;
}

/** MGF1 (RFC 8017 B.2.1) with the given hash. */
function mgf1(hash: RsaHash, seed: Uint8Array, maskLen: number): Buffer {
  const hLen = hashLength(hash);
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 0; i * hLen < maskLen; i++) {
    counter.writeUInt32BE(i);
    blocks.push(createHash(hash).update(seed).update(counter).digest());
  }
  return Buffer.concat(blocks).subarray(0, maskLen);
}

/** H = Hash(0x00 × 8 || mHash || salt), the value PSS signs. */
function pssHash(hash: RsaHash, mHash: Uint8Array, salt: Uint8Array): Buffer {
  return createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
}

/** Mask of the bits of the first byte that lie within emBits. */
function topByteMask(emBits: number, emLen: number): number {
  return 0xff >> (8 * emLen - emBits);
}

/**
 * RFC 8017 §9.1.1 with MGF1 over the same hash and a random salt of saltLength bytes (Apple
 * uses the hash length). Returns emLen = ceil(emBits / 8) bytes. Throws RangeError for a
 * digest of the wrong length or when emBits is too small for the hash and salt ("encoding
 * error"; e.g. SHA-512 with a 64-byte salt does not fit a 1024-bit modulus).
 */
export function emsaPssEncode(hash: RsaHash, digest: Uint8Array, emBits: number, saltLength: number): Buffer {
  const hLen = checkDigest(hash, digest);
  checkCount(emBits, 'emBits');
  checkCount(saltLength, 'saltLength');
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLength + 2) {
    throw new RangeError(`encoding error: ${emBits} bits cannot hold a ${hash} PSS encoding with a ${saltLength}-byte salt`);
  }
  const salt = randomBytes(saltLength);
  const h = pssHash(hash, digest, salt);
  const dbLen = emLen - hLen - 1;
  // DB = PS (zeros) || 0x01 || salt, masked in place.
  const db = Buffer.alloc(dbLen);
  db[dbLen - saltLength - 1] = 0x01;
  salt.copy(db, dbLen - saltLength);
  const mask = mgf1(hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i]! ^= mask[i]!;
  db[0]! &= topByteMask(emBits, emLen);
  return Buffer.concat([db, h, Buffer.from([0xbc])]);
}

/**
 * RFC 8017 §9.1.2. `em` is emLen = ceil(emBits / 8) bytes, or publicDecrypt's k bytes when that
 * is one more (modulusBits % 8 === 1), whose extra leading byte must then be zero (§8.1.2 step
 * 2c). Any mismatch is false; only a digest of the wrong length or a bad parameter throws.
 */
export function emsaPssVerify(hash: RsaHash, digest: Uint8Array, em: Uint8Array, emBits: number, saltLength: number): boolean {
  const hLen = checkDigest(hash, digest);
  checkCount(emBits, 'emBits');
  checkCount(saltLength, 'saltLength');
  const emLen = Math.ceil(emBits / 8);
  if (em.length === emLen + 1 && em[0] === 0) em = em.subarray(1);
  if (em.length !== emLen) return false;
  if (emLen < hLen + saltLength + 2) return false;
  if (em[emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const maskedDb = em.subarray(0, dbLen);
  const h = em.subarray(dbLen, dbLen + hLen);
  const topMask = topByteMask(emBits, emLen);
  if ((maskedDb[0]! & ~topMask & 0xff) !== 0) return false;
  const db = mgf1(hash, h, dbLen);
  for (let i = 0; i < dbLen; i++) db[i]! ^= maskedDb[i]!;
  db[0]! &= topMask;
  const psLen = dbLen - saltLength - 1;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(dbLen - saltLength);
  return timingSafeEqual(pssHash(hash, digest, salt), h);
}
