/**
 * SecKey on the emulator: elliptic-curve (P-256, P-384, P-521) and RSA keys held in memory,
 * with Apple's parameters, algorithm identifiers, data formats and status codes
 * (spec/semantics.md section 16; SecKey.h's documentation of each algorithm; Apple's
 * SecKey.m, SecKeyAdaptors.m, SecECKey.m, SecRSAKey.c and, for file-based keys,
 * libsecurity_keychain's SecKey.cpp), computed with node:crypto. `kSecAttrIsPermanent: true`
 * stores the halves through the keychain the key belongs to (16.5).
 *
 * This file holds the SecKey calls. The key model and its external representation are in
 * keyModel.ts, the generation parameters in keyParameters.ts, the algorithm table in
 * keyAlgorithms.ts and the KDF and AES-GCM pieces in keyCiphers.ts; keys as keychain items in
 * keyItems.ts.
 */
import {
  constants, diffieHellman, generateKeyPair, generateKeyPairSync, privateDecrypt, privateEncrypt, publicDecrypt, publicEncrypt,
  randomBytes, sign as cryptoSign, verify as cryptoVerify, type KeyObject,
} from 'node:crypto';
import { promisify } from 'node:util';
import { paramError, secError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { describeKey, type CFDictionary, type CFResult } from '../values.js';
import { authenticate, constraintsOf } from './accessControl.js';
import { decodeDer, decodePoint, decodeRaw, encodeDer, encodeRaw, signDigest, verifyDigest } from './ecdsa.js';
import { HASH_LENGTH, OPERATIONS, requireAlgorithm, supportedAlgorithm, type Hash } from './keyAlgorithms.js';
import { MAX_KDF_HASHED, MAX_KDF_OUTPUT, eciesKeys, gcmOpen, gcmSeal, pkcs1Unpad, x963Cost, x963Kdf } from './keyCiphers.js';
import {
  CURVES_BY_SIZE, SECURE_ENCLAVE, blockSize, curveOf, ecPoint, ecPublicKey, ecScalar, emulatedKey, externalRepresentation,
  keyAttributes, keyFromExternalRepresentation, keyHandle, sealed, type EmulatedKey, type KeyEnvironment,
} from './keyModel.js';
import { importedKey, makeKeyPair, readKeyDataClass, readRandomKeyRequest } from './keyParameters.js';
import { digestInfo, emsaPssEncode, emsaPssVerify } from './rsaPadding.js';

export type { KeyEnvironment } from './keyModel.js';

const generateKeyPairAsync = promisify(generateKeyPair);

// ── creating and reading keys (spec 16.1, 16.2, 16.5) ──────────────────────────────────────

/** SecKeyCreateRandomKey (spec 16.1, 16.2, 16.5). */
export async function createRandomKey(parameters: CFDictionary, env: KeyEnvironment): Promise<SecHandle> {
  const request = readRandomKeyRequest(parameters, env);
  // Generated off the event loop: a 4096-bit RSA key takes a while.
  const pair = request.type === 'ec'
    ? await generateKeyPairAsync('ec', { namedCurve: CURVES_BY_SIZE[request.bits]!.node })
    : await generateKeyPairAsync('rsa', { modulusLength: request.bits });
  const privateKey = makeKeyPair(request, pair.privateKey, pair.publicKey);
  const handle = keyHandle(privateKey);
  // Permanent halves go into the keychain, the public one first; a failed add fails the
  // call and leaves what was added before it (SecKey.m SecKeyCreateRandomKey, add_key).
  const { public: pub, private: priv } = request.store;
  if (pub) env.storeKey({ ...pub, v_Ref: privateKey.publicHandle! });
  if (priv) env.storeKey({ ...priv, v_Ref: handle });
  return handle;
}

/** SecKeyCreateWithData: a key from its external representation (SecKey.h). */
export function createKeyWithData(keyData: Uint8Array, attributes: CFDictionary): SecHandle {
  const { type, keyClass } = readKeyDataClass(attributes);
  const material = keyFromExternalRepresentation(type, keyClass, Buffer.from(keyData));
  return keyHandle(importedKey(attributes, type, keyClass, material));
}

/** SecKeyCopyPublicKey: the private key's public half; a public key is its own. */
export function copyPublicKey(handle: SecHandle): SecHandle {
  const key = emulatedKey(handle, 'key');
  return key.keyClass === 'public' ? handle : key.publicHandle!;
}

/**
 * SecKeyCopyExternalRepresentation. A Secure Enclave private key never leaves it (16.3); a
 * non-extractable file-based key answers errSecDataNotAvailable (SecImportExportCrypto.cpp).
 */
export function copyExternalRepresentation(handle: SecHandle): Buffer {
  const key = emulatedKey(handle, 'key');
  if (key.keyClass === 'private' && key.token === SECURE_ENCLAVE) {
    throw secError('errSecUnimplemented', 'a Secure Enclave private key cannot be exported');
  }
  if (sealed(key)) throw secError('errSecDataNotAvailable', 'the key was created with kSecAttrIsExtractable: false');
  return externalRepresentation(key);
}

/**
 * SecKeyCopyAttributes: a data protection key reports the dictionary of SecKey.m, a file-based
 * key that of SecKey.cpp (keyAttributes).
 */
export function copyAttributes(handle: SecHandle): Record<string, CFResult> {
  return keyAttributes(emulatedKey(handle, 'key'));
}

// ── using keys (SecKey.h algorithms; spec 16.3, 16.4) ──────────────────────────────────────

/** SecKeyIsAlgorithmSupported. */
export function isAlgorithmSupported(handle: SecHandle, operation: number, algorithm: string): boolean {
  const key = emulatedKey(handle, 'key');
  const op = OPERATIONS[operation];
  if (op === undefined) throw paramError(`operation ${operation} is not a SecKeyOperationType`);
  return supportedAlgorithm(key, op, algorithm) !== undefined;
}

function requireDigestLength(hash: Hash | null, input: Uint8Array, what: string): void {
  if (hash && input.length !== HASH_LENGTH[hash]) {
    throw paramError(`${what} must be a ${hash.toUpperCase()} digest (${HASH_LENGTH[hash]} bytes), not ${input.length} bytes`);
  }
}

/** A private operation on an access-controlled key asks the simulated user first (spec 10, 11). */
function authorize(key: EmulatedKey, env: KeyEnvironment, reason: string): void {
  if (!key.accessControl || constraintsOf(key.accessControl).length === 0) return;
  authenticate(key.accessControl, reason, env.user, env.passcodeSet, env.prompts, key.context);
}

function leftPad(data: Uint8Array, length: number, what: string): Buffer {
  if (data.length > length) throw paramError(`${what} is longer than the key's block size (${length} bytes)`);
  return Buffer.concat([Buffer.alloc(length - data.length), data]);
}

function rsaRaw(run: () => Buffer, what: string): Buffer {
  try {
    return run();
  } catch (error) {
    throw paramError(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** SecKeyCreateSignature. */
export function createSignature(handle: SecHandle, algorithm: string, data: Uint8Array, env: KeyEnvironment): Buffer {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'sign', algorithm);
  if (alg.operation !== 'sign') throw paramError(`algorithm ${algorithm} does not sign`);
  const input = Buffer.from(data);
  authorize(key, env, 'sign with the key');
  const privateKey = key.privateKey!;
  switch (alg.padding) {
    case 'none': { // ECDSA
      const { curve } = curveOf(key);
      const dsaEncoding = alg.format === 'x962-der' ? 'der' : 'ieee-p1363';
      if (alg.input === 'message') return cryptoSign(alg.digest, input, { key: privateKey, dsaEncoding });
      requireDigestLength(alg.digest, input, 'dataToSign');
      const { r, s } = signDigest(curve, ecScalar(privateKey), input);
      return alg.format === 'x962-der' ? encodeDer(r, s) : encodeRaw(curve, r, s);
    }
    case 'pkcs1v15':
      if (alg.input === 'message') return cryptoSign(alg.digest, input, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
      requireDigestLength(alg.digest, input, 'dataToSign');
      // DigestPKCS1v15Raw takes the DigestInfo from the caller; the hashed variants build it.
      return rsaRaw(() => privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        alg.digest ? digestInfo(alg.digest, input) : input), 'dataToSign');
    case 'pss': {
      const saltLength = HASH_LENGTH[alg.digest];
      if (alg.input === 'message') {
        return rsaRaw(() => cryptoSign(alg.digest, input, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }), 'dataToSign');
      }
      requireDigestLength(alg.digest, input, 'dataToSign');
      return rsaRaw(() => privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING },
        leftPad(emsaPssEncode(alg.digest, input, key.bits - 1, saltLength), blockSize(key), 'the encoded message')), 'dataToSign');
    }
    case 'raw':
      // Raw RSA: the input must be exactly one block (SecKey.h).
      if (input.length !== blockSize(key)) throw paramError(`dataToSign must be ${blockSize(key)} bytes for raw RSA, not ${input.length}`);
      return rsaRaw(() => privateEncrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input), 'dataToSign');
  }
}

/**
 * SecKeyVerifySignature: true, or errSecVerifyFailed for a signature that does not match
 * (SecKey.h: "false with error set" — the backends reject with it).
 */
export function verifySignature(handle: SecHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): boolean {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'verify', algorithm);
  if (alg.operation !== 'sign') throw paramError(`algorithm ${algorithm} does not verify`);
  const input = Buffer.from(signedData);
  const sig = Buffer.from(signature);
  // An RSA private key runs the check with its private exponent, which never matches (keyFits in keyAlgorithms.ts).
  if (key.keyClass === 'private') throw secError('errSecVerifyFailed', 'an RSA private key does not verify signatures; use its public key');
  const publicKey = key.publicKey;
  let valid = false;
  switch (alg.padding) {
    case 'none': { // ECDSA
      const { curve, bytes } = curveOf(key);
      if (alg.input === 'message') {
        const dsaEncoding = alg.format === 'x962-der' ? 'der' : 'ieee-p1363';
        valid = openSignature(() => cryptoVerify(alg.digest, input, { key: publicKey, dsaEncoding }, sig)) ?? false;
      } else {
        requireDigestLength(alg.digest, input, 'signedData');
        const rs = alg.format === 'x962-der' ? decodeDer(sig) : decodeRaw(curve, sig);
        valid = rs !== undefined && verifyDigest(curve, decodePoint(curve, ecPoint(publicKey, bytes))!, input, rs);
      }
      break;
    }
    case 'pkcs1v15':
      if (alg.input === 'message') {
        valid = openSignature(() => cryptoVerify(alg.digest, input, { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig)) ?? false;
      } else if (!alg.digest || input.length === HASH_LENGTH[alg.digest]) {
        // A digest of the wrong length just does not verify (Apple checks no length here).
        const expected = alg.digest ? digestInfo(alg.digest, input) : input;
        valid = openSignature(() => publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig))?.equals(expected) ?? false;
      }
      break;
    case 'pss': {
      const saltLength = HASH_LENGTH[alg.digest];
      if (alg.input === 'message') {
        valid = openSignature(() => cryptoVerify(alg.digest, input, { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig)) ?? false;
      } else if (input.length === HASH_LENGTH[alg.digest]) {
        const block = openSignature(() => publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sig));
        const emLength = Math.ceil((key.bits - 1) / 8);
        valid = block !== undefined && emsaPssVerify(alg.digest, input, block.subarray(block.length - emLength), key.bits - 1, saltLength);
      }
      break;
    }
    case 'raw':
      valid = openSignature(() => publicDecrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, sig))?.equals(leftPad(input, blockSize(key), 'signedData')) ?? false;
      break;
  }
  if (!valid) throw secError('errSecVerifyFailed', 'the signature does not match the data and the key');
  return true;
}

function openSignature<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch {
    return undefined; // not a signature of this key at all: a failed verification, not bad input
  }
}

/** SecKeyCreateEncryptedData. */
export function createEncryptedData(handle: SecHandle, algorithm: string, plaintext: Uint8Array): Buffer {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'encrypt', algorithm);
  if (alg.operation !== 'encrypt') throw paramError(`algorithm ${algorithm} does not encrypt`);
  const input = Buffer.from(plaintext);
  const publicKey = key.publicKey;
  const k = blockSize(key);
  switch (alg.padding) {
    case 'raw':
      return rsaRaw(() => publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, leftPad(input, k, 'plaintext')), 'plaintext');
    case 'pkcs1v15':
      if (input.length > k - 11) throw paramError(`plaintext is too long for PKCS #1 v1.5 with this key (at most ${k - 11} bytes)`);
      return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, input);
    case 'oaep': {
      const limit = k - 2 * HASH_LENGTH[alg.digest] - 2;
      if (alg.format === 'oaep') {
        if (input.length > limit) throw paramError(`plaintext is too long for OAEP with this key (at most ${limit} bytes)`);
        return publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.digest }, input);
      }
      // SecKey.h: a random AES session key (256-bit for 4096-bit RSA and larger, else 128-bit)
      // wrapped with OAEP, the data in AES-GCM with an all-zero 16-byte IV and the raw public
      // key as additional data, the 16-byte tag appended.
      const sessionKey = randomBytes(key.bits >= 4096 ? 32 : 16);
      const wrapped = publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.digest }, sessionKey);
      const { ciphertext, tag } = gcmSeal(sessionKey, Buffer.alloc(16), input, publicKey.export({ format: 'der', type: 'pkcs1' }));
      return Buffer.concat([wrapped, ciphertext, tag]);
    }
    case 'none': { // ECIES
      const { node, bytes } = curveOf(key);
      const ephemeral = generateKeyPairSync('ec', { namedCurve: node });
      const ephemeralPoint = ecPoint(ephemeral.publicKey, bytes);
      const secret = diffieHellman({ privateKey: ephemeral.privateKey, publicKey });
      const { aesKey, iv } = eciesKeys(alg, key.bits, secret, ephemeralPoint);
      const { ciphertext, tag } = gcmSeal(aesKey, iv, input);
      return Buffer.concat([ephemeralPoint, ciphertext, tag]);
    }
  }
}

/** SecKeyCreateDecryptedData. */
export function createDecryptedData(handle: SecHandle, algorithm: string, ciphertext: Uint8Array, env: KeyEnvironment): Buffer {
  const key = emulatedKey(handle, 'key');
  const alg = requireAlgorithm(key, 'decrypt', algorithm);
  if (alg.operation !== 'encrypt') throw paramError(`algorithm ${algorithm} does not decrypt`);
  const input = Buffer.from(ciphertext);
  authorize(key, env, 'decrypt with the key');
  const privateKey = key.privateKey!;
  const k = blockSize(key);
  // Apple reports every ciphertext that does not decrypt as errSecParam (SecKeyAdaptors.m, SecRSAKey.c).
  const failed = () => paramError('the ciphertext does not decrypt with this key and algorithm');
  switch (alg.padding) {
    case 'raw':
      if (input.length !== k) throw paramError(`ciphertext must be ${k} bytes for raw RSA, not ${input.length}`);
      return rsaRaw(() => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input), 'ciphertext');
    case 'pkcs1v15': {
      if (input.length !== k) throw paramError(`ciphertext must be ${k} bytes, not ${input.length}`);
      // Unpadded by hand: recent Node refuses PKCS #1 v1.5 in privateDecrypt (implicit rejection).
      const plain = pkcs1Unpad(rsaRaw(() => privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, input), 'ciphertext'));
      if (!plain) throw failed();
      return Buffer.from(plain);
    }
    case 'oaep': {
      const open = (data: Buffer) => {
        try {
          return privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: alg.digest }, data);
        } catch {
          throw failed();
        }
      };
      if (alg.format === 'oaep') return open(input);
      if (input.length < k + 16) throw failed();
      const sessionKey = open(input.subarray(0, k));
      if (sessionKey.length !== (key.bits >= 4096 ? 32 : 16)) throw failed();
      const plain = gcmOpen(sessionKey, Buffer.alloc(16), input.subarray(k, input.length - 16), input.subarray(input.length - 16),
        key.publicKey.export({ format: 'der', type: 'pkcs1' }));
      if (!plain) throw failed();
      return plain;
    }
    case 'none': { // ECIES
      const { curve, bytes } = curveOf(key);
      const pointLength = 1 + 2 * bytes;
      if (input.length < pointLength + 16) throw failed();
      const ephemeralPoint = input.subarray(0, pointLength);
      let ephemeral: KeyObject;
      try {
        ephemeral = ecPublicKey(curve, ephemeralPoint);
      } catch {
        throw failed();
      }
      const secret = diffieHellman({ privateKey, publicKey: ephemeral });
      const { aesKey, iv } = eciesKeys(alg, key.bits, secret, ephemeralPoint);
      const plain = gcmOpen(aesKey, iv, input.subarray(pointLength, input.length - 16), input.subarray(input.length - 16));
      if (!plain) throw failed();
      return plain;
    }
  }
}

/** SecKeyCopyKeyExchangeResult (ECDH, with or without the X9.63 KDF; SecKey.h). */
export function copyKeyExchangeResult(
  privateHandle: SecHandle, algorithm: string, publicHandle: SecHandle, parameters: CFDictionary, env: KeyEnvironment,
): Buffer {
  const key = emulatedKey(privateHandle, 'privateKey');
  const peer = emulatedKey(publicHandle, 'publicKey');
  const alg = requireAlgorithm(key, 'keyExchange', algorithm);
  if (alg.operation !== 'keyExchange') throw paramError(`algorithm ${algorithm} is not a key exchange`);
  if (peer.type !== 'ec' || peer.bits !== key.bits || peer.keyClass !== 'public') {
    throw paramError('publicKey must be an elliptic-curve public key on the same curve as privateKey');
  }
  // "does not accept any parameters" (SecKey.h) for plain ECDH; the KDF's are read before the
  // key is used, so a refused size never prompts (docs/emulator-differences.md).
  const kdf = alg.format === 'x963-kdf' ? kdfParameters(alg.digest, curveOf(key).bytes, parameters, algorithm) : undefined;
  authorize(key, env, 'use the key for a key exchange');
  const secret = diffieHellman({ privateKey: key.privateKey!, publicKey: peer.publicKey });
  return kdf === undefined ? secret : x963Kdf(kdf.hash, secret, kdf.size, kdf.sharedInfo);
}

/**
 * SecKeyCopyKeyExchangeResult's X9.63 parameters (SecKeyAdaptors.m SecKeyECDHCopyX963Result):
 * kSecKeyKeyExchangeParameterRequestedSize a CFNumber read as a positive CFIndex (a bigint is
 * a CFNumber too), at most MAX_KDF_OUTPUT bytes; kSecKeyKeyExchangeParameterSharedInfo CFData,
 * at most MAX_KDF_HASHED bytes hashed over all blocks. The bounds are the emulator's
 * (keyCiphers.ts), checked before any work.
 */
function kdfParameters(hash: Hash, secretLength: number, parameters: CFDictionary, algorithm: string): { hash: Hash; size: number; sharedInfo: Uint8Array | undefined } {
  const given = parameters.requestedSize;
  const size = typeof given === 'bigint' && given > 0n && given <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(given) : given;
  if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0) {
    throw paramError(`${describeKey('requestedSize')} is required for ${algorithm}: a positive number of bytes`);
  }
  if (size > MAX_KDF_OUTPUT) {
    throw paramError(`${describeKey('requestedSize')} ${size} is more than the ${MAX_KDF_OUTPUT} bytes the emulator derives ` +
      '(docs/emulator-differences.md)');
  }
  const info = parameters.sharedInfo;
  if (info !== undefined && !(info instanceof Uint8Array)) throw paramError(`${describeKey('sharedInfo')} must be data`);
  const { blocks, hashed } = x963Cost(hash, secretLength, size, info?.length ?? 0);
  if (hashed > MAX_KDF_HASHED) {
    throw paramError(`${describeKey('sharedInfo')} of ${info!.length} bytes is too long for ${size} bytes of output: the KDF hashes it ` +
      `once for each of ${blocks} blocks, ${hashed} bytes in all, and the emulator hashes at most ${MAX_KDF_HASHED}`);
  }
  return { hash, size, sharedInfo: info };
}
