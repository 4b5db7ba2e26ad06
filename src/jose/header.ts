/**
 * The JOSE header of a JWS this package makes or reads (RFC 7515 §4.1): the registered
 * parameters it checks, as a table, and the ones it does not implement. Any other member is
 * passed through as the JSON value it is.
 */
import { paramError } from '../errors.js';
import { describeValue } from '../values.js';
import { isJwsAlgorithm, JWS_ALGORITHM_NAMES, type JwsAlgorithm } from './algorithms.js';
import type { PublicJwk } from './jwk.js';
import { readJsonObject, type JsonObject } from './json.js';

/** Header parameters a caller may set; any other member must be a JSON value. */
export interface JwsHeaderParameters {
  /** The algorithm; default the key's (ES256/384/512 by curve, RS256 for RSA). */
  alg?: JwsAlgorithm;
  /** The media type of the whole JWS, e.g. "JWT" or "dpop+jwt" (RFC 7515 §4.1.9). */
  typ?: string;
  /** The media type of the payload (§4.1.10). */
  cty?: string;
  /** A hint naming the key (§4.1.4). */
  kid?: string;
  /** The public key that signed (§4.1.3); only public members. */
  jwk?: PublicJwk;
  jku?: string;
  x5u?: string;
  x5c?: string[];
  x5t?: string;
  'x5t#S256'?: string;
  [parameter: string]: unknown;
}

/** The protected header of a JWS made or verified here: `alg` is always there. */
export type JwsProtectedHeader = JwsHeaderParameters & { alg: JwsAlgorithm };

type Rule = 'algorithm' | 'string' | 'strings' | 'publicJwk' | 'unsupported';

/**
 * What each registered parameter must be. `b64` (RFC 7797) changes how the payload is encoded
 * and `crit` (RFC 7515 §4.1.11) asks the recipient to understand extensions; this package
 * implements neither, so it neither makes nor accepts a JWS that has them.
 */
const PARAMETERS: Readonly<Record<string, Rule>> = {
  alg: 'algorithm',
  typ: 'string', cty: 'string', kid: 'string', jku: 'string', x5u: 'string', x5t: 'string', 'x5t#S256': 'string',
  x5c: 'strings',
  jwk: 'publicJwk',
  b64: 'unsupported', crit: 'unsupported',
};

/** JWK members that hold private or secret key material (RFC 7518 §6.2.2, §6.3.2, §6.4). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

function checkParameter(name: string, value: unknown, path: string): void {
  switch (Object.hasOwn(PARAMETERS, name) ? PARAMETERS[name] : undefined) {
    case 'algorithm':
      if (!isJwsAlgorithm(value)) throw paramError(`${path} must be one of ${JWS_ALGORITHM_NAMES.join(', ')}, not ${describeValue(value)}`);
      return;
    case 'string':
      if (typeof value !== 'string') throw paramError(`${path} must be a string, not ${describeValue(value)}`);
      return;
    case 'strings':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw paramError(`${path} must be an array of strings, not ${describeValue(value)}`);
      return;
    case 'publicJwk': {
      if (value === null || typeof value !== 'object' || Array.isArray(value) || typeof (value as JsonObject).kty !== 'string') {
        throw paramError(`${path} must be a JSON Web Key object with a "kty", not ${describeValue(value)}`);
      }
      const secret = PRIVATE_MEMBERS.find((m) => Object.hasOwn(value, m));
      if (secret) throw paramError(`${path} holds "${secret}", a private key member: a JWS header carries a public key only (RFC 7515 §4.1.3)`);
      return;
    }
    case 'unsupported':
      throw paramError(`${path} is not supported: this package makes and reads only JWS with a base64url payload and no critical extensions`);
  }
}

/** Checks every registered parameter of `header`; `path` names the header in messages. */
export function checkHeader(header: JsonObject, path: string): void {
  for (const name of Object.keys(header)) checkParameter(name, header[name], `${path}.${name}`);
}

/** A header a caller gives to sign: a checked copy. */
export function readHeader(value: unknown, path: string): JsonObject {
  const header = readJsonObject(value, path);
  checkHeader(header, path);
  return header;
}
