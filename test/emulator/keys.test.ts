// SecKey on the emulator (src/emulator/keys.ts), spec/semantics.md section 16 and SecKey.h's
// algorithm documentation. Every format is cross-checked against node:crypto, so a key, a
// signature or a ciphertext from the emulator works with standard tools, and theirs with it.
import {
  createECDH, createHash, createPublicKey, generateKeyPairSync, publicEncrypt, sign as cryptoSign, verify as cryptoVerify, constants,
} from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecAccessControlBiometryAny, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAttrApplicationTag,
  kSecAttrCanDerive, kSecAttrCanEncrypt, kSecAttrCanSign, kSecAttrIsExtractable, kSecAttrIsPermanent, kSecAttrKeyClass, kSecAttrKeyClassPrivate, kSecAttrKeyClassPublic,
  kSecAttrKeySizeInBits, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeyTypeRSA, kSecAttrLabel, kSecAttrTokenID,
  kSecAttrTokenIDSecureEnclave, kSecKeyAlgorithmECDHKeyExchangeCofactor, kSecKeyAlgorithmECDHKeyExchangeStandard,
  kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA256, kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA256,
  kSecKeyAlgorithmECDSASignatureDigestX962SHA256, kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA384,
  kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA256AESGCM,
  kSecKeyAlgorithmECIESEncryptionStandardX963SHA256AESGCM, kSecKeyAlgorithmRSAEncryptionOAEPSHA256,
  kSecKeyAlgorithmRSAEncryptionOAEPSHA256AESGCM, kSecKeyAlgorithmRSAEncryptionPKCS1, kSecKeyAlgorithmRSAEncryptionRaw,
  kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA256, kSecKeyAlgorithmRSASignatureDigestPSSSHA256,
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256, kSecKeyAlgorithmRSASignatureMessagePSSSHA256, kSecKeyAlgorithmRSASignatureMessagePSSSHA512, kSecKeyAlgorithmRSASignatureRaw,
  kSecKeyKeyExchangeParameterRequestedSize, kSecKeyKeyExchangeParameterSharedInfo, kSecKeyOperationTypeDecrypt,
  kSecKeyOperationTypeEncrypt, kSecKeyOperationTypeKeyExchange, kSecKeyOperationTypeSign, kSecKeyOperationTypeVerify,
  kSecPrivateKeyAttrs, kSecPublicKeyAttrs, kSecUseDataProtectionKeychain, kSecValueData, SecError,
  type Emulator, type SecHandle,
} from '../../src/index.js';
import { algorithmFor as parseAlgorithm } from '../../src/emulator/keyAlgorithms.js';
import { MAX_KDF_HASHED, MAX_KDF_OUTPUT, x963Kdf } from '../../src/emulator/keyCiphers.js';

let kc: Emulator;
beforeEach(() => {
  kc = createEmulator();
});
afterEach(() => kc.close());

const ec = (bits = 256, extra: Record<string, unknown> = {}) =>
  kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: bits, ...extra } as never);
const rsa = (bits = 2048) => kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeySizeInBits]: bits });
const message = Buffer.from('the quick brown fox, signed');

/** The public key as node:crypto sees it, built from the emulator's external representation. */
async function nodePublicKey(key: SecHandle) {
  const pub = (await kc.SecKeyCopyPublicKey(key))!;
  const bytes = await kc.SecKeyCopyExternalRepresentation(pub);
  const attrs = await kc.SecKeyCopyAttributes(pub);
  if (attrs[kSecAttrKeyType] === kSecAttrKeyTypeRSA) return createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' });
  const n = (bytes.length - 1) / 2;
  const crv = { 32: 'P-256', 48: 'P-384', 66: 'P-521' }[n]!;
  return createPublicKey({ key: { kty: 'EC', crv, x: bytes.subarray(1, 1 + n).toString('base64url'), y: bytes.subarray(1 + n).toString('base64url') }, format: 'jwk' });
}

describe('SecKeyCreateRandomKey (spec 16.1, 16.2, 16.5)', () => {
  it('16.1 needs kSecAttrKeyType and kSecAttrKeySizeInBits: a missing one is errSecParam naming it, an unknown type errSecUnimplemented', async () => {
    await expect(kc.SecKeyCreateRandomKey({ [kSecAttrKeySizeInBits]: 256 })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecAttrKeyType') });
    await expect(kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecAttrKeySizeInBits') });
    await expect(kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: 'nope', [kSecAttrKeySizeInBits]: 256 })).rejects.toMatchObject({ code: 'errSecUnimplemented' });
    await expect(ec(200)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('200 bits') });
    await expect(rsa(512)).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('16.1 a file-based key of size 0 gets the default size; a data protection key of a size it lacks is errSecKeySizeNotAllowed', async () => {
    expect((await kc.SecKeyCopyAttributes(await ec(0)))[kSecAttrKeySizeInBits]).toBe(256);
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
    await expect(app.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 200, [kSecUseDataProtectionKeychain]: true }))
      .rejects.toMatchObject({ status: -25311, code: 'errSecKeySizeNotAllowed' });
    app.close();
  });

  it('16.1 the size may be a numeric string; P-256, P-384 and P-521 and RSA keys come out with their type and size', async () => {
    const fromString = await kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: '384' as never });
    expect((await kc.SecKeyCopyAttributes(fromString))[kSecAttrKeySizeInBits]).toBe(384);
    for (const [key, type, bits] of [[await ec(521), kSecAttrKeyTypeECSECPrimeRandom, 521], [await rsa(1024), kSecAttrKeyTypeRSA, 1024]] as const) {
      const attrs = await kc.SecKeyCopyAttributes(key);
      expect(attrs).toMatchObject({ class: 'keys', [kSecAttrKeyType]: type, [kSecAttrKeySizeInBits]: bits, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecAttrIsPermanent]: false });
    }
  });

  it('16.1 a file-based key: usage defaults per class, overridden by kSecPrivateKeyAttrs / kSecPublicKeyAttrs; perm false; no label echoed', async () => {
    const key = await ec(256, {
      [kSecAttrLabel]: 'both', [kSecPrivateKeyAttrs]: { [kSecAttrApplicationTag]: Buffer.from('com.example.key') },
      [kSecPublicKeyAttrs]: { [kSecAttrLabel]: 'public label', [kSecAttrCanDerive]: false },
    });
    const priv = await kc.SecKeyCopyAttributes(key);
    const pubKey = (await kc.SecKeyCopyPublicKey(key))!;
    const pub = await kc.SecKeyCopyAttributes(pubKey);
    expect(priv).toMatchObject({ [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, perm: false, sign: true, decr: true, drve: true, unwp: true, vrfy: false, encr: false });
    expect(priv[kSecAttrLabel]).toBeUndefined();
    expect(priv[kSecAttrApplicationTag]).toBeUndefined();
    // kSecAttrCanWrap is never read for a file-based key: its public half does not wrap.
    expect(pub).toMatchObject({ [kSecAttrKeyClass]: kSecAttrKeyClassPublic, vrfy: true, encr: true, drve: false, wrap: false, sign: false });
    // kSecAttrApplicationLabel: both halves carry the SHA-1 of the public key's bytes (04‖X‖Y).
    expect(priv.klbl).toEqual(pub.klbl);
    expect(priv.klbl).toEqual(createHash('sha1').update(await kc.SecKeyCopyExternalRepresentation(pubKey)).digest());
    // A file-based key's kSecValueData is its own export: SubjectPublicKeyInfo for the public key.
    expect(createPublicKey({ key: pub[kSecValueData] as Buffer, format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ec');
    await expect(ec(256, { [kSecAttrCanSign]: 'yes' })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecAttrCanSign') });
  });

  it('16.5 an imported (data protection) key reports perm true, fixed usage flags and its external representation', async () => {
    const bytes = await kc.SecKeyCopyExternalRepresentation((await kc.SecKeyCopyPublicKey(await rsa(1024)))!);
    const imported = await kc.SecKeyCreateWithData(bytes, { [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeyClass]: kSecAttrKeyClassPublic, [kSecAttrCanEncrypt]: false });
    expect(await kc.SecKeyCopyAttributes(imported)).toMatchObject({
      perm: true, [kSecAttrKeyClass]: kSecAttrKeyClassPublic, encr: true, decr: true, drve: false, vrfy: true, wrap: true, [kSecValueData]: bytes,
    });
  });

  it('16.1 kSecAttrIsPermanent: true in a half\'s attributes stores that half only (kSecClassKey items in keyItems.test.ts)', async () => {
    await ec(256, { [kSecPrivateKeyAttrs]: { [kSecAttrIsPermanent]: true } });
    const found = await kc.SecItemCopyMatching({ class: 'keys', r_Attributes: true, m_Limit: 'm_LimitAll' }) as Record<string, unknown>[];
    expect(found.map((a) => a[kSecAttrKeyClass])).toEqual([kSecAttrKeyClassPrivate]);
  });

  it('16.1 kSecAttrTokenID belongs at the top level only', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
    await expect(app.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, [kSecPrivateKeyAttrs]: { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave } }))
      .rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('top level') });
    app.close();
  });

  it('16.2 the Secure Enclave holds only 256-bit EC keys, and its private key cannot be exported', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
    await expect(app.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeySizeInBits]: 2048, [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave }))
      .rejects.toMatchObject({ code: 'errSecParam' });
    await expect(app.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 384, [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave }))
      .rejects.toMatchObject({ code: 'errSecParam' });
    const key = await app.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave });
    expect((await app.SecKeyCopyAttributes(key))[kSecAttrTokenID]).toBe(kSecAttrTokenIDSecureEnclave);
    expect((await app.SecKeyCopyAttributes(key))[kSecValueData]).toBeUndefined();
    await expect(app.SecKeyCopyExternalRepresentation(key)).rejects.toMatchObject({ code: 'errSecUnimplemented' });
    expect((await app.SecKeyCopyExternalRepresentation((await app.SecKeyCopyPublicKey(key))!)).length).toBe(65);
    app.close();
  });

  it('16.5 an access control or kSecUseDataProtectionKeychain makes a data protection key, which plain node may generate when it is not permanent (SecKey.m stores only permanent halves)', async () => {
    const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    for (const extra of [{ [kSecPrivateKeyAttrs]: { accc: ac } }, { [kSecUseDataProtectionKeychain]: true }]) {
      expect(await kc.SecKeyCopyAttributes(await ec(256, extra))).toMatchObject({ perm: true }); // a data protection key
    }
    // Storing it is a data protection write, which needs an entitlement (8.4).
    await expect(ec(256, { [kSecUseDataProtectionKeychain]: true, [kSecAttrIsPermanent]: true }))
      .rejects.toMatchObject({ status: -34018, code: 'errSecMissingEntitlement' });
    // Without them the key is a file-based one, which needs no entitlement even when permanent.
    expect((await ec(256, { [kSecAttrIsPermanent]: true })).kind).toBe('SecKey');
  });

  it('16.5 the Secure Enclave needs an entitled process: plain node gets errSecMissingEntitlement, permanent or not', async () => {
    for (const perm of [undefined, false, true]) {
      await expect(ec(256, { [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, ...(perm === undefined ? {} : { [kSecAttrIsPermanent]: perm }) }))
        .rejects.toMatchObject({ status: -34018, code: 'errSecMissingEntitlement' });
    }
  });
});

describe('SecKeyCopyPublicKey, SecKeyCopyExternalRepresentation, SecKeyCreateWithData', () => {
  it('16.1 EC: the public key is 04‖X‖Y, the private key 04‖X‖Y‖K (SecKey.h); both import back as the same key', async () => {
    const key = await ec(384);
    const priv = await kc.SecKeyCopyExternalRepresentation(key);
    const pub = await kc.SecKeyCopyExternalRepresentation((await kc.SecKeyCopyPublicKey(key))!);
    expect(pub.length).toBe(97);
    expect(priv.length).toBe(145);
    expect(priv.subarray(0, 97)).toEqual(pub);
    const imported = await kc.SecKeyCreateWithData(priv, { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate });
    const signature = await kc.SecKeyCreateSignature(imported, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    const importedPublic = await kc.SecKeyCreateWithData(pub, { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPublic });
    expect(await kc.SecKeyVerifySignature(importedPublic, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature)).toBe(true);
  });

  it('16.1 RSA: PKCS #1 DER both ways (SecKey.h), readable by node:crypto', async () => {
    const key = await rsa(2048);
    const pub = await kc.SecKeyCopyExternalRepresentation((await kc.SecKeyCopyPublicKey(key))!);
    expect(createPublicKey({ key: pub, format: 'der', type: 'pkcs1' }).asymmetricKeyDetails?.modulusLength).toBe(2048);
    const theirs = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const imported = await kc.SecKeyCreateWithData(theirs.privateKey.export({ format: 'der', type: 'pkcs1' }),
      { [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate });
    expect((await kc.SecKeyCopyAttributes(imported))[kSecAttrKeySizeInBits]).toBe(1024);
    const signature = await kc.SecKeyCreateSignature(imported, kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256, message);
    expect(signature).toEqual(cryptoSign('sha256', message, theirs.privateKey)); // PKCS #1 v1.5 is deterministic
  });

  it('16.1 bad key data, a missing class, a size that does not match, or a point off the curve is errSecParam', async () => {
    const attrs = { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPublic };
    await expect(kc.SecKeyCreateWithData(Buffer.alloc(65, 4), attrs)).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateWithData(Buffer.from([1, 2, 3]), attrs)).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateWithData(Buffer.alloc(65, 4), { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecAttrKeyClass') });
    const pub = await kc.SecKeyCopyExternalRepresentation((await kc.SecKeyCopyPublicKey(await ec()))!);
    await expect(kc.SecKeyCreateWithData(pub, { ...attrs, [kSecAttrKeySizeInBits]: 384 })).rejects.toMatchObject({ code: 'errSecParam' });
    // A private key whose point does not belong to its scalar.
    const a = await kc.SecKeyCopyExternalRepresentation(await ec());
    const b = await kc.SecKeyCopyExternalRepresentation(await ec());
    const mixed = Buffer.concat([a.subarray(0, 65), b.subarray(65)]);
    await expect(kc.SecKeyCreateWithData(mixed, { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate }))
      .rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('16.3 a file-based key with kSecAttrIsExtractable: false (top level) keeps its private bytes: errSecDataNotAvailable', async () => {
    const key = await ec(256, { [kSecAttrIsExtractable]: false });
    await expect(kc.SecKeyCopyExternalRepresentation(key)).rejects.toMatchObject({ status: -25316, code: 'errSecDataNotAvailable' });
    expect(await kc.SecKeyCopyAttributes(key)).toMatchObject({ extr: false, sens: true });
    // Only the top level is read: in kSecPrivateKeyAttrs it changes nothing.
    expect((await kc.SecKeyCopyExternalRepresentation(await ec(256, { [kSecPrivateKeyAttrs]: { [kSecAttrIsExtractable]: false } }))).length).toBe(97);
  });

  it('16.1 a public key is its own public key', async () => {
    const pub = (await kc.SecKeyCopyPublicKey(await ec()))!;
    expect(await kc.SecKeyCopyPublicKey(pub)).toBe(pub);
  });
});

describe('signatures (SecKey.h algorithms; spec 16.3, 16.4)', () => {
  it('16.4 ECDSA X9.62 message and digest signatures are the same scheme, and node:crypto verifies them', async () => {
    const key = await ec();
    const pub = await nodePublicKey(key);
    const fromMessage = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    const digest = createHash('sha256').update(message).digest();
    const fromDigest = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureDigestX962SHA256, digest);
    const publicKey = (await kc.SecKeyCopyPublicKey(key))!;
    for (const signature of [fromMessage, fromDigest]) {
      expect(cryptoVerify('sha256', message, { key: pub, dsaEncoding: 'der' }, signature)).toBe(true);
      expect(await kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmECDSASignatureDigestX962SHA256, digest, signature)).toBe(true);
      expect(await kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature)).toBe(true);
    }
    // No fallback to the public half: an EC private key does not verify (SecKey.m).
    await expect(kc.SecKeyVerifySignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, fromMessage)).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('16.4 ECDSA RFC 4754 signatures are raw r‖s of the curve size', async () => {
    const key = await ec(384);
    const pub = await nodePublicKey(key);
    const signature = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageRFC4754SHA384, message);
    expect(signature.length).toBe(96);
    expect(cryptoVerify('sha384', message, { key: pub, dsaEncoding: 'ieee-p1363' }, signature)).toBe(true);
    const p256 = await ec();
    const digest = createHash('sha256').update(message).digest();
    const raw = await kc.SecKeyCreateSignature(p256, kSecKeyAlgorithmECDSASignatureDigestRFC4754SHA256, digest);
    expect(cryptoVerify('sha256', message, { key: await nodePublicKey(p256), dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
  });

  it('16.4 RSA PKCS #1 v1.5 and PSS, message and digest, interoperate with node:crypto', async () => {
    const key = await rsa(2048);
    const pub = await nodePublicKey(key);
    const publicKey = (await kc.SecKeyCopyPublicKey(key))!;
    const digest = createHash('sha256').update(message).digest();
    const pkcs = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA256, digest);
    expect(pkcs).toEqual(await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256, message));
    expect(cryptoVerify('sha256', message, pub, pkcs)).toBe(true);
    for (const [alg, input] of [[kSecKeyAlgorithmRSASignatureMessagePSSSHA256, message], [kSecKeyAlgorithmRSASignatureDigestPSSSHA256, digest]] as const) {
      const pss = await kc.SecKeyCreateSignature(key, alg, input);
      expect(cryptoVerify('sha256', message, { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, pss)).toBe(true);
      expect(await kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmRSASignatureDigestPSSSHA256, digest, pss)).toBe(true);
      expect(await kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmRSASignatureMessagePSSSHA256, message, pss)).toBe(true);
    }
    // A digest of the wrong length just fails to verify (Apple checks no length for RSA).
    await expect(kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmRSASignatureDigestPKCS1v15SHA256, digest.subarray(1), pkcs)).rejects.toMatchObject({ code: 'errSecVerifyFailed' });
    // An RSA private key accepts verification but, using its private exponent, never verifies.
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeVerify, kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256)).toBe(true);
    await expect(kc.SecKeyVerifySignature(key, kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256, message, pkcs)).rejects.toMatchObject({ code: 'errSecVerifyFailed' });
  });

  it('16.4 raw RSA takes exactly one block', async () => {
    const key = await rsa(1024);
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmRSASignatureRaw, Buffer.alloc(64, 1))).rejects.toMatchObject({ code: 'errSecParam' });
    const block = Buffer.alloc(128, 1);
    const signature = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmRSASignatureRaw, block);
    expect(await kc.SecKeyVerifySignature((await kc.SecKeyCopyPublicKey(key))!, kSecKeyAlgorithmRSASignatureRaw, block, signature)).toBe(true);
  });

  it('16.3 a signature that does not match rejects with errSecVerifyFailed (-67808); an ECDSA digest of the wrong length is errSecParam', async () => {
    const key = await ec();
    const pub = (await kc.SecKeyCopyPublicKey(key))!;
    const signature = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    await expect(kc.SecKeyVerifySignature(pub, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('other'), signature))
      .rejects.toMatchObject({ status: -67808, code: 'errSecVerifyFailed' });
    await expect(kc.SecKeyVerifySignature(pub, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, Buffer.from('junk')))
      .rejects.toMatchObject({ code: 'errSecVerifyFailed' });
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureDigestX962SHA256, Buffer.alloc(20)))
      .rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('SHA256 digest') });
  });

  it('16.3 an algorithm the key does not support is errSecParam, and SecKeyIsAlgorithmSupported answers false', async () => {
    const key = await ec();
    const pub = (await kc.SecKeyCopyPublicKey(key))!;
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256, message))
      .rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('not supported') });
    await expect(kc.SecKeyCreateSignature(pub, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message)).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateSignature(key, 'algid:sign:ECDSA:nonsense', message)).rejects.toMatchObject({ code: 'errSecParam' });
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeSign, kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toBe(true);
    expect(await kc.SecKeyIsAlgorithmSupported(pub, kSecKeyOperationTypeSign, kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toBe(false);
    expect(await kc.SecKeyIsAlgorithmSupported(pub, kSecKeyOperationTypeVerify, kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toBe(true);
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeSign, kSecKeyAlgorithmRSASignatureMessagePSSSHA256)).toBe(false);
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeEncrypt, kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toBe(false);
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeKeyExchange, kSecKeyAlgorithmECDHKeyExchangeStandard)).toBe(true);
    expect(await kc.SecKeyIsAlgorithmSupported(pub, kSecKeyOperationTypeKeyExchange, kSecKeyAlgorithmECDHKeyExchangeStandard)).toBe(false);
    await expect(kc.SecKeyIsAlgorithmSupported(key, 9, kSecKeyAlgorithmECDHKeyExchangeStandard)).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('16.4 every public algorithm identifier parses; nonsense does not', async () => {
    const { constantGroups } = await import('../../src/constantTables.js');
    for (const [name, id] of Object.entries(constantGroups.keyAlgorithms)) {
      expect(parseAlgorithm(id), name).toBeDefined();
    }
    for (const bad of ['algid:sign:ECDSA', 'algid:sign:RSA:digest-PSS:SHA256:SHA1:32', 'algid:sign:RSA:message-PKCS1v15', 'algid:keyexchange:ECDH:KDFX963', 'sign:ECDSA:RFC4754']) {
      expect(parseAlgorithm(bad), bad).toBeUndefined();
    }
  });
});

describe('encryption (SecKey.h algorithms)', () => {
  it('16.4 RSA OAEP and PKCS #1 v1.5 round-trip and open what node:crypto encrypted', async () => {
    const key = await rsa(2048);
    const pub = (await kc.SecKeyCopyPublicKey(key))!;
    for (const alg of [kSecKeyAlgorithmRSAEncryptionOAEPSHA256, kSecKeyAlgorithmRSAEncryptionPKCS1, kSecKeyAlgorithmRSAEncryptionOAEPSHA256AESGCM]) {
      const ciphertext = await kc.SecKeyCreateEncryptedData(pub, alg, message);
      expect(String(await kc.SecKeyCreateDecryptedData(key, alg, ciphertext))).toBe(String(message));
    }
    const nodePub = await nodePublicKey(key);
    const oaep = publicEncrypt({ key: nodePub, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' }, message);
    expect(String(await kc.SecKeyCreateDecryptedData(key, kSecKeyAlgorithmRSAEncryptionOAEPSHA256, oaep))).toBe(String(message));
    const pkcs1 = publicEncrypt({ key: nodePub, padding: constants.RSA_PKCS1_PADDING }, message);
    expect(String(await kc.SecKeyCreateDecryptedData(key, kSecKeyAlgorithmRSAEncryptionPKCS1, pkcs1))).toBe(String(message));
  });

  it('16.3 raw RSA returns whole blocks; too much plaintext, or a ciphertext that does not decrypt, is errSecParam; only the public key encrypts', async () => {
    const key = await rsa(1024);
    const pub = (await kc.SecKeyCopyPublicKey(key))!;
    await expect(kc.SecKeyCreateEncryptedData(key, kSecKeyAlgorithmRSAEncryptionRaw, Buffer.from([1]))).rejects.toMatchObject({ code: 'errSecParam' });
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeEncrypt, kSecKeyAlgorithmRSAEncryptionOAEPSHA256)).toBe(false);
    const ciphertext = await kc.SecKeyCreateEncryptedData(pub, kSecKeyAlgorithmRSAEncryptionRaw, Buffer.from([1, 2, 3]));
    expect(ciphertext.length).toBe(128);
    const block = await kc.SecKeyCreateDecryptedData(key, kSecKeyAlgorithmRSAEncryptionRaw, ciphertext);
    expect(block.length).toBe(128);
    expect([...block.subarray(125)]).toEqual([1, 2, 3]);
    await expect(kc.SecKeyCreateEncryptedData(pub, kSecKeyAlgorithmRSAEncryptionOAEPSHA256, Buffer.alloc(100))).rejects.toMatchObject({ code: 'errSecParam' });
    const other = (await kc.SecKeyCopyPublicKey(await rsa(1024)))!;
    const foreign = await kc.SecKeyCreateEncryptedData(other, kSecKeyAlgorithmRSAEncryptionOAEPSHA256, message);
    await expect(kc.SecKeyCreateDecryptedData(key, kSecKeyAlgorithmRSAEncryptionOAEPSHA256, foreign)).rejects.toMatchObject({ code: 'errSecParam' });
    // PSS-SHA512 does not fit a 1024-bit modulus (16·hLen+9 bits): unsupported.
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeSign, kSecKeyAlgorithmRSASignatureMessagePSSSHA512)).toBe(false);
  });

  it('16.4 ECIES: ephemeral public key ‖ AES-GCM ciphertext ‖ 16-byte tag, legacy and variable-IV, round-trip', async () => {
    const key = await ec();
    for (const alg of [kSecKeyAlgorithmECIESEncryptionStandardX963SHA256AESGCM, kSecKeyAlgorithmECIESEncryptionCofactorVariableIVX963SHA256AESGCM]) {
      const ciphertext = await kc.SecKeyCreateEncryptedData((await kc.SecKeyCopyPublicKey(key))!, alg, message);
      expect(ciphertext.length).toBe(65 + message.length + 16);
      expect(ciphertext[0]).toBe(4);
      expect(String(await kc.SecKeyCreateDecryptedData(key, alg, ciphertext))).toBe(String(message));
      const tampered = Buffer.from(ciphertext);
      tampered[70]! ^= 1;
      await expect(kc.SecKeyCreateDecryptedData(key, alg, tampered)).rejects.toMatchObject({ code: 'errSecParam' });
    }
    expect(await kc.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeDecrypt, kSecKeyAlgorithmECIESEncryptionStandardX963SHA256AESGCM)).toBe(true);
  });
});

describe('key exchange (SecKey.h ECDH algorithms)', () => {
  it('16.4 ECDH gives both sides the same raw secret, equal to node:crypto\'s; cofactor ECDH is the same on NIST curves', async () => {
    const alice = await ec();
    const bob = await ec();
    const ab = await kc.SecKeyCopyKeyExchangeResult(alice, kSecKeyAlgorithmECDHKeyExchangeStandard, (await kc.SecKeyCopyPublicKey(bob))!, {});
    const ba = await kc.SecKeyCopyKeyExchangeResult(bob, kSecKeyAlgorithmECDHKeyExchangeStandard, (await kc.SecKeyCopyPublicKey(alice))!, {});
    expect(ab).toEqual(ba);
    expect(ab.length).toBe(32);
    expect(await kc.SecKeyCopyKeyExchangeResult(alice, kSecKeyAlgorithmECDHKeyExchangeCofactor, (await kc.SecKeyCopyPublicKey(bob))!, {})).toEqual(ab);
    const theirs = createECDH('prime256v1');
    theirs.generateKeys();
    const theirKey = await kc.SecKeyCreateWithData(theirs.getPublicKey(), { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPublic });
    const ours = await kc.SecKeyCopyExternalRepresentation((await kc.SecKeyCopyPublicKey(alice))!);
    expect(await kc.SecKeyCopyKeyExchangeResult(alice, kSecKeyAlgorithmECDHKeyExchangeStandard, theirKey, {})).toEqual(theirs.computeSecret(ours));
  });

  it('16.4 the X9.63 variants need kSecKeyKeyExchangeParameterRequestedSize and use SharedInfo', async () => {
    const alice = await ec();
    const bobPublic = (await kc.SecKeyCopyPublicKey(await ec()))!;
    await expect(kc.SecKeyCopyKeyExchangeResult(alice, kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA256, bobPublic, {}))
      .rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecKeyKeyExchangeParameterRequestedSize') });
    const raw = await kc.SecKeyCopyKeyExchangeResult(alice, kSecKeyAlgorithmECDHKeyExchangeStandard, bobPublic, {});
    const info = Buffer.from('context');
    const derived = await kc.SecKeyCopyKeyExchangeResult(alice, kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA256, bobPublic,
      { [kSecKeyKeyExchangeParameterRequestedSize]: 40, [kSecKeyKeyExchangeParameterSharedInfo]: info });
    expect(derived.length).toBe(40);
    const expected = Buffer.concat([1, 2].map((i) => createHash('sha256').update(raw).update(Buffer.from([0, 0, 0, i])).update(info).digest())).subarray(0, 40);
    expect(derived).toEqual(expected);
    expect(x963Kdf('sha256', raw, 40, info)).toEqual(expected);
  });

  it('16.3 keys on different curves cannot agree: errSecParam', async () => {
    await expect(kc.SecKeyCopyKeyExchangeResult(await ec(256), kSecKeyAlgorithmECDHKeyExchangeStandard, (await kc.SecKeyCopyPublicKey(await ec(384)))!, {}))
      .rejects.toMatchObject({ code: 'errSecParam' });
  });
});

describe('keys protected by an access control (spec 10, 11)', () => {
  it('10.1, 11 signing with an access-controlled key asks the simulated user; a cancel is errSecUserCanceled and signs nothing', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
    const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    const key = await app.SecKeyCreateRandomKey({
      [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave,
      [kSecPrivateKeyAttrs]: { accc: ac },
    });
    expect((await app.SecKeyCopyAttributes(key)).accc).toBe(ac);
    await app.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    expect(app.prompts).toHaveLength(1);
    app.user.response = 'cancel';
    await expect(app.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message)).rejects.toMatchObject({ code: 'errSecUserCanceled' });
    // Verifying uses the public key: no prompt.
    app.user.response = 'approve';
    const signature = await app.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    const before = app.prompts.length;
    expect(await app.SecKeyVerifySignature((await app.SecKeyCopyPublicKey(key))!, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature)).toBe(true);
    expect(app.prompts).toHaveLength(before);
    app.close();
  });
});

describe('the emulator\'s key calls', () => {
  it('bad input (DESIGN principle 5): arguments checked as the top-level calls check them: errSecParam naming the argument, no TypeError from inside', async () => {
    const key = await ec();
    await expect(kc.SecKeyCreateSignature(key, 42 as never, message)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('algorithm') });
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, 'text' as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('dataToSign') });
    await expect(kc.SecKeyIsAlgorithmSupported(key, '0' as never, kSecKeyAlgorithmECDHKeyExchangeStandard)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('operation') });
    await expect(kc.SecKeyCopyKeyExchangeResult(key, kSecKeyAlgorithmECDHKeyExchangeStandard, 'peer' as never, {})).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('publicKey') });
    await expect(kc.SecKeyCreateRandomKey(null as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('parameters') });
  });

  it('reject a key of another kind, and reject after close() like every call of a closed emulator', async () => {
    const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, 0);
    await expect(kc.SecKeyCopyAttributes(ac)).rejects.toMatchObject({ code: 'errSecParam' });
    const key = await ec();
    kc.close();
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message)).rejects.toBeInstanceOf(SecError);
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message)).rejects.toMatchObject({ code: 'errSecNotAvailable' });
    kc = createEmulator();
  });
});

describe('sizes a caller controls are bounded before any work (DESIGN principle 5; docs/emulator-differences.md)', () => {
  const X963 = kSecKeyAlgorithmECDHKeyExchangeStandardX963SHA256;
  const exchange = async (emu: Emulator, parameters: Record<string, unknown>) => {
    const mine = await emu.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 });
    const theirs = (await emu.SecKeyCopyPublicKey(await emu.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 })))!;
    return emu.SecKeyCopyKeyExchangeResult(mine, X963, theirs, parameters as never);
  };
  // Refused, not merely slow: without the bound these sizes are accepted (and derive or
  // allocate gigabytes), so the rejection itself is the check; no wall-clock time is asserted.
  const refusedWith = async (run: () => Promise<unknown>, expected: object) => {
    await expect(run()).rejects.toMatchObject(expected);
  };

  it(`16.4 kSecKeyKeyExchangeParameterRequestedSize is at most ${MAX_KDF_OUTPUT} bytes: beyond, errSecParam naming it, at once`, async () => {
    const refused = { code: 'errSecParam', message: expect.stringContaining(`kSecKeyKeyExchangeParameterRequestedSize (\"requestedSize\") ${MAX_KDF_OUTPUT + 1}`) };
    await refusedWith(() => exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: MAX_KDF_OUTPUT + 1 }), refused);
    // 2^26 bytes blocked the event loop for seconds; 2^32 ran out of memory.
    for (const size of [2 ** 26, 2 ** 32, Number.MAX_SAFE_INTEGER, 2n ** 62n]) {
      await refusedWith(() => exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: size }), { code: 'errSecParam', message: expect.stringContaining('requestedSize') });
    }
    const derived = await exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: MAX_KDF_OUTPUT });
    expect(derived.length).toBe(MAX_KDF_OUTPUT);
  });

  it('16.4 requestedSize is a positive CFNumber (SecKeyAdaptors.m reads it as a CFIndex): a bigint is a CFNumber, a string is not', async () => {
    expect((await exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: 40n })).length).toBe(40);
    for (const size of [0, -1, 1.5, '40', Number.NaN]) {
      await expect(exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: size })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('requestedSize') });
    }
  });

  it(`16.4 SharedInfo is hashed once per output block: at most ${MAX_KDF_HASHED} bytes hashed in all, else errSecParam naming it, at once`, async () => {
    const info = Buffer.alloc(1 << 20); // 1 MiB: fine for one block, not for 2,048 of them
    expect((await exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: 32, [kSecKeyKeyExchangeParameterSharedInfo]: info })).length).toBe(32);
    await refusedWith(() => exchange(kc, { [kSecKeyKeyExchangeParameterRequestedSize]: MAX_KDF_OUTPUT, [kSecKeyKeyExchangeParameterSharedInfo]: info }),
      { code: 'errSecParam', message: expect.stringContaining('kSecKeyKeyExchangeParameterSharedInfo') });
  });

  it('16.4 the parameters are read before the key is used: a refused size shows no prompt', async () => {
    const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
    const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    const key = await app.SecKeyCreateRandomKey({
      [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecPrivateKeyAttrs]: { accc: ac },
    });
    const peer = (await app.SecKeyCopyPublicKey(await app.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 })))!;
    await expect(app.SecKeyCopyKeyExchangeResult(key, X963, peer, { [kSecKeyKeyExchangeParameterRequestedSize]: 2 ** 32 })).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(app.SecKeyCopyKeyExchangeResult(key, X963, peer, {})).rejects.toMatchObject({ code: 'errSecParam' });
    expect(app.prompts).toHaveLength(0);
    expect((await app.SecKeyCopyKeyExchangeResult(key, X963, peer, { [kSecKeyKeyExchangeParameterRequestedSize]: 16 })).length).toBe(16);
    expect(app.prompts).toHaveLength(1);
    app.close();
  });

  it('16.1 kSecAttrKeySizeInBits may be any CFNumber, a bigint too; any size but the curves and 1024–4096 RSA is refused before generating', async () => {
    expect((await kc.SecKeyCopyAttributes(await ec(256n as never)))[kSecAttrKeySizeInBits]).toBe(256);
    for (const bits of [2n ** 40n, 2 ** 40, '99999999999999999999', 8192, 2 ** 31]) {
      await refusedWith(() => kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeySizeInBits]: bits } as never), { code: 'errSecParam' });
    }
    await refusedWith(() => kc.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeySizeInBits]: 2 ** 40, [kSecUseDataProtectionKeychain]: true } as never),
      { code: expect.stringMatching(/errSecKeySizeNotAllowed|errSecMissingEntitlement/) });
  });

  it('16.1 SecKeyCreateWithData refuses an RSA key beyond 4096 bits (SecRSAKey.c caps at kMaximumRSAKeyBits) and EC data of the wrong length', async () => {
    // An 8192-bit public key: node:crypto takes any modulus, so none has to be generated.
    const n = Buffer.alloc(1024, 0xff);
    const big = createPublicKey({ key: { kty: 'RSA', n: n.toString('base64url'), e: 'AQAB' }, format: 'jwk' }).export({ format: 'der', type: 'pkcs1' });
    await refusedWith(() => kc.SecKeyCreateWithData(big, { [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeyClass]: kSecAttrKeyClassPublic }),
      { code: 'errSecParam', message: expect.stringContaining('8192 bits') });
    await refusedWith(() => kc.SecKeyCreateWithData(Buffer.alloc(1 << 20, 4), { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPublic }),
      { code: 'errSecParam' });
  });

  it('16.4 RSA inputs longer than the key allows are errSecParam (raw, PKCS #1 v1.5, OAEP; SecKeyAdaptors.m)', async () => {
    const key = await rsa(2048);
    const pub = (await kc.SecKeyCopyPublicKey(key))!;
    await expect(kc.SecKeyCreateEncryptedData(pub, kSecKeyAlgorithmRSAEncryptionRaw, Buffer.alloc(257, 1))).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateEncryptedData(pub, kSecKeyAlgorithmRSAEncryptionPKCS1, Buffer.alloc(256 - 10))).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateEncryptedData(pub, kSecKeyAlgorithmRSAEncryptionOAEPSHA256, Buffer.alloc(256 - 2 * 32 - 1))).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateSignature(key, kSecKeyAlgorithmRSASignatureRaw, Buffer.alloc(257))).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(kc.SecKeyCreateDecryptedData(key, kSecKeyAlgorithmRSAEncryptionPKCS1, Buffer.alloc(1 << 20))).rejects.toMatchObject({ code: 'errSecParam' });
  });
});
