/**
 * DPoP proofs (RFC 9449, OAuth 2.0 Demonstrating Proof of Possession): a JWT signed by the
 * client's key, sent in the `DPoP` request header, that binds a request (method and URI) — and,
 * with `ath`, an access token — to that key. The key can be a Secure Enclave key: the proof is
 * made with SecKeyCreateSignature and the header carries only the public JWK.
 */
import { createHash, randomBytes } from 'node:crypto';
import { types } from 'node:util';
import { readOptions } from '../arguments.js';
import { paramError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { describeValue, proxyError } from '../values.js';
import { isJwsAlgorithm, JWS_ALGORITHM_NAMES, type JwsAlgorithm } from './algorithms.js';
import { base64url } from './base64url.js';
import { backendFor, backendOption, requireKey, type BackendOption } from './backend.js';
import { signCompact, signingKey } from './jws.js';

export interface DPoPProofOptions extends BackendOption {
  /** The request's HTTP method, e.g. "POST" (the `htm` claim). */
  htm: string;
  /**
   * The request's URI (the `htu` claim). Only http and https; the query and fragment are left
   * out, as RFC 9449 §4.2 says, so the full request URL may be given.
   */
  htu: string | URL;
  /** The nonce the server sent in a `DPoP-Nonce` header (§8, §9), if any. */
  nonce?: string;
  /** The access token the request presents: the proof then carries its hash, `ath` (§4.2). */
  accessToken?: string;
  /** The JWS algorithm; default the key's (ES256 for a P-256 or Secure Enclave key). */
  alg?: JwsAlgorithm;
}

/** The claims of a DPoP proof (RFC 9449 §4.2). */
export interface DPoPClaims {
  jti: string;
  htm: string;
  htu: string;
  iat: number;
  ath?: string;
  nonce?: string;
}

/** An HTTP method is a token (RFC 9110 §9.1, §5.6.2). */
const METHOD = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A DPoP nonce is 1*NQCHAR (RFC 9449 §8.1). */
const NONCE = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
/** An access token is sent in an HTTP header (token68, RFC 9449 §7.1): visible ASCII, hashed as ASCII. */
const ACCESS_TOKEN = /^[\x21-\x7e]+$/;

/** The `htu` claim: the URI without query and fragment (§4.2), http or https only. */
function targetUri(value: unknown): string {
  if (value !== null && typeof value === 'object' && types.isProxy(value)) throw proxyError('options.htu');
  let url: URL;
  if (value instanceof URL) url = new URL(value.href);
  else if (typeof value === 'string') {
    try {
      url = new URL(value);
    } catch {
      throw paramError(`options.htu must be an absolute http or https URI, not ${describeValue(value)}`);
    }
  } else throw paramError(`options.htu must be a string or a URL, not ${describeValue(value)}`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw paramError(`options.htu must be an http or https URI, not ${describeValue(url.href)}`);
  if (url.username !== '' || url.password !== '') throw paramError('options.htu must not hold a user name or password (RFC 9110 §4.2.4)');
  return `${url.origin}${url.pathname}`;
}

function matching(value: unknown, pattern: RegExp, what: string, rule: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw paramError(`${what} must be ${rule}, not ${describeValue(value)}`);
  return value;
}

/**
 * A DPoP proof JWT for one request (RFC 9449 §4.2), to send as the `DPoP` header: header
 * `{ alg, typ: "dpop+jwt", jwk }` with the key's public JWK; claims `jti` (128 random bits),
 * `htm`, `htu`, `iat` (now, in seconds), and `ath` (base64url SHA-256 of the access token) and
 * `nonce` when given. `key` is the private key; an access-controlled key prompts as it does
 * for any signature.
 */
export async function createDPoPProof(key: SecHandle, options: DPoPProofOptions): Promise<string> {
  const k = requireKey(key, 'key');
  const o = readOptions(options, 'options', ['htm', 'htu', 'nonce', 'accessToken', 'alg', 'backend']);
  const option = backendOption(o.backend, 'options.backend');
  const htm = matching(o.htm, METHOD, 'options.htm', 'an HTTP method such as "POST"');
  const htu = targetUri(o.htu);
  const nonce = o.nonce === undefined ? undefined : matching(o.nonce, NONCE, 'options.nonce', 'the server\'s nonce (1*NQCHAR, RFC 9449 §8.1)');
  const accessToken = o.accessToken === undefined ? undefined : matching(o.accessToken, ACCESS_TOKEN, 'options.accessToken', 'an access token (visible ASCII characters)');
  if (o.alg !== undefined && !isJwsAlgorithm(o.alg)) throw paramError(`options.alg must be one of ${JWS_ALGORITHM_NAMES.join(', ')}, not ${describeValue(o.alg)}`);

  const backend = backendFor(k, 'key', option);
  const signer = await signingKey(k, 'key', backend);
  const claims: DPoPClaims = { jti: randomBytes(16).toString('base64url'), htm, htu, iat: Math.floor(Date.now() / 1000) };
  if (accessToken !== undefined) claims.ath = base64url(createHash('sha256').update(accessToken, 'ascii').digest());
  if (nonce !== undefined) claims.nonce = nonce;
  const header = { ...(o.alg === undefined ? {} : { alg: o.alg }), typ: 'dpop+jwt', jwk: { ...signer.jwk } };
  return signCompact(k, signer, Buffer.from(JSON.stringify(claims), 'utf8'), header, 'options', backend);
}
