/**
 * base64url without padding (RFC 7515 §2, "Base64url Encoding"; RFC 4648 §5), the encoding of
 * every part of a compact JWS and of every JWK member. Decoding is strict: Node's own base64url
 * decoder skips characters it does not know and accepts padding, so two different strings could
 * stand for one signature; here only the canonical spelling of some bytes is accepted.
 */
import { paramError } from '../errors.js';

const ALPHABET = /^[A-Za-z0-9_-]*$/;

export function base64url(bytes: Uint8Array | string): string {
  return (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString('base64url');
}

/** The bytes `text` encodes, or undefined when it is not canonical unpadded base64url. */
export function decodeBase64url(text: string): Buffer | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  // Unused low bits in the last character must be zero (RFC 4648 §3.5): one spelling per value.
  return bytes.toString('base64url') === text ? bytes : undefined;
}

/** Like decodeBase64url; errSecParam naming `what` when `text` is not base64url. */
export function requireBase64url(text: string, what: string): Buffer {
  const bytes = decodeBase64url(text);
  if (!bytes) throw paramError(`${what} is not base64url without padding (RFC 7515 §2)`);
  return bytes;
}
