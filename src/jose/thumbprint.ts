/**
 * JWK thumbprints (RFC 7638): the hash of the JSON object holding only a key type's required
 * members, in lexicographic order, without whitespace (§3.2). Any public JWK of these key
 * types works, not only those of exportJWK — a server computes the thumbprint of the key in
 * a client's DPoP proof, say (RFC 9449 §6).
 */
import { createHash } from 'node:crypto';
import { readOptions, readRecord } from '../arguments.js';
import { paramError } from '../errors.js';
import { describeValue } from '../values.js';

/** The required members per `kty`, sorted (RFC 7638 §3.2, §3.2.1; RFC 8037 §2 for OKP). */
const REQUIRED_MEMBERS = {
  EC: ['crv', 'kty', 'x', 'y'],
  RSA: ['e', 'kty', 'n'],
  OKP: ['crv', 'kty', 'x'],
  oct: ['k', 'kty'],
} as const satisfies Record<string, readonly string[]>;

const DIGESTS = ['sha256', 'sha384', 'sha512'] as const;
export type ThumbprintDigest = (typeof DIGESTS)[number];

export interface ThumbprintOptions {
  /** The hash; default 'sha256', the one RFC 9449 and RFC 7638's examples use. */
  digest?: ThumbprintDigest;
}

/**
 * A JWK as far as a thumbprint reads it: any object with a `kty` — exportJWK's, jose's, one
 * parsed from JSON, or an object literal with the members of its key type.
 */
export type ThumbprintInput = { readonly kty: string } | { readonly kty: string; readonly [member: string]: unknown };

/**
 * The RFC 7638 thumbprint of `jwk`, base64url: equal to `jose`'s calculateJwkThumbprint.
 * Members other than the required ones (kid, alg, use, a private `d`, …) are not part of it.
 */
export async function jwkThumbprint(jwk: ThumbprintInput, options?: ThumbprintOptions): Promise<string> {
  const record = readRecord(jwk, 'jwk', 'a JSON Web Key object');
  const { digest = 'sha256' } = readOptions(options, 'options', ['digest']);
  if (!DIGESTS.includes(digest as ThumbprintDigest)) throw paramError(`options.digest must be one of ${DIGESTS.join(', ')}, not ${describeValue(digest)}`);
  const own = (name: string): unknown => (Object.hasOwn(record, name) ? record[name] : undefined);
  const kty = own('kty');
  if (typeof kty !== 'string' || !Object.hasOwn(REQUIRED_MEMBERS, kty)) {
    throw paramError(`jwk.kty must be one of ${Object.keys(REQUIRED_MEMBERS).join(', ')}, not ${describeValue(kty)}`);
  }
  const members: string[] = [];
  for (const name of REQUIRED_MEMBERS[kty as keyof typeof REQUIRED_MEMBERS]) {
    const value = own(name);
    if (typeof value !== 'string' || value === '') throw paramError(`jwk.${name} must be a non-empty string for a ${kty} key (RFC 7638 §3.2)`);
    members.push(`${JSON.stringify(name)}:${JSON.stringify(value)}`);
  }
  return createHash(digest as ThumbprintDigest).update(`{${members.join(',')}}`, 'utf8').digest('base64url');
}
