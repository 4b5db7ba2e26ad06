/**
 * A SecKey's public key as a JSON Web Key (RFC 7517; RFC 7518 §6.2 for EC, §6.3 for RSA).
 *
 * The JWK is read from the key's external representation (SecKey.h
 * SecKeyCopyExternalRepresentation), which Apple documents per key type: ANSI X9.63
 * `04‖X‖Y` for an elliptic-curve public key, PKCS #1 `RSAPublicKey` DER for an RSA one. Only
 * the public key is ever exported; a private key given here is asked for its public key
 * (SecKeyCopyPublicKey), which works for Secure Enclave keys too.
 */
import { createPublicKey } from 'node:crypto';
import { readOptions } from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import { paramError, secError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { base64url } from './base64url.js';
import { backendFor, backendOption, requireKey, type BackendOption } from './backend.js';

/** The NIST curves a SecKey can be on, as JWK names them (RFC 7518 §6.2.1.1). */
export type Curve = 'P-256' | 'P-384' | 'P-521';

// Type aliases, not interfaces: a plain object type converts to node:crypto's JsonWebKey (an
// index signature), so `createPublicKey({ key: jwk, format: 'jwk' })` type-checks.

/** An elliptic-curve public key (RFC 7518 §6.2.1). */
export type EcPublicJwk = {
  kty: 'EC';
  crv: Curve;
  /** base64url of the x coordinate, the curve's size in bytes. */
  x: string;
  /** base64url of the y coordinate, the curve's size in bytes. */
  y: string;
};

/** An RSA public key (RFC 7518 §6.3.1). */
export type RsaPublicJwk = {
  kty: 'RSA';
  /** base64url of the modulus, without leading zero bytes. */
  n: string;
  /** base64url of the public exponent, without leading zero bytes. */
  e: string;
};

/** The public JWK of a SecKey. */
export type PublicJwk = EcPublicJwk | RsaPublicJwk;

/** The byte size of a coordinate (and of r and s) per curve, by the length of `04‖X‖Y`. */
export const CURVE_BY_POINT_LENGTH: Readonly<Record<number, { crv: Curve; size: number }>> = {
  65: { crv: 'P-256', size: 32 },
  97: { crv: 'P-384', size: 48 },
  133: { crv: 'P-521', size: 66 },
};

export const COORDINATE_SIZE: Readonly<Record<Curve, number>> = { 'P-256': 32, 'P-384': 48, 'P-521': 66 };

/** The JWK of a public key's external representation; errSecParam when it is neither form. */
export function jwkFromExternalRepresentation(data: Buffer, what: string): PublicJwk {
  const curve = CURVE_BY_POINT_LENGTH[data.length];
  if (data[0] === 0x04 && curve) {
    return {
      kty: 'EC', crv: curve.crv,
      x: base64url(data.subarray(1, 1 + curve.size)),
      y: base64url(data.subarray(1 + curve.size)),
    };
  }
  if (data[0] === 0x30) {
    try {
      const jwk = createPublicKey({ key: data, format: 'der', type: 'pkcs1' }).export({ format: 'jwk' });
      if (typeof jwk.n === 'string' && typeof jwk.e === 'string') return { kty: 'RSA', n: jwk.n, e: jwk.e };
    } catch {
      // Not PKCS #1: refused below.
    }
  }
  throw paramError(`${what} is neither a P-256, P-384 or P-521 elliptic-curve key nor an RSA key`);
}

/** A key's public half: its handle and its JWK. */
export interface PublicKeyOf {
  readonly publicKey: SecHandle;
  readonly jwk: PublicJwk;
}

/** The public key of `key` (itself if it is one) and its JWK, through `backend`'s SecKey calls. */
export async function publicKeyOf(key: SecHandle, what: string, backend: Backend): Promise<PublicKeyOf> {
  const publicKey = await backend.SecKeyCopyPublicKey(key);
  if (!publicKey) throw secError('errSecUnimplemented', `${what} has no public key (SecKeyCopyPublicKey returned none)`);
  return { publicKey, jwk: jwkFromExternalRepresentation(await backend.SecKeyCopyExternalRepresentation(publicKey), what) };
}

/**
 * The public key of `key` as a JWK: `{ kty: 'EC', crv, x, y }` for P-256/384/521 keys,
 * `{ kty: 'RSA', n, e }` for RSA keys — the members `jose`'s exportJWK gives for the same
 * public key. `key` may be the public key or its private key (a Secure Enclave key too); the
 * JWK holds only the public key.
 */
export async function exportJWK(key: SecHandle, options?: BackendOption): Promise<PublicJwk> {
  const k = requireKey(key, 'key');
  const option = backendOption(readOptions(options, 'options', ['backend']).backend, 'options.backend');
  return (await publicKeyOf(k, 'key', backendFor(k, 'key', option))).jwk;
}
