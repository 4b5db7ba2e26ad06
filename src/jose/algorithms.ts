/**
 * The JWS algorithms this package signs and verifies with a SecKey (RFC 7518 §3.1), one row each:
 * the key it needs and the kSecKeyAlgorithm* that does the work.
 *
 * ECDSA uses Apple's X9.62 message algorithms, which every EC SecKey supports — file-based,
 * data protection and Secure Enclave keys, on every macOS version — and converts the DER
 * signature to JOSE's fixed-size r‖s here (ecdsaSignature.ts). The RFC 4754 algorithms produce
 * r‖s directly but exist only from macOS 14, so they are not used.
 *
 * RSA-PSS: Apple's kSecKeyAlgorithmRSASignatureMessagePSSSHA* use MGF1 with the same hash and a
 * salt as long as the hash, which is what RFC 7518 §3.5 requires of PS256/384/512.
 */
import * as c from '../constants.js';
import type { Curve, PublicJwk } from './jwk.js';

export interface EcAlgorithm {
  readonly kty: 'EC';
  readonly crv: Curve;
  readonly secKeyAlgorithm: string;
}
export interface RsaAlgorithm {
  readonly kty: 'RSA';
  readonly secKeyAlgorithm: string;
}

export const JWS_ALGORITHMS = {
  ES256: { kty: 'EC', crv: 'P-256', secKeyAlgorithm: c.kSecKeyAlgorithmECDSASignatureMessageX962SHA256 },
  ES384: { kty: 'EC', crv: 'P-384', secKeyAlgorithm: c.kSecKeyAlgorithmECDSASignatureMessageX962SHA384 },
  ES512: { kty: 'EC', crv: 'P-521', secKeyAlgorithm: c.kSecKeyAlgorithmECDSASignatureMessageX962SHA512 },
  RS256: { kty: 'RSA', secKeyAlgorithm: c.kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256 },
  RS384: { kty: 'RSA', secKeyAlgorithm: c.kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA384 },
  RS512: { kty: 'RSA', secKeyAlgorithm: c.kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA512 },
  PS256: { kty: 'RSA', secKeyAlgorithm: c.kSecKeyAlgorithmRSASignatureMessagePSSSHA256 },
  PS384: { kty: 'RSA', secKeyAlgorithm: c.kSecKeyAlgorithmRSASignatureMessagePSSSHA384 },
  PS512: { kty: 'RSA', secKeyAlgorithm: c.kSecKeyAlgorithmRSASignatureMessagePSSSHA512 },
} as const satisfies Record<string, EcAlgorithm | RsaAlgorithm>;

/** A JWS "alg" this package can sign and verify with a SecKey. */
export type JwsAlgorithm = keyof typeof JWS_ALGORITHMS;

export const JWS_ALGORITHM_NAMES = Object.keys(JWS_ALGORITHMS) as JwsAlgorithm[];

/** The algorithm a key signs with when the header names none: its curve's, or RS256 for RSA. */
const DEFAULT_ALGORITHM: Readonly<Record<Curve | 'RSA', JwsAlgorithm>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512', RSA: 'RS256' };

/** RFC 7518 §3.3 and §3.5: "A key of size 2048 bits or larger MUST be used." */
export const MIN_RSA_BITS = 2048;

export function isJwsAlgorithm(value: unknown): value is JwsAlgorithm {
  return typeof value === 'string' && Object.hasOwn(JWS_ALGORITHMS, value);
}

export function defaultAlgorithm(jwk: PublicJwk): JwsAlgorithm {
  return DEFAULT_ALGORITHM[jwk.kty === 'EC' ? jwk.crv : 'RSA'];
}

/** Why `alg` cannot be used with the key `jwk` describes, or undefined when it can. */
export function misfit(alg: JwsAlgorithm, jwk: PublicJwk): string | undefined {
  const row: EcAlgorithm | RsaAlgorithm = JWS_ALGORITHMS[alg];
  const key = jwk.kty === 'EC' ? `an elliptic-curve ${jwk.crv} key` : `a ${rsaBits(jwk)}-bit RSA key`;
  if (row.kty === 'EC') {
    return jwk.kty === 'EC' && jwk.crv === row.crv ? undefined : `${alg} needs a ${row.crv} elliptic-curve key, not ${key} (RFC 7518 §3.4)`;
  }
  if (jwk.kty !== 'RSA') return `${alg} needs an RSA key, not ${key} (RFC 7518 §3.3, §3.5)`;
  if (rsaBits(jwk) < MIN_RSA_BITS) return `${alg} needs an RSA key of at least ${MIN_RSA_BITS} bits, not ${key} (RFC 7518 §3.3, §3.5)`;
  return undefined;
}

/** The modulus length in bits of an RSA public JWK. */
export function rsaBits(jwk: { readonly n: string }): number {
  const n = Buffer.from(jwk.n, 'base64url');
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  return i === n.length ? 0 : (n.length - i - 1) * 8 + (32 - Math.clz32(n[i]!));
}
