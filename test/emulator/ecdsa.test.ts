import { createECDH, createHash, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CURVES, decodeDer, decodeRaw, encodeDer, encodeRaw, isOnCurve, publicPoint, signDigest, verifyDigest, type Curve,
} from '../../src/emulator/ecdsa.js';

const NODE_CURVE: Record<Curve, string> = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' };
const HASHES = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
const message = Buffer.from('the quick brown fox jumps over the lazy dog');

function b64uToBigInt(s: string | undefined): bigint {
  return BigInt(`0x${Buffer.from(s!, 'base64url').toString('hex')}`);
}

interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  d: bigint;
  Q: { x: bigint; y: bigint };
}

function nodeKey(curve: Curve): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: NODE_CURVE[curve] });
  const jwk = privateKey.export({ format: 'jwk' });
  return { privateKey, publicKey, d: b64uToBigInt(jwk.d), Q: { x: b64uToBigInt(jwk.x), y: b64uToBigInt(jwk.y) } };
}

function hash(name: string, data: Uint8Array): Buffer {
  return createHash(name).update(data).digest();
}

describe.each(['P-256', 'P-384', 'P-521'] as const)('%s', (curve) => {
  const c = CURVES[curve];
  const key = nodeKey(curve);

  it('has the generator Node uses (private key 1 gives G) and G is on the curve', () => {
    const ecdh = createECDH(NODE_CURVE[curve]);
    const one = Buffer.alloc(c.byteLength);
    one[one.length - 1] = 1;
    ecdh.setPrivateKey(one);
    const pub = ecdh.getPublicKey();
    expect(pub[0]).toBe(0x04);
    expect(BigInt(`0x${pub.subarray(1, 1 + c.byteLength).toString('hex')}`)).toBe(c.Gx);
    expect(BigInt(`0x${pub.subarray(1 + c.byteLength).toString('hex')}`)).toBe(c.Gy);
    expect(isOnCurve(curve, { x: c.Gx, y: c.Gy })).toBe(true);
  });

  it('publicPoint(d) equals the public key of a Node-generated key', () => {
    expect(publicPoint(curve, key.d)).toEqual(key.Q);
    expect(isOnCurve(curve, key.Q)).toBe(true);
  });

  it('publicPoint(n - 1) is -G, and keys outside [1, n-1] are refused', () => {
    expect(publicPoint(curve, c.n - 1n)).toEqual({ x: c.Gx, y: c.p - c.Gy });
    expect(publicPoint(curve, 1n)).toEqual({ x: c.Gx, y: c.Gy });
    expect(() => publicPoint(curve, 0n)).toThrow(RangeError);
    expect(() => publicPoint(curve, c.n)).toThrow(RangeError);
    expect(() => signDigest(curve, c.n, hash('sha256', message))).toThrow(RangeError);
  });

  it.each(HASHES)('a signature over a %s digest, DER-encoded, verifies with crypto.verify', (h) => {
    const sig = signDigest(curve, key.d, hash(h, message));
    expect(sig.r > 0n && sig.r < c.n && sig.s > 0n && sig.s < c.n).toBe(true);
    const der = encodeDer(sig.r, sig.s);
    expect(verify(h, message, { key: key.publicKey, dsaEncoding: 'der' }, der)).toBe(true);
    expect(verify(h, message, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, encodeRaw(curve, sig.r, sig.s))).toBe(true);
    expect(verifyDigest(curve, key.Q, hash(h, message), sig)).toBe(true);
  });

  it.each(HASHES)('a crypto.sign %s signature in IEEE P1363 form passes verifyDigest', (h) => {
    const raw = sign(h, message, { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    const sig = decodeRaw(curve, raw);
    expect(sig).toBeDefined();
    expect(verifyDigest(curve, key.Q, hash(h, message), sig!)).toBe(true);
    // The DER form of the same signature decodes to the same numbers.
    expect(decodeDer(encodeDer(sig!.r, sig!.s))).toEqual(sig);
  });

  it('a crypto.sign DER signature decodes and verifies', () => {
    const der = sign('sha256', message, { key: key.privateKey, dsaEncoding: 'der' });
    const sig = decodeDer(der);
    expect(sig).toBeDefined();
    expect(encodeDer(sig!.r, sig!.s)).toEqual(der);
    expect(verifyDigest(curve, key.Q, hash('sha256', message), sig!)).toBe(true);
  });

  it('two signatures of the same digest differ (fresh nonce each time)', () => {
    const digest = hash('sha256', message);
    expect(signDigest(curve, key.d, digest)).not.toEqual(signDigest(curve, key.d, digest));
  });

  it('a tampered digest, r, or s verifies false; so does another key', () => {
    const digest = hash('sha256', message);
    const sig = signDigest(curve, key.d, digest);
    const flipped = Buffer.from(digest);
    flipped[5]! ^= 0x01;
    expect(verifyDigest(curve, key.Q, flipped, sig)).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: sig.r ^ 1n, s: sig.s })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: sig.r, s: sig.s ^ 1n })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: sig.s, s: sig.r })).toBe(false);
    expect(verifyDigest(curve, nodeKey(curve).Q, digest, sig)).toBe(false);
    const der = encodeDer(sig.r, sig.s);
    der[der.length - 1]! ^= 0x01;
    expect(verify('sha256', message, { key: key.publicKey, dsaEncoding: 'der' }, der)).toBe(false);
  });

  it('r or s outside [1, n-1] verifies false without throwing', () => {
    const digest = hash('sha256', message);
    const sig = signDigest(curve, key.d, digest);
    expect(verifyDigest(curve, key.Q, digest, { r: 0n, s: sig.s })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: sig.r, s: 0n })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: sig.r + c.n, s: sig.s })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: sig.r, s: sig.s + c.n })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: -sig.r, s: sig.s })).toBe(false);
    expect(verifyDigest(curve, key.Q, digest, { r: c.n, s: c.n })).toBe(false);
  });

  it('a public point not on the curve verifies false', () => {
    const digest = hash('sha256', message);
    const sig = signDigest(curve, key.d, digest);
    const off = { x: key.Q.x, y: (key.Q.y + 1n) % c.p };
    expect(isOnCurve(curve, off)).toBe(false);
    expect(verifyDigest(curve, off, digest, sig)).toBe(false);
    // Coordinates out of [0, p-1] are refused even when congruent to a valid point.
    const unreduced = { x: key.Q.x + c.p, y: key.Q.y };
    expect(isOnCurve(curve, unreduced)).toBe(false);
    expect(verifyDigest(curve, unreduced, digest, sig)).toBe(false);
    expect(verifyDigest(curve, { x: 0n, y: 0n }, digest, sig)).toBe(false);
  });

  it('raw r||s has the fixed width 2 × byteLength and round-trips small values with padding', () => {
    expect(encodeRaw(curve, 1n, 2n)).toHaveLength(2 * c.byteLength);
    expect(decodeRaw(curve, encodeRaw(curve, 1n, c.n - 1n))).toEqual({ r: 1n, s: c.n - 1n });
    expect(decodeRaw(curve, Buffer.alloc(2 * c.byteLength - 1))).toBeUndefined();
    expect(decodeRaw(curve, Buffer.alloc(2 * c.byteLength + 1))).toBeUndefined();
    expect(() => encodeRaw(curve, 1n << BigInt(8 * c.byteLength), 1n)).toThrow(RangeError);
    expect(() => encodeRaw(curve, -1n, 1n)).toThrow(RangeError);
  });
});

describe('digest truncation (SEC 1 4.1.3 step 5)', () => {
  it('a SHA-512 digest signed with P-256 is truncated to 256 bits, as crypto.verify(sha512) expects', () => {
    const key = nodeKey('P-256');
    const digest = hash('sha512', message);
    const sig = signDigest('P-256', key.d, digest);
    expect(verify('sha512', message, { key: key.publicKey, dsaEncoding: 'der' }, encodeDer(sig.r, sig.s))).toBe(true);
    // Only the leftmost 256 bits count: changing the right half does not matter, the left half does.
    const right = Buffer.from(digest);
    right[63]! ^= 0xff;
    expect(verifyDigest('P-256', key.Q, right, sig)).toBe(true);
    const left = Buffer.from(digest);
    left[0]! ^= 0x01;
    expect(verifyDigest('P-256', key.Q, left, sig)).toBe(false);
  });

  it('a SHA-512 digest with P-521 uses 521 bits: the low 7 bits of the last byte are ignored', () => {
    const key = nodeKey('P-521');
    const digest = hash('sha512', message);
    const sig = signDigest('P-521', key.d, digest);
    expect(verify('sha512', message, { key: key.publicKey, dsaEncoding: 'der' }, encodeDer(sig.r, sig.s))).toBe(true);
    // 512 bits < 521: the whole digest is used, every bit counts.
    const last = Buffer.from(digest);
    last[63]! ^= 0x01;
    expect(verifyDigest('P-521', key.Q, last, sig)).toBe(false);
  });

  it('a SHA-1 digest with P-521 is used whole', () => {
    const key = nodeKey('P-521');
    const sig = signDigest('P-521', key.d, hash('sha1', message));
    expect(verify('sha1', message, { key: key.publicKey, dsaEncoding: 'der' }, encodeDer(sig.r, sig.s))).toBe(true);
  });

  it('a digest longer than 66 bytes with P-521 keeps its leftmost 521 bits', () => {
    const key = nodeKey('P-521');
    const digest = Buffer.concat([hash('sha512', message), hash('sha512', Buffer.from('more'))]);
    const sig = signDigest('P-521', key.d, digest);
    // Bit 522 onward (byte 65's low 7 bits and everything after) is not part of the integer.
    const tail = Buffer.from(digest);
    tail[65]! ^= 0x7f;
    tail[100]! ^= 0xff;
    expect(verifyDigest('P-521', key.Q, tail, sig)).toBe(true);
    const kept = Buffer.from(digest);
    kept[65]! ^= 0x80;
    expect(verifyDigest('P-521', key.Q, kept, sig)).toBe(false);
  });
});

describe('DER ECDSA-Sig-Value', () => {
  it('encodes INTEGERs minimally, with a 0x00 only before a set top bit', () => {
    expect(encodeDer(1n, 0x7fn).toString('hex')).toBe('300602010102017f');
    expect(encodeDer(0x80n, 0n).toString('hex')).toBe('3007020200800201' + '00');
    expect(() => encodeDer(-1n, 1n)).toThrow(RangeError);
  });

  it('uses the long length form when a P-521 signature needs it', () => {
    const r = CURVES['P-521'].n - 1n;
    const der = encodeDer(r, r);
    expect(der[1]).toBe(0x81);
    expect(der[2]).toBe(der.length - 3);
    expect(decodeDer(der)).toEqual({ r, s: r });
  });

  it('rejects trailing bytes, negative integers, non-minimal integers and lengths, BER and truncation', () => {
    const good = encodeDer(0x1234n, 0x5678n); // 30 08 02 02 12 34 02 02 56 78
    expect(decodeDer(good)).toEqual({ r: 0x1234n, s: 0x5678n });
    const bad: Record<string, string> = {
      'trailing byte after the sequence': `${good.toString('hex')}00`,
      'sequence length shorter than its contents': '30070202123402025678',
      'sequence length longer than the buffer': '30090202123402025678',
      'extra element inside the sequence': '300b020212340202567802010',
      'negative r': '30080202923402025678',
      'negative s': '30080202123402029678',
      'r with a superfluous leading zero': '3009020300123402025678',
      'long-form length for a short sequence': '3081080202123402025678',
      'long-form length with a leading zero byte': '308200080202123402025678',
      'indefinite length': '3080020212340202567800' + '00',
      'zero-length INTEGER': '3006020002025678',
      'wrong outer tag': '31080202123402025678',
      'wrong inner tag': '30080302123402025678',
      'only one INTEGER': '300402021234',
      'empty input': '',
      'truncated': '300802021234020256',
    };
    for (const [what, hex] of Object.entries(bad)) {
      expect(decodeDer(Buffer.from(hex, 'hex')), what).toBeUndefined();
    }
    // A 0x00 before a byte with its top bit set is required, not superfluous.
    expect(decodeDer(Buffer.from('3008020200ff02020100', 'hex'))).toEqual({ r: 0xffn, s: 0x100n });
  });
});
