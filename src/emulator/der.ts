/**
 * A small DER reader and writer (ITU-T X.690): enough to take X.509 certificates, names and
 * PKCS #12 structures apart byte for byte, so that what the emulator derives from them (item
 * attributes, digests) is computed over the same bytes Apple's libDER and NSS coder see.
 * Indefinite lengths (BER) are accepted where PKCS #12 producers use them.
 */

/** One decoded element: its tag byte, where its header and content lie in `bytes`. */
export interface Tlv {
  readonly tag: number;
  /** The whole element: header and content. */
  readonly bytes: Buffer;
  /** The content octets (for an indefinite length, up to the end-of-contents octets). */
  readonly content: Buffer;
  readonly constructed: boolean;
}

export const TAG = {
  boolean: 0x01, integer: 0x02, bitString: 0x03, octetString: 0x04, null: 0x05, oid: 0x06,
  utf8String: 0x0c, printableString: 0x13, t61String: 0x14, ia5String: 0x16, utcTime: 0x17,
  generalizedTime: 0x18, universalString: 0x1c, bmpString: 0x1e, sequence: 0x30, set: 0x31,
} as const;

/** Thrown for bytes that are not DER; callers turn it into their own status. */
export class DerError extends Error {}

/**
 * How deep indefinite-length elements may nest: finding the end of one reads its elements,
 * and each nested one is a level of recursion. PKCS #12 producers nest a handful; a deeper
 * input is refused as undecodable rather than exhausting the stack.
 */
const MAX_INDEFINITE_DEPTH = 64;

/** Reads the element at `offset`; its end is `offset + tlv.bytes.length`. */
export function readTlv(buf: Buffer, offset = 0, depth = 0): Tlv {
  if (offset + 2 > buf.length) throw new DerError('truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not used here');
  const constructed = (tag & 0x20) !== 0;
  let pos = offset + 1;
  const first = buf[pos++]!;
  if (first === 0x80) {
    // Indefinite length (BER): the content runs to the end-of-contents octets 00 00.
    if (!constructed) throw new DerError('an indefinite length on a primitive element');
    if (depth >= MAX_INDEFINITE_DEPTH) throw new DerError(`indefinite lengths nested more than ${MAX_INDEFINITE_DEPTH} deep`);
    const start = pos;
    while (true) {
      if (pos + 2 > buf.length) throw new DerError('no end-of-contents octets');
      if (buf[pos] === 0 && buf[pos + 1] === 0) break;
      pos += readTlv(buf, pos, depth + 1).bytes.length;
    }
    return { tag, constructed, content: buf.subarray(start, pos), bytes: buf.subarray(offset, pos + 2) };
  }
  let length = first;
  if (first & 0x80) {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || pos + n > buf.length) throw new DerError('a bad length');
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[pos++]!;
  }
  if (pos + length > buf.length) throw new DerError('an element longer than its data');
  return { tag, constructed, content: buf.subarray(pos, pos + length), bytes: buf.subarray(offset, pos + length) };
}

/** Reads exactly one element filling `buf`. */
export function readOnly(buf: Buffer): Tlv {
  const tlv = readTlv(buf);
  if (tlv.bytes.length !== buf.length) throw new DerError('bytes after the element');
  return tlv;
}

/** The elements inside a constructed element, in order. */
export function children(tlv: Tlv): Tlv[] {
  if (!tlv.constructed) throw new DerError('not a constructed element');
  const out: Tlv[] = [];
  for (let pos = 0; pos < tlv.content.length;) {
    const child = readTlv(tlv.content, pos);
    out.push(child);
    pos += child.bytes.length;
  }
  return out;
}

/** Checks an element's tag; `what` names it in the error. */
export function expectTag(tlv: Tlv | undefined, tag: number, what: string): Tlv {
  if (!tlv || tlv.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}`);
  return tlv;
}

/** DER's length octets for `length`. */
export function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

/** An element from its tag and content. */
export function encodeTlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** An OBJECT IDENTIFIER's content octets in dotted form. */
export function oidText(content: Buffer): string {
  if (content.length === 0) throw new DerError('an empty object identifier');
  const parts: number[] = [];
  let value = 0;
  for (const byte of content) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  if (content[content.length - 1]! & 0x80) throw new DerError('an object identifier that ends inside a subidentifier');
  const first = parts.shift()!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...parts].join('.');
}

/** The content of an OCTET STRING, constructed (BER chunks) or not. */
export function octets(tlv: Tlv): Buffer {
  if (tlv.tag === TAG.octetString) return tlv.content;
  if (tlv.tag === (TAG.octetString | 0x20)) return Buffer.concat(children(tlv).map(octets));
  throw new DerError('not an OCTET STRING');
}

/** A non-negative INTEGER's value as a number (iteration counts, versions). */
export function smallInteger(tlv: Tlv): number {
  expectTag(tlv, TAG.integer, 'INTEGER');
  if (tlv.content.length === 0 || tlv.content.length > 6 || (tlv.content[0]! & 0x80)) throw new DerError('an INTEGER out of range');
  return tlv.content.reduce((n, b) => n * 256 + b, 0);
}
