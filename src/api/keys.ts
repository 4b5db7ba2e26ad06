import { defaultCalls } from './default.js';

/** SecKeyOperationType (SecKey.h). */
export const kSecKeyOperationTypeSign = 0;
export const kSecKeyOperationTypeVerify = 1;
export const kSecKeyOperationTypeEncrypt = 2;
export const kSecKeyOperationTypeDecrypt = 3;
export const kSecKeyOperationTypeKeyExchange = 4;

// The SecKey calls over the process default backend, in Apple's argument order (SecKey.h);
// each checks its arguments first (arguments.ts), and only then is the backend chosen.

/** Generates a key pair (or key) as `parameters` describe; resolves to the private key. */
export const SecKeyCreateRandomKey = defaultCalls.SecKeyCreateRandomKey;
/** The public key of a key; undefined when it has none. */
export const SecKeyCopyPublicKey = defaultCalls.SecKeyCopyPublicKey;
/** The key's attributes (kSecAttrKeyType, kSecAttrKeySizeInBits, …). */
export const SecKeyCopyAttributes = defaultCalls.SecKeyCopyAttributes;
/** The key's external representation (PKCS#1 for RSA, X9.63 for EC). */
export const SecKeyCopyExternalRepresentation = defaultCalls.SecKeyCopyExternalRepresentation;
/** A key from its external representation and attributes. */
export const SecKeyCreateWithData = defaultCalls.SecKeyCreateWithData;
/** Signs data (or a digest) with a private key and a kSecKeyAlgorithm*. */
export const SecKeyCreateSignature = defaultCalls.SecKeyCreateSignature;
/** Resolves true for a valid signature; a bad signature rejects with Apple's error. */
export const SecKeyVerifySignature = defaultCalls.SecKeyVerifySignature;
/** Encrypts with a public key. */
export const SecKeyCreateEncryptedData = defaultCalls.SecKeyCreateEncryptedData;
/** Decrypts with a private key. */
export const SecKeyCreateDecryptedData = defaultCalls.SecKeyCreateDecryptedData;
/** Key exchange (ECDH, optionally with the X9.63 KDF) between a private and a public key. */
export const SecKeyCopyKeyExchangeResult = defaultCalls.SecKeyCopyKeyExchangeResult;
/** Whether the key supports an algorithm for an operation (kSecKeyOperationType*). */
export const SecKeyIsAlgorithmSupported = defaultCalls.SecKeyIsAlgorithmSupported;
