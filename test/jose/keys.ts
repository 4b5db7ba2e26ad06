// Keys for the jose tests: made by an emulator, and their node:crypto twins read from the
// bytes the emulator exports (not from this package's JWK code, which is what is tested).
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import {
  kSecAttrKeySizeInBits, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeyTypeRSA,
  type Emulator, type SecHandle,
} from '../../src/index.js';

export type KeyName = 'P-256' | 'P-384' | 'P-521' | 'RSA-2048' | 'RSA-3072';

const PARAMETERS: Record<KeyName, [string, number]> = {
  'P-256': [kSecAttrKeyTypeECSECPrimeRandom, 256],
  'P-384': [kSecAttrKeyTypeECSECPrimeRandom, 384],
  'P-521': [kSecAttrKeyTypeECSECPrimeRandom, 521],
  'RSA-2048': [kSecAttrKeyTypeRSA, 2048],
  'RSA-3072': [kSecAttrKeyTypeRSA, 3072],
};

export function makeKey(emulator: Emulator, name: KeyName, extra: Record<string, unknown> = {}): Promise<SecHandle> {
  const [type, bits] = PARAMETERS[name];
  return emulator.SecKeyCreateRandomKey({ [kSecAttrKeyType]: type, [kSecAttrKeySizeInBits]: bits, ...extra } as never);
}

/** SubjectPublicKeyInfo DER headers for an uncompressed point (RFC 5480), by point length. */
const SPKI_PREFIX: Record<number, string> = {
  65: '3059301306072a8648ce3d020106082a8648ce3d030107034200',
  97: '3076301006072a8648ce3d020106052b81040022036200',
  133: '30819b301006072a8648ce3d020106052b8104002303818600',
};

/** The public key as node:crypto reads Apple's external representation (X9.63 point or PKCS #1). */
export async function nodePublicKey(emulator: Emulator, key: SecHandle): Promise<KeyObject> {
  const publicKey = (await emulator.SecKeyCopyPublicKey(key))!;
  const data = await emulator.SecKeyCopyExternalRepresentation(publicKey);
  if (data[0] === 0x04) return createPublicKey({ key: Buffer.concat([Buffer.from(SPKI_PREFIX[data.length]!, 'hex'), data]), format: 'der', type: 'spki' });
  return createPublicKey({ key: data, format: 'der', type: 'pkcs1' });
}

/** The private key as node:crypto reads it (emulator keys only: a keychain key never leaves). */
export async function nodePrivateKey(emulator: Emulator, key: SecHandle): Promise<KeyObject> {
  const data = await emulator.SecKeyCopyExternalRepresentation(key);
  if (data[0] !== 0x04) return createPrivateKey({ key: data, format: 'der', type: 'pkcs1' });
  const size = (data.length - 1) / 3;
  const crv = { 32: 'P-256', 48: 'P-384', 66: 'P-521' }[size]!;
  const part = (i: number) => data.subarray(1 + i * size, 1 + (i + 1) * size).toString('base64url');
  return createPrivateKey({ key: { kty: 'EC', crv, x: part(0), y: part(1), d: part(2) }, format: 'jwk' });
}
