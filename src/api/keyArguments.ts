/**
 * The argument checks of the SecKey calls, in Apple's argument order: errSecParam naming the
 * argument, before anything reaches a key. The top-level functions (keys.ts) and the
 * emulator's own methods both use them, so a call gets the same answer either way.
 */
import type { SecHandle } from '../handles.js';
import { checkDictionary, type CFDictionary } from '../values.js';
import { requireData, requireHandle, requireInteger, requireString } from './capabilities.js';

const key = (v: unknown, what = 'key'): SecHandle => requireHandle(v, 'SecKey', what);
const algorithm = (v: unknown): string => requireString(v, 'algorithm', true);

export const keyArguments = {
  SecKeyCreateRandomKey: (parameters: unknown) => [checkDictionary(parameters as CFDictionary, 'parameters')] as const,
  SecKeyCopyPublicKey: (k: unknown) => [key(k)] as const,
  SecKeyCopyAttributes: (k: unknown) => [key(k)] as const,
  SecKeyCopyExternalRepresentation: (k: unknown) => [key(k)] as const,
  SecKeyCreateWithData: (keyData: unknown, attributes: unknown) =>
    [requireData(keyData, 'keyData'), checkDictionary(attributes as CFDictionary, 'attributes')] as const,
  SecKeyCreateSignature: (k: unknown, alg: unknown, dataToSign: unknown) =>
    [key(k), algorithm(alg), requireData(dataToSign, 'dataToSign')] as const,
  SecKeyVerifySignature: (k: unknown, alg: unknown, signedData: unknown, signature: unknown) =>
    [key(k), algorithm(alg), requireData(signedData, 'signedData'), requireData(signature, 'signature')] as const,
  SecKeyCreateEncryptedData: (k: unknown, alg: unknown, plaintext: unknown) =>
    [key(k), algorithm(alg), requireData(plaintext, 'plaintext')] as const,
  SecKeyCreateDecryptedData: (k: unknown, alg: unknown, ciphertext: unknown) =>
    [key(k), algorithm(alg), requireData(ciphertext, 'ciphertext')] as const,
  SecKeyCopyKeyExchangeResult: (privateKey: unknown, alg: unknown, publicKey: unknown, parameters: unknown) =>
    [key(privateKey, 'privateKey'), algorithm(alg), key(publicKey, 'publicKey'), checkDictionary(parameters as CFDictionary, 'parameters')] as const,
  SecKeyIsAlgorithmSupported: (k: unknown, operation: unknown, alg: unknown) =>
    [key(k), requireInteger(operation, 'operation'), algorithm(alg)] as const,
};
