import { randomBytes } from 'node:crypto';

/*
 * ECDSA over the NIST prime curves, signing and verifying a digest the caller already computed.
 *
 * Standards: SEC 1 v2 §4.1 (signing 4.1.3, verifying 4.1.4, the digest-to-integer rule in
 * 4.1.3 step 5), FIPS 186-4 §6 and Appendix D (curves P-256, P-384, P-521), X9.62 / RFC 3279
 * §2.2.3 (the DER ECDSA-Sig-Value) and RFC 4754 §7 (fixed-width r||s).
 *
 * Node's crypto.sign always hashes the message itself, while Apple's
 * kSecKeyAlgorithmECDSASignatureDigestX962* algorithms take the digest, so the emulator does
 * the curve arithmetic here. BigInt operations are not constant-time; the ladder below only
 * keeps the sequence of point operations independent of the scalar. That is enough for an
 * emulator, not for guarding keys against a local timing attacker.
 */

export type Curve = 'P-256' | 'P-384' | 'P-521';

export interface CurveParams {
  readonly name: Curve;
  /** Field prime. */
  readonly p: bigint;
  /** Coefficients of y² = x³ + ax + b; a = p − 3 on every NIST prime curve. */
  readonly a: bigint;
  readonly b: bigint;
  /** Base point. */
  readonly Gx: bigint;
  readonly Gy: bigint;
  /** Order of G (the cofactor is 1). */
  readonly n: bigint;
  /** Bytes of a field element or scalar: 32, 48, 66. */
  readonly byteLength: number;
  /** Bits of n: how much of a digest is used. */
  readonly bitLength: number;
}

export interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

export interface Signature {
  readonly r: bigint;
  readonly s: bigint;
}

function params(name: Curve, p: string, b: string, Gx: string, Gy: string, n: string, byteLength: number): CurveParams {
  const pp = BigInt(p);
  const nn = BigInt(n);
  return { name, p: pp, a: pp - 3n, b: BigInt(b), Gx: BigInt(Gx), Gy: BigInt(Gy), n: nn, byteLength, bitLength: nn.toString(2).length };
}

/** FIPS 186-4 Appendix D.1.2.3–D.1.2.5. */
export const CURVES: Readonly<Record<Curve, CurveParams>> = Object.freeze({
  'P-256': params('P-256',
    '0xffffffff00000001000000000000000000000000ffffffffffffffffffffffff',
    '0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b',
    '0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296',
    '0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5',
    '0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
    32),
  'P-384': params('P-384',
    '0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff',
    '0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef',
    '0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7',
    '0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f',
    '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    48),
  'P-521': params('P-521',
    '0x01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
    '0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00',
    '0x00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66',
    '0x011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650',
    '0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    66),
});

function curveParams(curve: Curve): CurveParams {
  // A string from outside the type system must not reach the arithmetic as `undefined`.
  const c = Object.hasOwn(CURVES, curve) ? CURVES[curve] : undefined;
  if (!c) throw new RangeError(`unknown curve ${String(curve)}`);
  return c;
}

// ---- integers ----

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Inverse of a (≠ 0 mod m) for prime m, by extended Euclid: far fewer BigInt operations than Fermat. */
function invert(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return mod(s0, m);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

function bigIntToBytes(v: bigint, length: number): Buffer {
  return Buffer.from(v.toString(16).padStart(length * 2, '0'), 'hex');
}

/**
 * SEC 1 4.1.3 step 5: the leftmost bitlen(n) bits of the digest, or all of it if shorter. No
 * reduction mod n here; the signing and verifying equations reduce.
 */
function digestToInteger(c: CurveParams, digest: Uint8Array): bigint {
  const e = bytesToBigInt(digest);
  const excess = digest.length * 8 - c.bitLength;
  return excess > 0 ? e >> BigInt(excess) : e;
}

/** Uniform in [1, n − 1]: draw bitlen(n) bits and reject, so no value is favoured by a reduction. */
function randomScalar(c: CurveParams): bigint {
  const topMask = 0xff >> (c.byteLength * 8 - c.bitLength);
  for (;;) {
    const bytes = randomBytes(c.byteLength);
    bytes[0]! &= topMask;
    const k = bytesToBigInt(bytes);
    if (k >= 1n && k < c.n) return k;
  }
}

function assertScalar(c: CurveParams, d: bigint): void {
  if (typeof d !== 'bigint' || d < 1n || d >= c.n) throw new RangeError(`${c.name} private key out of range [1, n-1]`);
}

// ---- points in Jacobian coordinates: (X, Y, Z) is (X/Z², Y/Z³); Z = 0 is the point at infinity ----

interface Jacobian {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
}

const INFINITY: Jacobian = { X: 1n, Y: 1n, Z: 0n };

/** dbl-2001-b (Bernstein–Lange EFD), which uses a = −3. */
function double(c: CurveParams, P: Jacobian): Jacobian {
  const { p } = c;
  if (P.Z === 0n || P.Y === 0n) return INFINITY;
  const delta = (P.Z * P.Z) % p;
  const gamma = (P.Y * P.Y) % p;
  const beta = (P.X * gamma) % p;
  const alpha = (3n * mod(P.X - delta, p) * (P.X + delta)) % p;
  const X = mod(alpha * alpha - 8n * beta, p);
  const Z = mod((P.Y + P.Z) ** 2n - gamma - delta, p);
  const Y = mod(alpha * (4n * beta - X) - 8n * gamma * gamma, p);
  return { X, Y, Z };
}

/** General Jacobian addition; falls back to doubling when both inputs are the same point. */
function add(c: CurveParams, P: Jacobian, Q: Jacobian): Jacobian {
  const { p } = c;
  if (P.Z === 0n) return Q;
  if (Q.Z === 0n) return P;
  const Z1Z1 = (P.Z * P.Z) % p;
  const Z2Z2 = (Q.Z * Q.Z) % p;
  const U1 = (P.X * Z2Z2) % p;
  const U2 = (Q.X * Z1Z1) % p;
  const S1 = (P.Y * Q.Z * Z2Z2) % p;
  const S2 = (Q.Y * P.Z * Z1Z1) % p;
  const H = mod(U2 - U1, p);
  const R = mod(S2 - S1, p);
  if (H === 0n) return R === 0n ? double(c, P) : INFINITY;
  const HH = (H * H) % p;
  const HHH = (H * HH) % p;
  const V = (U1 * HH) % p;
  const X = mod(R * R - HHH - 2n * V, p);
  const Y = mod(R * (V - X) - S1 * HHH, p);
  const Z = (P.Z * Q.Z * H) % p;
  return { X, Y, Z };
}

function toAffine(c: CurveParams, P: Jacobian): Point | undefined {
  if (P.Z === 0n) return undefined;
  const zInv = invert(P.Z, c.p);
  const zInv2 = (zInv * zInv) % c.p;
  return { x: (P.X * zInv2) % c.p, y: (P.Y * zInv2 * zInv) % c.p };
}

function fromAffine(P: Point): Jacobian {
  return { X: P.x, Y: P.y, Z: 1n };
}

/**
 * k·P by a Montgomery ladder, for P of order n (only G is passed here). k is first replaced by
 * k + n or k + 2n, whichever has exactly bitlen(n) + 1 bits (same point, since nP = O), so
 * every call runs the same number of steps, each one addition and one doubling, whatever k is.
 */
function multiply(c: CurveParams, P: Jacobian, k: bigint): Jacobian {
  const top = BigInt(c.bitLength);
  let kk = k + c.n;
  if (kk >> top === 0n) kk += c.n;
  let R0 = P;
  let R1 = double(c, P);
  for (let i = top - 1n; i >= 0n; i--) {
    if ((kk >> i) & 1n) {
      R0 = add(c, R0, R1);
      R1 = double(c, R1);
    } else {
      R1 = add(c, R0, R1);
      R0 = double(c, R0);
    }
  }
  return R0;
}

/** u1·G + u2·Q in one pass (Shamir's trick); for verification only, where nothing is secret. */
function multiplyTwo(c: CurveParams, u1: bigint, G: Jacobian, u2: bigint, Q: Jacobian): Jacobian {
  const GQ = add(c, G, Q);
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  let R = INFINITY;
  for (let i = BigInt(bits - 1); i >= 0n; i--) {
    R = double(c, R);
    const b1 = (u1 >> i) & 1n;
    const b2 = (u2 >> i) & 1n;
    if (b1 && b2) R = add(c, R, GQ);
    else if (b1) R = add(c, R, G);
    else if (b2) R = add(c, R, Q);
  }
  return R;
}

function generator(c: CurveParams): Jacobian {
  return { X: c.Gx, Y: c.Gy, Z: 1n };
}

// ---- public API ----

/** True if the point has coordinates in [0, p − 1] and satisfies the curve equation. */
/** The integer a big-endian byte string encodes. */
export function integerOf(bytes: Uint8Array): bigint {
  return bytesToBigInt(bytes);
}

/**
 * The point of an uncompressed SEC 1 encoding (04‖X‖Y, SEC 1 §2.3.4) on `curve`, or undefined
 * when the bytes are not one or the point is not on the curve.
 */
export function decodePoint(curve: Curve, bytes: Uint8Array): Point | undefined {
  const n = curveParams(curve).byteLength;
  if (bytes.length !== 1 + 2 * n || bytes[0] !== 4) return undefined;
  const point = { x: bytesToBigInt(bytes.subarray(1, 1 + n)), y: bytesToBigInt(bytes.subarray(1 + n)) };
  return isOnCurve(curve, point) ? point : undefined;
}

export function isOnCurve(curve: Curve, point: Point): boolean {
  const c = curveParams(curve);
  const { x, y } = point;
  if (typeof x !== 'bigint' || typeof y !== 'bigint') return false;
  if (x < 0n || x >= c.p || y < 0n || y >= c.p) return false;
  return mod(y * y - (x * x * x + c.a * x + c.b), c.p) === 0n;
}

/** Q = d·G. Throws RangeError unless d is in [1, n − 1]. */
export function publicPoint(curve: Curve, d: bigint): Point {
  const c = curveParams(curve);
  assertScalar(c, d);
  // d in range and G of prime order n: the result cannot be the point at infinity.
  return toAffine(c, multiply(c, generator(c), d))!;
}

/** SEC 1 4.1.3 with a fresh random nonce per signature. Throws RangeError for a bad key. */
export function signDigest(curve: Curve, d: bigint, digest: Uint8Array): Signature {
  const c = curveParams(curve);
  assertScalar(c, d);
  const e = digestToInteger(c, digest);
  for (;;) {
    const k = randomScalar(c);
    const R = toAffine(c, multiply(c, generator(c), k))!;
    const r = R.x % c.n;
    if (r === 0n) continue;
    const s = (invert(k, c.n) * ((e + r * d) % c.n)) % c.n;
    if (s === 0n) continue;
    return { r, s };
  }
}

/**
 * SEC 1 4.1.4. Every way a signature or key can be wrong (r or s outside [1, n − 1], Q off the
 * curve) is a false result, not an exception.
 */
export function verifyDigest(curve: Curve, Q: Point, digest: Uint8Array, sig: Signature): boolean {
  const c = curveParams(curve);
  const { r, s } = sig;
  if (typeof r !== 'bigint' || typeof s !== 'bigint') return false;
  if (r < 1n || r >= c.n || s < 1n || s >= c.n) return false;
  // The cofactor is 1, so a point on the curve is in the group generated by G.
  if (!isOnCurve(curve, Q)) return false;
  const e = digestToInteger(c, digest);
  const w = invert(s, c.n);
  const u1 = (e % c.n) * w % c.n;
  const u2 = (r * w) % c.n;
  const X = toAffine(c, multiplyTwo(c, u1, generator(c), u2, fromAffine(Q)));
  if (!X) return false;
  return X.x % c.n === r;
}

// ---- signature encodings ----

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let l = length; l > 0; l = Math.floor(l / 256)) bytes.unshift(l & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derInteger(v: bigint): Buffer {
  if (v < 0n) throw new RangeError('ECDSA signature components are non-negative');
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  // A set top bit would read as negative in two's complement.
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02]), derLength(bytes.length), bytes]);
}

/** X9.62 ECDSA-Sig-Value: SEQUENCE { INTEGER r, INTEGER s }, in DER. */
export function encodeDer(r: bigint, s: bigint): Buffer {
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

/**
 * Reads one tag-length header at `pos`; undefined unless the tag matches and the length is in
 * DER's minimal form and fits in the buffer.
 */
function readHeader(buf: Uint8Array, pos: number, tag: number): { start: number; end: number } | undefined {
  if (buf[pos] !== tag) return undefined;
  const first = buf[pos + 1];
  if (first === undefined) return undefined;
  let length: number;
  let start: number;
  if (first < 0x80) {
    length = first;
    start = pos + 2;
  } else {
    // 0x80 alone is BER's indefinite length; more than 4 length bytes cannot describe a signature.
    const count = first & 0x7f;
    if (count === 0 || count > 4) return undefined;
    if (pos + 2 + count > buf.length || buf[pos + 2] === 0) return undefined;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[pos + 2 + i]!;
    if (length < 0x80) return undefined;
    start = pos + 2 + count;
  }
  const end = start + length;
  return end <= buf.length ? { start, end } : undefined;
}

function readInteger(buf: Uint8Array, pos: number): { value: bigint; end: number } | undefined {
  const h = readHeader(buf, pos, 0x02);
  if (!h || h.end === h.start) return undefined;
  const lead = buf[h.start]!;
  if (lead & 0x80) return undefined;
  // A leading zero is allowed only to keep the next byte's top bit from reading as a sign.
  if (lead === 0 && h.end - h.start > 1 && !(buf[h.start + 1]! & 0x80)) return undefined;
  return { value: bytesToBigInt(buf.subarray(h.start, h.end)), end: h.end };
}

/**
 * Strict DER ECDSA-Sig-Value → {r, s}; undefined for anything else (BER forms, negative or
 * padded integers, missing or extra bytes). Range against a curve is verifyDigest's check.
 */
export function decodeDer(buf: Uint8Array): Signature | undefined {
  const seq = readHeader(buf, 0, 0x30);
  if (!seq || seq.end !== buf.length) return undefined;
  const r = readInteger(buf, seq.start);
  if (!r) return undefined;
  const s = readInteger(buf, r.end);
  if (!s || s.end !== seq.end) return undefined;
  return { r: r.value, s: s.value };
}

/** RFC 4754 r||s, each left-padded to the curve's byte length. Throws RangeError if one does not fit. */
export function encodeRaw(curve: Curve, r: bigint, s: bigint): Buffer {
  const c = curveParams(curve);
  const limit = 1n << BigInt(c.byteLength * 8);
  for (const v of [r, s]) {
    if (v < 0n || v >= limit) throw new RangeError(`ECDSA signature component does not fit in ${c.byteLength} bytes`);
  }
  return Buffer.concat([bigIntToBytes(r, c.byteLength), bigIntToBytes(s, c.byteLength)]);
}

/** RFC 4754 r||s → {r, s}; undefined unless the length is exactly twice the curve's byte length. */
export function decodeRaw(curve: Curve, buf: Uint8Array): Signature | undefined {
  const c = curveParams(curve);
  if (buf.length !== 2 * c.byteLength) return undefined;
  return { r: bytesToBigInt(buf.subarray(0, c.byteLength)), s: bytesToBigInt(buf.subarray(c.byteLength)) };
}
