// A DPoP proof verifier written from RFC 9449 §4.3 ("Checking DPoP Proofs"), each check
// numbered as in the RFC, on top of the jose package. It is the tests' oracle: it knows nothing
// of this package.
import { createHash } from 'node:crypto';
import * as jose from 'jose';

export interface DPoPRequest {
  /** The DPoP header field values the request carried (check 1). */
  dpop: string | string[] | undefined;
  method: string;
  url: string;
  /** The nonce the server gave the client, when it wants one (check 10). */
  nonce?: string;
  /** The access token the request presented, and the thumbprint it is bound to (check 12). */
  accessToken?: { value: string; jkt: string };
  /** The server's clock, in seconds; default now. */
  now?: number;
  /** jti values already seen in the window (RFC 9449 §11.1, replay). */
  seen?: Set<string>;
}

/** The asymmetric algorithms this server accepts (check 5). */
const ACCEPTED = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** How far iat may be from the server's clock (check 11): a few seconds to a few minutes. */
const WINDOW_SECONDS = 60;

/** A failed check; `rule` is "4.3 (n)" for the n-th check of §4.3, or "11.1" for a replay. */
export class DPoPError extends Error {
  constructor(readonly rule: string, message: string) {
    super(`RFC 9449 §${rule}: ${message}`);
  }
}

const fail = (check: number | '11.1', message: string): never => {
  throw new DPoPError(check === '11.1' ? check : `4.3 (${check})`, message);
};

/** RFC 9449 §4.2 htu comparison (§4.3 check 9): the URI without query and fragment, normalized (RFC 3986 §6). */
function withoutQuery(uri: string): string {
  const u = new URL(uri);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

/** Every check of §4.3; resolves to the proof's key thumbprint (jkt) and claims. */
export async function checkDPoPProof(request: DPoPRequest): Promise<{ jkt: string; claims: jose.JWTPayload }> {
  // 1. exactly one DPoP HTTP request header field
  if (request.dpop === undefined || (Array.isArray(request.dpop) && request.dpop.length !== 1)) fail(1, 'not exactly one DPoP header');
  const proof = Array.isArray(request.dpop) ? request.dpop[0]! : request.dpop!;
  // 2. the DPoP header field value is a single well-formed JWT
  let header: jose.ProtectedHeaderParameters;
  let claims: jose.JWTPayload;
  try {
    header = jose.decodeProtectedHeader(proof);
    claims = jose.decodeJwt(proof);
  } catch (error) {
    return fail(2, `not a well-formed JWT (${(error as Error).message})`);
  }
  if (proof.split('.').length !== 3) fail(2, 'not a compact JWS');
  // 3. all required claims per §4.2 are contained in the JWT
  for (const name of ['typ', 'alg', 'jwk'] as const) if (header[name] === undefined) fail(3, `header ${name} missing`);
  for (const name of ['jti', 'htm', 'htu', 'iat']) if (claims[name] === undefined) fail(3, `claim ${name} missing`);
  if (typeof claims.jti !== 'string' || claims.jti.length < 16) fail(3, 'jti is not a unique identifier with enough entropy');
  // 4. the typ JOSE header parameter has the value dpop+jwt
  if (header.typ !== 'dpop+jwt') fail(4, `typ is ${String(header.typ)}`);
  // 5. the alg is an asymmetric algorithm, not none, supported and acceptable
  if (!ACCEPTED.includes(header.alg!)) fail(5, `alg ${String(header.alg)} is not acceptable`);
  // 7. the jwk JOSE header parameter does not contain a private key
  const jwk = header.jwk as jose.JWK;
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) fail(7, 'jwk holds a private key');
  // 6. the JWT signature verifies with the public key contained in the jwk JOSE header parameter
  try {
    await jose.compactVerify(proof, await jose.importJWK(jwk, header.alg), { algorithms: ACCEPTED });
  } catch (error) {
    fail(6, `the signature does not verify with the jwk header (${(error as Error).message})`);
  }
  // 8. the htm claim matches the HTTP method of the current request
  if (claims.htm !== request.method) fail(8, `htm ${String(claims.htm)} is not ${request.method}`);
  // 9. the htu claim matches the HTTP URI of the current request, ignoring query and fragment
  if (typeof claims.htu !== 'string' || withoutQuery(claims.htu) !== withoutQuery(request.url)) fail(9, `htu ${String(claims.htu)} is not ${request.url}`);
  if (typeof claims.htu === 'string' && /[?#]/.test(claims.htu)) fail(9, 'htu holds a query or fragment (§4.2)');
  // 10. if the server provided a nonce value to the client, the nonce claim matches it
  if (request.nonce !== undefined && claims.nonce !== request.nonce) fail(10, `nonce ${String(claims.nonce)} is not the server's`);
  // 11. the creation time of the JWT (iat) is within an acceptable window
  const now = request.now ?? Math.floor(Date.now() / 1000);
  if (typeof claims.iat !== 'number' || !Number.isInteger(claims.iat) || Math.abs(now - claims.iat) > WINDOW_SECONDS) fail(11, `iat ${String(claims.iat)} is outside the window`);
  // 12. if presented with an access token: ath equals its hash, and the token is bound to this key
  const jkt = await jose.calculateJwkThumbprint(jwk);
  if (request.accessToken) {
    const ath = createHash('sha256').update(request.accessToken.value, 'ascii').digest('base64url');
    if (claims.ath !== ath) fail(12, 'ath is not the hash of the access token');
    if (request.accessToken.jkt !== jkt) fail(12, 'the access token is bound to another key');
  }
  // §11.1: a proof is used once.
  if (request.seen) {
    if (request.seen.has(claims.jti!)) fail('11.1', 'jti replayed');
    request.seen.add(claims.jti!);
  }
  return { jkt, claims };
}
