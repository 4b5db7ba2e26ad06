// Keys as keychain items (kSecClassKey) in both keychains: spec/semantics.md 1.2, 3.1, 3.4, 3.5,
// 3.8, 3.9, 3.11, 4.4, 4.5, 6, 14, 16.1, 16.5; src/emulator/keyItems.ts.
import { createHash, createPublicKey } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecAccessControlBiometryAny, kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAttrApplicationLabel,
  kSecAttrApplicationTag, kSecAttrIsExtractable, kSecAttrIsPermanent, kSecAttrKeyClass, kSecAttrKeyClassPrivate, kSecAttrKeyClassPublic, kSecAttrKeySizeInBits,
  kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeyTypeRSA, kSecAttrLabel, kSecAttrTokenID, kSecAttrTokenIDSecureEnclave,
  kSecClass, kSecClassKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecPrivateKeyAttrs, kSecReturnAttributes, kSecReturnData,
  kSecReturnRef, kSecUseDataProtectionKeychain, kSecValueRef, SecHandle, type Emulator,
} from '../../src/index.js';

const APP = { accessGroups: ['TEAMID.com.example'] };
const message = Buffer.from('signed by a stored key');
let plain: Emulator;
let app: Emulator;
beforeEach(() => {
  plain = createEmulator();
  app = createEmulator({ app: APP });
});
afterEach(() => {
  plain.close();
  app.close();
});

const ecParams = (extra: Record<string, unknown> = {}) =>
  ({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, ...extra }) as never;
const tag = (s: string) => Buffer.from(s);

async function signsAndVerifies(kc: Emulator, privateKey: SecHandle, publicKey: SecHandle): Promise<boolean> {
  const signature = await kc.SecKeyCreateSignature(privateKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
  return kc.SecKeyVerifySignature(publicKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature);
}

describe('permanent keys in the file-based keychain (16.5, 3.11, 14.3)', () => {
  it('16.5 a plain permanent key pair lands in the file-based keychain, both halves, with the shim\'s attributes', async () => {
    const key = await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true, [kSecAttrLabel]: 'signing', [kSecAttrApplicationTag]: tag('t1') }));
    const all = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecReturnAttributes]: true, m_Limit: 'm_LimitAll' }) as Record<string, unknown>[];
    // No kSecAttrKeyClass: public records before private ones (classes.json keys.fileBased.notes).
    expect(all.map((a) => a[kSecAttrKeyClass])).toEqual([kSecAttrKeyClassPublic, kSecAttrKeyClassPrivate]);
    const point = await plain.SecKeyCopyExternalRepresentation((await plain.SecKeyCopyPublicKey(key))!);
    for (const attrs of all) {
      expect(attrs).toMatchObject({
        class: 'keys', [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, esiz: 256,
        [kSecAttrIsPermanent]: true, [kSecAttrLabel]: 'signing', [kSecAttrApplicationTag]: tag('t1'),
        [kSecAttrApplicationLabel]: createHash('sha1').update(point).digest(),
      });
      // 14.3: only the shim's attributes — no dates, no data protection columns.
      expect(Object.keys(attrs).filter((k) => ['cdat', 'mdat', 'agrp', 'pdmn', 'extr', 'sens'].includes(k))).toEqual([]);
    }
    expect(all[1]).toMatchObject({ sign: true, decr: true, vrfy: false });
    expect(all[0]).toMatchObject({ vrfy: true, sign: false });
  });

  it('16.5 kSecReturnRef gives a SecKey that works with every SecKey call; the found private key signs for the generated public key', async () => {
    const key = await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true, [kSecAttrApplicationTag]: tag('ref') }));
    const found = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('ref'), [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecReturnRef]: true }) as SecHandle;
    expect(found.kind).toBe('SecKey');
    expect(await signsAndVerifies(plain, found, (await plain.SecKeyCopyPublicKey(key))!)).toBe(true);
    expect(await signsAndVerifies(plain, key, (await plain.SecKeyCopyPublicKey(found))!)).toBe(true);
    expect(await plain.SecKeyCopyAttributes(found)).toMatchObject({ perm: false, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate }); // a file-based key (SecKey.cpp)
    // 4.5: no return type gives the reference too.
    expect(((await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrKeyClass]: kSecAttrKeyClassPublic })) as SecHandle).kind).toBe('SecKey');
  });

  it('16.1 kSecAttrApplicationLabel is the SHA-1 of SecKeyCopyPublicBytes: the PKCS #1 RSAPublicKey DER for RSA', async () => {
    const key = await plain.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeySizeInBits]: 1024, [kSecAttrIsPermanent]: true });
    const der = await plain.SecKeyCopyExternalRepresentation((await plain.SecKeyCopyPublicKey(key))!);
    expect(createPublicKey({ key: der, format: 'der', type: 'pkcs1' }).asymmetricKeyDetails?.modulusLength).toBe(1024);
    const attrs = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecReturnAttributes]: true }) as Record<string, unknown>;
    expect(attrs[kSecAttrApplicationLabel]).toEqual(createHash('sha1').update(der).digest());
    expect(attrs[kSecAttrKeyType]).toBe(kSecAttrKeyTypeRSA);
  });

  it('3.11 uniqueness: the unique index and the record type — adding the same key again is errSecDuplicateItem; its public half is no duplicate', async () => {
    const key = await plain.SecKeyCreateRandomKey(ecParams());
    const added = await plain.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: key, [kSecAttrLabel]: 'imported' });
    // 3.9: an add by reference returns an array, one reference per item.
    expect(Array.isArray(added) && (added[0] as SecHandle).kind).toBe('SecKey');
    await expect(plain.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: key })).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
    await plain.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: (await plain.SecKeyCopyPublicKey(key))! });
    // A different tag is a different unique key.
    await plain.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: key, [kSecAttrApplicationTag]: tag('other') });
  });

  it('3.11 a kSecAttrKeyClass or kSecAttrKeyType that is not one of the constants is ignored by the shim, not refused', async () => {
    await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true }));
    const found = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrKeyClass]: 'nonsense', [kSecAttrKeySizeInBits]: '256', m_Limit: 'm_LimitAll' }) as unknown[];
    expect(found).toHaveLength(2);
  });

  it('3.11 searches by label, tag, class, type, size and usage flags', async () => {
    await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true, [kSecAttrLabel]: 'a', [kSecAttrApplicationTag]: tag('a') }));
    await plain.SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA, [kSecAttrKeySizeInBits]: 1024, [kSecAttrIsPermanent]: true, [kSecAttrLabel]: 'b' });
    const count = async (q: Record<string, unknown>) => {
      try {
        return ((await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, m_Limit: 'm_LimitAll', ...q } as never)) as unknown[]).length;
      } catch {
        return 0;
      }
    };
    expect(await count({ [kSecAttrLabel]: 'a' })).toBe(2);
    expect(await count({ [kSecAttrApplicationTag]: tag('a'), [kSecAttrKeyClass]: kSecAttrKeyClassPrivate })).toBe(1);
    expect(await count({ [kSecAttrKeyType]: kSecAttrKeyTypeRSA })).toBe(2);
    expect(await count({ [kSecAttrKeySizeInBits]: 256 })).toBe(2);
    expect(await count({ sign: true })).toBe(2);
    expect(await count({ [kSecAttrLabel]: 'c' })).toBe(0);
  });

  it('6.2 and 1.2: a delete by kSecValueRef of a CDSA key goes to the file-based keychain and removes that key only', async () => {
    const key = await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true }));
    await plain.SecItemDelete({ [kSecValueRef]: key });
    const left = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecReturnAttributes]: true, m_Limit: 'm_LimitAll' }) as Record<string, unknown>[];
    expect(left.map((a) => a[kSecAttrKeyClass])).toEqual([kSecAttrKeyClassPublic]);
    await expect(plain.SecItemDelete({ [kSecValueRef]: key })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('4.5 kSecReturnData of a key item is its external representation; a non-extractable private key gives none', async () => {
    const key = await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true, [kSecAttrApplicationTag]: tag('x') }));
    const pub = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrKeyClass]: kSecAttrKeyClassPublic, [kSecReturnData]: true });
    expect(pub).toEqual(await plain.SecKeyCopyExternalRepresentation((await plain.SecKeyCopyPublicKey(key))!));
    await plain.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true, [kSecAttrIsExtractable]: false, [kSecAttrApplicationTag]: tag('sealed') }));
    const sealed = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('sealed'), [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecReturnData]: true }) as Buffer;
    expect(sealed.length).toBe(0);
    const ref = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('sealed'), [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecReturnRef]: true }) as SecHandle;
    await expect(plain.SecKeyCopyExternalRepresentation(ref)).rejects.toMatchObject({ code: 'errSecDataNotAvailable' });
  });
});

describe('permanent keys in the data protection keychain (16.5, 3.4, 3.5, 14.1, 14.2)', () => {
  const dpParams = (extra: Record<string, unknown> = {}) => ecParams({ [kSecUseDataProtectionKeychain]: true, [kSecAttrIsPermanent]: true, ...extra });

  it('16.5 kSecUseDataProtectionKeychain stores both halves in the data protection keychain, with its columns and defaults', async () => {
    const key = await app.SecKeyCreateRandomKey(dpParams({ [kSecAttrApplicationTag]: tag('dp') }));
    const all = await app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecUseDataProtectionKeychain]: true, [kSecReturnAttributes]: true, m_Limit: 'm_LimitAll' }) as Record<string, unknown>[];
    expect(all.map((a) => a[kSecAttrKeyClass])).toEqual([0, 1]); // 14.2: numbers, public first (SecKey.m adds it first)
    const point = await app.SecKeyCopyExternalRepresentation((await app.SecKeyCopyPublicKey(key))!);
    expect(all[1]).toMatchObject({
      type: 73, bsiz: 256, esiz: 256, perm: 1, sign: 1, decr: 1, pdmn: 'ak', agrp: APP.accessGroups[0], sync: 0, tomb: 0,
      [kSecAttrApplicationTag]: tag('dp'), [kSecAttrApplicationLabel]: createHash('sha1').update(point).digest(),
      // 3.4: a date in the primary key defaults to the reference date.
      sdat: new Date('2001-01-01T00:00:00Z'), edat: new Date('2001-01-01T00:00:00Z'),
    });
    expect(await plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey, m_Limit: 'm_LimitAll' }).catch((e) => e.code)).toBe('errSecItemNotFound');
  });

  it('4.4 kSecReturnData is the external representation; kSecReturnRef a working data protection SecKey', async () => {
    const key = await app.SecKeyCreateRandomKey(dpParams({ [kSecAttrApplicationTag]: tag('d') }));
    const q = { [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('d'), [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecUseDataProtectionKeychain]: true };
    expect(await app.SecItemCopyMatching({ ...q, [kSecReturnData]: true })).toEqual(await app.SecKeyCopyExternalRepresentation(key));
    const found = await app.SecItemCopyMatching({ ...q, [kSecReturnRef]: true }) as SecHandle;
    expect(await signsAndVerifies(app, found, (await app.SecKeyCopyPublicKey(key))!)).toBe(true);
    expect(await app.SecKeyCopyAttributes(found)).toMatchObject({ perm: true });
  });

  it('3.5 adding the same data protection key again is errSecDuplicateItem; a different access group is another item', async () => {
    const two = createEmulator({ app: { accessGroups: ['TEAMID.one', 'TEAMID.two'] } });
    const key = await two.SecKeyCreateWithData(await app.SecKeyCopyExternalRepresentation(await app.SecKeyCreateRandomKey(ecParams())),
      { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate });
    expect(await two.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: key })).toBeUndefined(); // 3.9: no result in DP
    await expect(two.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: key })).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
    await two.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: key, agrp: 'TEAMID.two' });
    two.close();
  });

  it('1.2 and 6.1: a delete by kSecValueRef of a data protection key reaches the data protection keychain only', async () => {
    const key = await app.SecKeyCreateRandomKey(dpParams());
    await app.SecItemDelete({ [kSecValueRef]: key });
    const left = await app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecReturnAttributes]: true, m_Limit: 'm_LimitAll' }) as Record<string, unknown>[];
    expect(left.map((a) => a[kSecAttrKeyClass])).toEqual([0]);
    await app.SecItemDelete({ [kSecValueRef]: (await app.SecKeyCopyPublicKey(key))! });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassKey })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('16.5 a permanent data protection key for plain node fails in its SecItemAdd with errSecMissingEntitlement and stores nothing', async () => {
    await expect(plain.SecKeyCreateRandomKey(dpParams())).rejects.toMatchObject({ code: 'errSecMissingEntitlement' });
    await expect(plain.SecItemCopyMatching({ [kSecClass]: kSecClassKey })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('16.2 and 16.5 a Secure Enclave private key is permanent by default; its item gives a working key but never its data', async () => {
    const key = await app.SecKeyCreateRandomKey(ecParams({ [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecAttrApplicationTag]: tag('se') }));
    const q = { [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('se') };
    const attrs = await app.SecItemCopyMatching({ ...q, [kSecReturnAttributes]: true, m_Limit: 'm_LimitAll' }) as Record<string, unknown>[];
    expect(attrs).toHaveLength(1); // the public half is not stored unless asked
    expect(attrs[0]).toMatchObject({ [kSecAttrKeyClass]: 1, [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave });
    await expect(app.SecItemCopyMatching({ ...q, [kSecReturnData]: true })).resolves.toBeUndefined();
    const found = await app.SecItemCopyMatching({ ...q, [kSecReturnRef]: true }) as SecHandle;
    await expect(app.SecKeyCopyExternalRepresentation(found)).rejects.toMatchObject({ code: 'errSecUnimplemented' });
    expect(await signsAndVerifies(app, found, (await app.SecKeyCopyPublicKey(key))!)).toBe(true);
    await app.SecKeyCreateRandomKey(ecParams({ [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave, [kSecAttrIsPermanent]: false, [kSecAttrApplicationTag]: tag('gone') }));
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('gone') })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('10.1 and 16.5 a stored access-controlled private key asks the user when it is used, not when it is found', async () => {
    const ac = await app.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    const key = await app.SecKeyCreateRandomKey(ecParams({ [kSecAttrIsPermanent]: true, [kSecPrivateKeyAttrs]: { accc: ac }, [kSecAttrApplicationTag]: tag('ac') }));
    const found = await app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag('ac'), [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecReturnRef]: true }) as SecHandle;
    const before = app.prompts.length;
    expect(await signsAndVerifies(app, found, (await app.SecKeyCopyPublicKey(key))!)).toBe(true);
    expect(app.prompts.length).toBe(before + 1);
    app.user.response = 'cancel';
    await expect(app.SecKeyCreateSignature(found, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message)).rejects.toMatchObject({ code: 'errSecUserCanceled' });
  });
});
