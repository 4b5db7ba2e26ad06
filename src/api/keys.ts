import { keychain } from '../backend/select.js';
import type { SecHandle } from '../handles.js';
import { checkDictionary, type CFDictionary, type CFResult } from '../values.js';
import { capability, requireData, requireHandle, requireInteger, requireString } from './capabilities.js';
import { dispatch } from './secitem.js';

/** SecKeyOperationType (SecKey.h). */
export const kSecKeyOperationTypeSign = 0;
export const kSecKeyOperationTypeVerify = 1;
export const kSecKeyOperationTypeEncrypt = 2;
export const kSecKeyOperationTypeDecrypt = 3;
export const kSecKeyOperationTypeKeyExchange = 4;

const key = (v: unknown, what = 'key') => requireHandle(v, 'SecKey', what);
const algorithm = (v: unknown) => requireString(v, 'algorithm', true);

/** Generates a key pair (or key) as `parameters` describe; resolves to the private key. */
export function SecKeyCreateRandomKey(parameters: CFDictionary): Promise<SecHandle> {
  return dispatch(() => {
    const args = [checkDictionary(parameters, 'parameters')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCreateRandomKey')(...args);
  });
}

/** The public key of a key; undefined when it has none. */
export function SecKeyCopyPublicKey(k: SecHandle): Promise<SecHandle | undefined> {
  return dispatch(() => {
    const args = [key(k)] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCopyPublicKey')(...args);
  });
}

export function SecKeyCopyAttributes(k: SecHandle): Promise<Record<string, CFResult>> {
  return dispatch(() => {
    const args = [key(k)] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCopyAttributes')(...args);
  });
}

export function SecKeyCopyExternalRepresentation(k: SecHandle): Promise<Buffer> {
  return dispatch(() => {
    const args = [key(k)] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCopyExternalRepresentation')(...args);
  });
}

export function SecKeyCreateWithData(keyData: Uint8Array, attributes: CFDictionary): Promise<SecHandle> {
  return dispatch(() => {
    const args = [requireData(keyData, 'keyData'), checkDictionary(attributes, 'attributes')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCreateWithData')(...args);
  });
}

export function SecKeyCreateSignature(k: SecHandle, alg: string, dataToSign: Uint8Array): Promise<Buffer> {
  return dispatch(() => {
    const args = [key(k), algorithm(alg), requireData(dataToSign, 'dataToSign')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCreateSignature')(...args);
  });
}

/** Resolves true for a valid signature; a bad signature rejects with Apple's error. */
export function SecKeyVerifySignature(k: SecHandle, alg: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return dispatch(() => {
    const args = [key(k), algorithm(alg), requireData(signedData, 'signedData'), requireData(signature, 'signature')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyVerifySignature')(...args);
  });
}

export function SecKeyCreateEncryptedData(k: SecHandle, alg: string, plaintext: Uint8Array): Promise<Buffer> {
  return dispatch(() => {
    const args = [key(k), algorithm(alg), requireData(plaintext, 'plaintext')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCreateEncryptedData')(...args);
  });
}

export function SecKeyCreateDecryptedData(k: SecHandle, alg: string, ciphertext: Uint8Array): Promise<Buffer> {
  return dispatch(() => {
    const args = [key(k), algorithm(alg), requireData(ciphertext, 'ciphertext')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCreateDecryptedData')(...args);
  });
}

export function SecKeyCopyKeyExchangeResult(privateKey: SecHandle, alg: string, publicKey: SecHandle, parameters: CFDictionary): Promise<Buffer> {
  return dispatch(() => {
    const args = [
    key(privateKey, 'privateKey'), algorithm(alg), key(publicKey, 'publicKey'), checkDictionary(parameters, 'parameters')] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyCopyKeyExchangeResult')(...args);
  });
}

export function SecKeyIsAlgorithmSupported(k: SecHandle, operation: number, alg: string): Promise<boolean> {
  return dispatch(() => {
    const args = [key(k), requireInteger(operation, 'operation'), algorithm(alg)] as const; // checked before the backend is chosen
    return capability(keychain(), 'SecKeyIsAlgorithmSupported')(...args);
  });
}
