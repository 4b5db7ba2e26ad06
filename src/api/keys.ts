import { keychain } from '../backend/select.js';
import type { SecHandle } from '../handles.js';
import type { CFDictionary, CFResult } from '../values.js';
import { capability } from './capabilities.js';
import { keyArguments } from './keyArguments.js';
import { dispatch } from './secitem.js';

/** SecKeyOperationType (SecKey.h). */
export const kSecKeyOperationTypeSign = 0;
export const kSecKeyOperationTypeVerify = 1;
export const kSecKeyOperationTypeEncrypt = 2;
export const kSecKeyOperationTypeDecrypt = 3;
export const kSecKeyOperationTypeKeyExchange = 4;

// Each call checks its arguments first, and only then chooses the backend (keyArguments.ts):
// bad input is errSecParam whatever the backend.

/** Generates a key pair (or key) as `parameters` describe; resolves to the private key. */
export function SecKeyCreateRandomKey(parameters: CFDictionary): Promise<SecHandle> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCreateRandomKey(parameters);
    return capability(keychain(), 'SecKeyCreateRandomKey')(...args);
  });
}

/** The public key of a key; undefined when it has none. */
export function SecKeyCopyPublicKey(k: SecHandle): Promise<SecHandle | undefined> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCopyPublicKey(k);
    return capability(keychain(), 'SecKeyCopyPublicKey')(...args);
  });
}

export function SecKeyCopyAttributes(k: SecHandle): Promise<Record<string, CFResult>> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCopyAttributes(k);
    return capability(keychain(), 'SecKeyCopyAttributes')(...args);
  });
}

export function SecKeyCopyExternalRepresentation(k: SecHandle): Promise<Buffer> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCopyExternalRepresentation(k);
    return capability(keychain(), 'SecKeyCopyExternalRepresentation')(...args);
  });
}

export function SecKeyCreateWithData(keyData: Uint8Array, attributes: CFDictionary): Promise<SecHandle> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCreateWithData(keyData, attributes);
    return capability(keychain(), 'SecKeyCreateWithData')(...args);
  });
}

export function SecKeyCreateSignature(k: SecHandle, alg: string, dataToSign: Uint8Array): Promise<Buffer> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCreateSignature(k, alg, dataToSign);
    return capability(keychain(), 'SecKeyCreateSignature')(...args);
  });
}

/** Resolves true for a valid signature; a bad signature rejects with Apple's error. */
export function SecKeyVerifySignature(k: SecHandle, alg: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean> {
  return dispatch(() => {
    const args = keyArguments.SecKeyVerifySignature(k, alg, signedData, signature);
    return capability(keychain(), 'SecKeyVerifySignature')(...args);
  });
}

export function SecKeyCreateEncryptedData(k: SecHandle, alg: string, plaintext: Uint8Array): Promise<Buffer> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCreateEncryptedData(k, alg, plaintext);
    return capability(keychain(), 'SecKeyCreateEncryptedData')(...args);
  });
}

export function SecKeyCreateDecryptedData(k: SecHandle, alg: string, ciphertext: Uint8Array): Promise<Buffer> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCreateDecryptedData(k, alg, ciphertext);
    return capability(keychain(), 'SecKeyCreateDecryptedData')(...args);
  });
}

export function SecKeyCopyKeyExchangeResult(privateKey: SecHandle, alg: string, publicKey: SecHandle, parameters: CFDictionary): Promise<Buffer> {
  return dispatch(() => {
    const args = keyArguments.SecKeyCopyKeyExchangeResult(privateKey, alg, publicKey, parameters);
    return capability(keychain(), 'SecKeyCopyKeyExchangeResult')(...args);
  });
}

export function SecKeyIsAlgorithmSupported(k: SecHandle, operation: number, alg: string): Promise<boolean> {
  return dispatch(() => {
    const args = keyArguments.SecKeyIsAlgorithmSupported(k, operation, alg);
    return capability(keychain(), 'SecKeyIsAlgorithmSupported')(...args);
  });
}
