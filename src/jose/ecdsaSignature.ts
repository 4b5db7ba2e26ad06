/**
 * ECDSA signature formats. SecKeyCreateSignature with an X9.62 algorithm gives the DER
 * encoding `SEQUENCE { INTEGER r, INTEGER s }` (SecKey.h, ANSI X9.62); JWS wants r and s as
 * big-endian unsigned integers of the curve's size, concatenated (RFC 7518 §3.4).
 */
import { secError } from '../errors.js';

/** Reads one DER length at `at`; [length, next offset] or undefined. Only the minimal form. */
function readLength(der: Uint8Array, at: number): [number, number] | undefined {
  const first = der[at];
  if (first === undefined) return undefined;
  if (first < 0x80) return [first, at + 1];
  if (first !== 0x81) return undefined; // no ECDSA signature of P-256/384/521 needs more than 255
  const length = der[at + 1];
  return length !== undefined && length >= 0x80 ? [length, at + 2] : undefined;
}

/** A positive, minimally encoded DER INTEGER at `at`; [magnitude, next offset] or undefined. */
function readInteger(der: Uint8Array, at: number): [Uint8Array, number] | undefined {
  if (der[at] !== 0x02) return undefined;
  const length = readLength(der, at + 1);
  if (!length) return undefined;
  const [n, start] = length;
  const end = start + n;
  if (n === 0 || end > der.length) return undefined;
  if ((der[start]! & 0x80) !== 0) return undefined;                              // negative
  if (n > 1 && der[start] === 0 && (der[start + 1]! & 0x80) === 0) return undefined; // not minimal
  let from = start;
  while (from < end - 1 && der[from] === 0) from++;
  return [der.subarray(from, end), end];
}

/** r‖s, each `size` bytes, from an X9.62 DER signature; errSecInternalComponent if it is not one. */
export function derToRaw(der: Uint8Array, size: number): Buffer {
  const fail = () => secError('errSecInternalComponent', 'SecKeyCreateSignature did not return an X9.62 DER ECDSA signature');
  if (der[0] !== 0x30) throw fail();
  const sequence = readLength(der, 1);
  if (!sequence || sequence[1] + sequence[0] !== der.length) throw fail();
  const r = readInteger(der, sequence[1]);
  const s = r && readInteger(der, r[1]);
  if (!r || !s || s[1] !== der.length) throw fail();
  const out = Buffer.alloc(2 * size);
  for (const [i, part] of [r[0], s[0]].entries()) {
    const magnitude = part.length === 1 && part[0] === 0 ? part.subarray(1) : part;
    if (magnitude.length > size) throw fail();
    out.set(magnitude, (i + 1) * size - magnitude.length);
  }
  return out;
}

function derInteger(magnitude: Uint8Array): Buffer {
  let from = 0;
  while (from < magnitude.length - 1 && magnitude[from] === 0) from++;
  const trimmed = magnitude.subarray(from);
  const body = (trimmed[0]! & 0x80) !== 0 ? Buffer.concat([Buffer.from([0]), trimmed]) : Buffer.from(trimmed);
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

function derLength(n: number): Buffer {
  return n < 0x80 ? Buffer.from([n]) : Buffer.from([0x81, n]);
}

/**
 * The X9.62 DER form of a JOSE r‖s signature for SecKeyVerifySignature; undefined when it
 * cannot be a valid signature for a curve of `size` bytes (wrong length, r or s zero), which
 * a verifier treats as a failed verification.
 */
export function rawToDer(raw: Uint8Array, size: number): Buffer | undefined {
  if (raw.length !== 2 * size) return undefined;
  const r = raw.subarray(0, size);
  const s = raw.subarray(size);
  if (r.every((b) => b === 0) || s.every((b) => b === 0)) return undefined;
  const body = Buffer.concat([derInteger(r), derInteger(s)]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
