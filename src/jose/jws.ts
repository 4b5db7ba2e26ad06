/**
 * Compact JWS (RFC 7515 §7.1) signed and verified by a SecKey: the signing input
 * `base64url(header) '.' base64url(payload)` goes to SecKeyCreateSignature /
 * SecKeyVerifySignature with the algorithm's kSecKeyAlgorithm* (algorithms.ts), so the
 * private key never leaves the keychain or the Secure Enclave, and an access-controlled key
 * prompts as it does for any signature.
 */
import { types } from 'node:util';
import { readOptions } from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import { kSecAttrKeyClass, kSecAttrKeyClassPublic } from '../constants.js';
import { paramError, secError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { describeValue, isBytes, proxyError, viewBytes } from '../values.js';
import { defaultAlgorithm, isJwsAlgorithm, JWS_ALGORITHMS, misfit, type JwsAlgorithm } from './algorithms.js';
import { base64url, requireBase64url } from './base64url.js';
import { backendFor, backendOption, requireKey, type BackendOption } from './backend.js';
import { derToRaw, rawToDer } from './ecdsaSignature.js';
import { checkHeader, readHeader, type JwsHeaderParameters, type JwsProtectedHeader } from './header.js';
import { COORDINATE_SIZE, publicKeyOf, type PublicKeyOf } from './jwk.js';
import type { JsonObject } from './json.js';

export interface VerifyOptions extends BackendOption {
  /** The algorithms to accept; default every one the key can verify. */
  algorithms?: readonly JwsAlgorithm[];
}

/** What a JWS that verified says. */
export interface VerifiedJws {
  payload: Buffer;
  protectedHeader: JwsProtectedHeader;
}

function payloadBytes(value: unknown): Buffer {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (isBytes(value)) return viewBytes(value);
  throw paramError(`payload must be a string or a Uint8Array, not ${describeValue(value)}`);
}

/** A key to sign with: its public half, and a check that it is not itself a public key. */
export async function signingKey(key: SecHandle, what: string, backend: Backend): Promise<PublicKeyOf> {
  // The key class tells a public key before SecKeyCreateSignature would refuse it with a message
  // about the algorithm. A file-based key may report it as a number: compared as text.
  const keyClass = (await backend.SecKeyCopyAttributes(key))[kSecAttrKeyClass];
  if (keyClass !== undefined && String(keyClass) === kSecAttrKeyClassPublic) {
    throw paramError(`${what} is a public key; signing needs its private key`);
  }
  return publicKeyOf(key, what, backend);
}

/**
 * Signs `header` (checked, without `alg` or with the one to use) and `payload` with `key`,
 * whose public half is `signer`. The header is serialized with `alg` first.
 */
export async function signCompact(key: SecHandle, signer: PublicKeyOf, payload: Buffer, header: JsonObject, headerPath: string, backend: Backend): Promise<string> {
  const alg = (header.alg as JwsAlgorithm | undefined) ?? defaultAlgorithm(signer.jwk);
  const wrong = misfit(alg, signer.jwk);
  if (wrong) throw paramError(`${headerPath}.alg: ${wrong}`);
  const protectedHeader = base64url(JSON.stringify({ alg, ...header }));
  const signingInput = `${protectedHeader}.${base64url(payload)}`;
  const row = JWS_ALGORITHMS[alg];
  let signature = await backend.SecKeyCreateSignature(key, row.secKeyAlgorithm, Buffer.from(signingInput, 'ascii'));
  if (row.kty === 'EC') signature = derToRaw(signature, COORDINATE_SIZE[row.crv]);
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * A compact JWS of `payload` (bytes, or a string as its UTF-8 bytes) signed by the private key
 * `key`. The algorithm is `protectedHeader.alg`, or the key's: ES256, ES384 or ES512 for a
 * P-256, P-384 or P-521 key (a Secure Enclave key is P-256), RS256 for an RSA key (PS256 and the
 * others when asked for). An algorithm the key cannot do is errSecParam, as is an RSA key of
 * fewer than 2048 bits (RFC 7518 §3.3).
 */
export async function sign(key: SecHandle, payload: Uint8Array | string, protectedHeader: JwsHeaderParameters = {}, options?: BackendOption): Promise<string> {
  const k = requireKey(key, 'key');
  const bytes = payloadBytes(payload);
  const header = readHeader(protectedHeader, 'protectedHeader');
  const backend = backendFor(k, 'key', backendOption(readOptions(options, 'options', ['backend']).backend, 'options.backend'));
  return signCompact(k, await signingKey(k, 'key', backend), bytes, header, 'protectedHeader', backend);
}

function readAlgorithms(value: unknown): ReadonlySet<JwsAlgorithm> | undefined {
  if (value === undefined) return undefined;
  if (value !== null && typeof value === 'object' && types.isProxy(value)) throw proxyError('options.algorithms');
  if (!Array.isArray(value) || value.length === 0 || !value.every(isJwsAlgorithm)) {
    throw paramError(`options.algorithms must be a non-empty array of JWS algorithms, not ${describeValue(value)}`);
  }
  return new Set(value);
}

/** The three parts of a compact JWS, decoded; errSecParam naming `jws` for anything else. */
function parseCompact(jws: unknown): { header: JsonObject; encodedHeader: string; encodedPayload: string; payload: Buffer; signature: Buffer } {
  if (typeof jws !== 'string') throw paramError(`jws must be a compact JWS string, not ${describeValue(jws)}`);
  const parts = jws.split('.');
  if (parts.length !== 3) throw paramError(`jws must have three parts separated by "." (RFC 7515 §7.1), not ${parts.length}`);
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  let header: unknown;
  try {
    header = JSON.parse(requireBase64url(encodedHeader, 'the jws header').toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) throw paramError('the jws header is not JSON');
    throw error;
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw paramError('the jws header is not a JSON object');
  checkHeader(header as JsonObject, 'the jws header');
  return {
    header: header as JsonObject, encodedHeader, encodedPayload,
    payload: requireBase64url(encodedPayload, 'the jws payload'),
    signature: requireBase64url(encodedSignature, 'the jws signature'),
  };
}

/**
 * Verifies a compact JWS with `publicKey` (or the public key of a private key) and resolves to
 * its payload and protected header. A signature that does not match rejects with
 * errSecVerifyFailed; a string that is not a compact JWS, an algorithm not supported here or
 * not in `options.algorithms`, or one the key cannot verify, with errSecParam.
 */
export async function verify(publicKey: SecHandle, jws: string, options?: VerifyOptions): Promise<VerifiedJws> {
  const key = requireKey(publicKey, 'publicKey');
  const o = readOptions(options, 'options', ['backend', 'algorithms']);
  const option = backendOption(o.backend, 'options.backend');
  const allowed = readAlgorithms(o.algorithms);
  const { header, encodedHeader, encodedPayload, payload, signature } = parseCompact(jws);
  const alg = header.alg;
  if (!isJwsAlgorithm(alg)) throw paramError('the jws header.alg is missing: a JWS names its algorithm (RFC 7515 §4.1.1)');
  if (allowed && !allowed.has(alg)) throw paramError(`the jws algorithm ${alg} is not one of options.algorithms (${[...allowed].join(', ')})`);
  const backend = backendFor(key, 'publicKey', option);
  const verifier = await publicKeyOf(key, 'publicKey', backend);
  const wrong = misfit(alg, verifier.jwk);
  if (wrong) throw paramError(`the jws header's alg does not fit publicKey: ${wrong}`);
  const row = JWS_ALGORITHMS[alg];
  let checked: Buffer | undefined = signature;
  if (row.kty === 'EC') {
    // JOSE's r‖s back to the DER that SecKeyVerifySignature's X9.62 algorithm reads.
    const size = COORDINATE_SIZE[row.crv];
    checked = rawToDer(signature, size);
    if (!checked) throw secError('errSecVerifyFailed', `the jws signature is not an ${alg} signature (r‖s, ${2 * size} bytes, neither zero)`);
  }
  const valid = await backend.SecKeyVerifySignature(verifier.publicKey, row.secKeyAlgorithm, Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'), checked);
  if (valid !== true) throw secError('errSecVerifyFailed', 'the jws signature does not match');
  return { payload, protectedHeader: header as JwsProtectedHeader };
}
