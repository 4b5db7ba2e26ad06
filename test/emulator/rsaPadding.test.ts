import {
  constants, createHash, generateKeyPairSync, privateEncrypt, publicDecrypt, sign, verify, type KeyObject,
} from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { digestInfo, emsaPkcs1v15Encode, emsaPssEncode, emsaPssVerify, type RsaHash } from '../../src/emulator/rsaPadding.js';

const { RSA_NO_PADDING, RSA_PKCS1_PSS_PADDING } = constants;
const HASHES: readonly RsaHash[] = ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const HASH_LENGTH: Record<RsaHash, number> = { sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };
const message = Buffer.from('the quick brown fox jumps over the lazy dog');

interface TestKey {
  bits: number;
  k: number;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function rsaKey(bits: number): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  expect(privateKey.asymmetricKeyDetails?.modulusLength).toBe(bits);
  return { bits, k: Math.ceil(bits / 8), privateKey, publicKey };
}

function hash(name: RsaHash, data: Uint8Array): Buffer {
  return createHash(name).update(data).digest();
}

/** What the emulator does for a digest PSS signature: encode, pad to k bytes, raw RSA. */
function signPss(key: TestKey, h: RsaHash, digest: Uint8Array, saltLength = HASH_LENGTH[h]): Buffer {
  const em = emsaPssEncode(h, digest, key.bits - 1, saltLength);
  const padded = Buffer.concat([Buffer.alloc(key.k - em.length), em]);
  return privateEncrypt({ key: key.privateKey, padding: RSA_NO_PADDING }, padded);
}

function openPss(key: TestKey, signature: Buffer): Buffer {
  return publicDecrypt({ key: key.publicKey, padding: RSA_NO_PADDING }, signature);
}

describe('digestInfo', () => {
  it('is the RFC 8017 §9.2 prefix followed by the digest', () => {
    const d = hash('sha256', message);
    expect(digestInfo('sha256', d).toString('hex')).toBe(`3031300d060960864801650304020105000420${d.toString('hex')}`);
    for (const h of HASHES) {
      const info = digestInfo(h, hash(h, message));
      // Outer SEQUENCE length covers everything after its 2-byte header.
      expect(info[0]).toBe(0x30);
      expect(info[1]).toBe(info.length - 2);
      expect(info.subarray(info.length - HASH_LENGTH[h]).equals(hash(h, message))).toBe(true);
    }
  });

  it('throws RangeError when the digest length does not match the hash', () => {
    expect(() => digestInfo('sha256', hash('sha1', message))).toThrow(RangeError);
    expect(() => digestInfo('sha1', Buffer.alloc(0))).toThrow(RangeError);
    expect(() => digestInfo('md5' as RsaHash, Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe('2048-bit key', () => {
  const key = rsaKey(2048);
  const digest = hash('sha256', message);

  it('PKCS#1 v1.5: raw RSA over emsaPkcs1v15Encode equals crypto.sign byte for byte', () => {
    const em = emsaPkcs1v15Encode('sha256', digest, key.k);
    expect(em).toHaveLength(key.k);
    expect(em.subarray(0, 2).toString('hex')).toBe('0001');
    const ours = privateEncrypt({ key: key.privateKey, padding: RSA_NO_PADDING }, em);
    expect(ours.equals(sign('sha256', message, key.privateKey))).toBe(true);
  });

  it('PSS: raw RSA over emsaPssEncode verifies with crypto.verify (saltLength 32)', () => {
    const sig = signPss(key, 'sha256', digest);
    expect(verify('sha256', message, { key: key.publicKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)).toBe(true);
    expect(verify('sha256', Buffer.from('other'), { key: key.publicKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)).toBe(false);
  });

  it('PSS: a crypto.sign signature opened with publicDecrypt passes emsaPssVerify', () => {
    const sig = sign('sha256', message, { key: key.privateKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    const em = openPss(key, sig);
    expect(emsaPssVerify('sha256', digest, em, key.bits - 1, 32)).toBe(true);
  });

  it('PSS: a tampered digest, encoded message, or salt length fails emsaPssVerify', () => {
    const em = openPss(key, sign('sha256', message, { key: key.privateKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    const otherDigest = Buffer.from(digest);
    otherDigest[0]! ^= 1;
    expect(emsaPssVerify('sha256', otherDigest, em, key.bits - 1, 32)).toBe(false);
    for (const at of [1, 100, key.k - 20, key.k - 1]) {
      const bad = Buffer.from(em);
      bad[at]! ^= 0x01;
      expect(emsaPssVerify('sha256', digest, bad, key.bits - 1, 32), `byte ${at}`).toBe(false);
    }
    // A bit set above emBits is rejected even though the rest is intact.
    const high = Buffer.from(em);
    high[0]! |= 0x80;
    expect(emsaPssVerify('sha256', digest, high, key.bits - 1, 32)).toBe(false);
    expect(emsaPssVerify('sha256', digest, em, key.bits - 1, 20)).toBe(false);
    expect(emsaPssVerify('sha256', digest, em.subarray(1), key.bits - 1, 32)).toBe(false);
    expect(emsaPssVerify('sha256', digest, Buffer.alloc(0), key.bits - 1, 32)).toBe(false);
    // A tampered signature decrypts to noise.
    const sig = signPss(key, 'sha256', digest);
    sig[10]! ^= 0x01;
    expect(emsaPssVerify('sha256', digest, openPss(key, sig), key.bits - 1, 32)).toBe(false);
  });

  it('PSS salts are random: two encodings of one digest differ and both verify', () => {
    const a = emsaPssEncode('sha256', digest, key.bits - 1, 32);
    const b = emsaPssEncode('sha256', digest, key.bits - 1, 32);
    expect(a.equals(b)).toBe(false);
    expect(emsaPssVerify('sha256', digest, a, key.bits - 1, 32)).toBe(true);
    expect(emsaPssVerify('sha256', digest, b, key.bits - 1, 32)).toBe(true);
  });

  it('PSS with a zero-length salt is deterministic and interoperates', () => {
    const sig = signPss(key, 'sha256', digest, 0);
    expect(sig.equals(signPss(key, 'sha256', digest, 0))).toBe(true);
    expect(verify('sha256', message, { key: key.publicKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 0 }, sig)).toBe(true);
  });

  it('throws RangeError for a digest of the wrong length, too short an emLen, or bad counts', () => {
    expect(() => emsaPkcs1v15Encode('sha256', hash('sha1', message), key.k)).toThrow(RangeError);
    expect(() => emsaPssEncode('sha256', hash('sha1', message), key.bits - 1, 32)).toThrow(RangeError);
    expect(() => emsaPssVerify('sha256', hash('sha1', message), Buffer.alloc(key.k), key.bits - 1, 32)).toThrow(RangeError);
    // 19-byte prefix + 32-byte digest + 11 = 62 bytes minimum.
    expect(emsaPkcs1v15Encode('sha256', digest, 62)).toHaveLength(62);
    expect(() => emsaPkcs1v15Encode('sha256', digest, 61)).toThrow(RangeError);
    // PSS needs emLen >= hLen + sLen + 2 = 66 bytes for SHA-256 with a 32-byte salt.
    expect(emsaPssEncode('sha256', digest, 8 * 66 - 1, 32)).toHaveLength(66);
    expect(() => emsaPssEncode('sha256', digest, 8 * 65, 32)).toThrow(RangeError);
    expect(() => emsaPssEncode('sha256', digest, 2047, -1)).toThrow(RangeError);
    expect(() => emsaPssEncode('sha256', digest, 2047.5, 32)).toThrow(RangeError);
  });
});

describe.each([1024, 3072, 1025, 1031])('%i-bit key, every hash', (bits) => {
  const key = rsaKey(bits);
  const emBits = bits - 1;
  const emLen = Math.ceil(emBits / 8);

  it.each(HASHES)('PKCS#1 v1.5 with %s equals crypto.sign', (h) => {
    const em = emsaPkcs1v15Encode(h, hash(h, message), key.k);
    const ours = privateEncrypt({ key: key.privateKey, padding: RSA_NO_PADDING }, em);
    expect(ours.equals(sign(h, message, key.privateKey))).toBe(true);
  });

  it.each(HASHES)('PSS with %s (salt = hash length) interoperates with crypto.sign/verify both ways', (h) => {
    const hLen = HASH_LENGTH[h];
    const digest = hash(h, message);
    if (emLen < 2 * hLen + 2) {
      // SHA-512 with a 64-byte salt needs 130 bytes; a 1024/1025-bit modulus has 128. Node refuses too.
      expect(() => emsaPssEncode(h, digest, emBits, hLen)).toThrow(RangeError);
      expect(() => sign(h, message, { key: key.privateKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: hLen })).toThrow();
      return;
    }
    const em = emsaPssEncode(h, digest, emBits, hLen);
    expect(em).toHaveLength(emLen);
    expect((em[0]! >> (emBits % 8 || 8))).toBe(0);
    const ours = signPss(key, h, digest);
    expect(verify(h, message, { key: key.publicKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: hLen }, ours)).toBe(true);

    const theirs = sign(h, message, { key: key.privateKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: hLen });
    const opened = openPss(key, theirs);
    expect(opened).toHaveLength(key.k);
    expect(emsaPssVerify(h, digest, opened, emBits, hLen)).toBe(true);
    const bad = Buffer.from(opened);
    bad[key.k - 2]! ^= 0x01;
    expect(emsaPssVerify(h, digest, bad, emBits, hLen)).toBe(false);
  });
});

describe('leading-zero byte when modulusBits % 8 === 1 (emBits % 8 === 0)', () => {
  const key = rsaKey(1025);

  it('encodes into k - 1 bytes and accepts publicDecrypt output with its zero first byte', () => {
    const digest = hash('sha256', message);
    const em = emsaPssEncode('sha256', digest, 1024, 32);
    expect(em).toHaveLength(key.k - 1);
    const opened = openPss(key, sign('sha256', message, { key: key.privateKey, padding: RSA_PKCS1_PSS_PADDING, saltLength: 32 }));
    expect(opened).toHaveLength(129);
    expect(opened[0]).toBe(0);
    expect(emsaPssVerify('sha256', digest, opened, 1024, 32)).toBe(true);
    expect(emsaPssVerify('sha256', digest, opened.subarray(1), 1024, 32)).toBe(true);
    // The extra byte must be zero.
    const nonzero = Buffer.from(opened);
    nonzero[0] = 1;
    expect(emsaPssVerify('sha256', digest, nonzero, 1024, 32)).toBe(false);
  });
});
