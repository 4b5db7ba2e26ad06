/**
 * `security-framework/jose`: JOSE over any SecKey — the public key as a JWK and its RFC 7638
 * thumbprint, compact JWS signed and verified by the key (ES256/384/512, RS256/384/512,
 * PS256/384/512), and RFC 9449 DPoP proofs. The private key stays where it is (the keychain,
 * the Secure Enclave, an emulator): every signature is a SecKeyCreateSignature call of the
 * backend the key belongs to.
 *
 * The `jose` package cannot be handed a keychain key to sign with: it signs only with a
 * CryptoKey or KeyObject, native objects that hold the private key themselves (a look-alike
 * passes jose's checks but is refused by crypto.subtle.sign), and a Secure Enclave key cannot be
 * exported at all. So signing happens here, and jose verifies: `importJWK(await exportJWK(key))`.
 */
export { exportJWK, type PublicJwk, type EcPublicJwk, type RsaPublicJwk, type Curve } from './jwk.js';
export { jwkThumbprint, type ThumbprintOptions, type ThumbprintDigest, type ThumbprintInput } from './thumbprint.js';
export { sign, verify, type VerifyOptions, type VerifiedJws } from './jws.js';
export { createDPoPProof, type DPoPProofOptions, type DPoPClaims } from './dpop.js';
export type { JwsHeaderParameters, JwsProtectedHeader } from './header.js';
export type { JwsAlgorithm } from './algorithms.js';
export type { BackendOption } from './backend.js';
export type { JsonValue } from './json.js';
