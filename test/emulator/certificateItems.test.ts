// Certificates as keychain items (kSecClassCertificate) in both keychains: spec/semantics.md
// 1.3, 3.1, 3.4, 3.5, 3.8, 3.9, 3.11, 3.12, 4.4, 4.5, 4.7, 6; src/emulator/certificateItems.ts.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { certificateItemAttributes } from '../../src/emulator/certificates.js';
import {
  createEmulator, kSecAttrIssuer, kSecAttrLabel, kSecAttrPublicKeyHash, kSecAttrSerialNumber, kSecAttrSubject, kSecClass,
  kSecClassCertificate, kSecReturnAttributes, kSecReturnData, kSecReturnRef, kSecUseDataProtectionKeychain, kSecValueData,
  kSecValueRef, SecHandle, type Emulator,
} from '../../src/index.js';
import { cleanup, makeCertificate } from '../fixtures/openssl.js';

afterAll(cleanup);

const alice = makeCertificate({ subject: '/O=Example/CN=alice' });
const bob = makeCertificate({ subject: '/O=Example/CN=bob', key: 'rsa' });

let plain: Emulator;
let app: Emulator;
beforeEach(() => {
  plain = createEmulator();
  app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
});
afterEach(() => {
  plain.close();
  app.close();
});

const dp = { [kSecUseDataProtectionKeychain]: true };

describe('certificates in the data protection keychain (3.4, 3.5, 3.8, 4.4)', () => {
  it('3.8 a certificate added by reference gets the attributes its DER gives, the subject summary as label (infer_cert_label) and accessibility dk (3.4)', async () => {
    const cert = await app.SecCertificateCreateWithData(alice.der);
    expect(await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert, ...dp })).toBeUndefined();
    const attrs = await app.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecReturnAttributes]: true, ...dp }) as Record<string, unknown>;
    const derived = certificateItemAttributes(alice.der, 'dp');
    expect(attrs).toMatchObject({ ...derived, [kSecAttrLabel]: 'alice', pdmn: 'dk', agrp: 'TEAMID.com.example' });
    // An explicit label is kept.
    const other = await app.SecCertificateCreateWithData(bob.der);
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: other, [kSecAttrLabel]: 'mine', ...dp });
    expect(await app.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecAttrLabel]: 'mine', [kSecReturnData]: true, ...dp })).toEqual(bob.der);
  });

  it('4.4 kSecReturnData is the DER, kSecReturnRef a SecCertificate of it', async () => {
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await app.SecCertificateCreateWithData(alice.der), ...dp });
    const q = { [kSecClass]: kSecClassCertificate, [kSecAttrSerialNumber]: certificateItemAttributes(alice.der, 'dp').slnr as Buffer, ...dp };
    expect(await app.SecItemCopyMatching({ ...q, [kSecReturnData]: true })).toEqual(alice.der);
    const ref = await app.SecItemCopyMatching({ ...q, [kSecReturnRef]: true }) as SecHandle;
    expect(ref.kind).toBe('SecCertificate');
    expect(await app.SecCertificateCopyData(ref)).toEqual(alice.der);
  });

  it('3.5 uniqueness is type, issuer and serial number: the same certificate again is errSecDuplicateItem whatever its label', async () => {
    const cert = await app.SecCertificateCreateWithData(alice.der);
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert, ...dp });
    await expect(app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert, [kSecAttrLabel]: 'again', ...dp }))
      .rejects.toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('3.12 an add with kSecValueData alone derives nothing: two certificates without attributes share the default key and collide', async () => {
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueData]: alice.der, ...dp });
    await expect(app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueData]: bob.der, ...dp })).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
    const attrs = await app.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecReturnAttributes]: true, ...dp }) as Record<string, unknown>;
    expect(attrs).toMatchObject({ ctyp: 0, issr: Buffer.alloc(0), slnr: Buffer.alloc(0) });
    expect(attrs.subj).toBeUndefined();
  });

  it('6.1 a delete by kSecValueRef removes that certificate only', async () => {
    for (const made of [alice, bob]) await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await app.SecCertificateCreateWithData(made.der), ...dp });
    await app.SecItemDelete({ [kSecValueRef]: await app.SecCertificateCreateWithData(alice.der), ...dp });
    const left = await app.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecReturnData]: true, m_Limit: 'm_LimitAll', ...dp });
    expect(left).toEqual([bob.der]);
  });
});

describe('certificates in the file-based keychain (1.3, 3.9, 3.11, 4.5, 4.7)', () => {
  it('1.3 and 3.9 a plain add by reference lands in the file-based keychain and returns an array; the add dictionary\'s label is not applied', async () => {
    const cert = await plain.SecCertificateCreateWithData(alice.der);
    const added = await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert, [kSecAttrLabel]: 'ignored', [kSecReturnAttributes]: true });
    const derived = certificateItemAttributes(alice.der, 'fb');
    expect(added).toEqual([expect.objectContaining({ class: 'cert', ...derived })]);
    expect((added as Record<string, unknown>[])[0]![kSecAttrLabel]).toBe(derived.labl);
    await expect(plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert })).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('4.5 no return type gives a SecCertificate; searches by subject, issuer and public key hash find it', async () => {
    await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await plain.SecCertificateCreateWithData(alice.der) });
    await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await plain.SecCertificateCreateWithData(bob.der) });
    const derived = certificateItemAttributes(bob.der, 'fb');
    for (const q of [{ [kSecAttrSubject]: derived.subj }, { [kSecAttrIssuer]: derived.issr }, { [kSecAttrPublicKeyHash]: derived.pkhh }]) {
      const ref = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, ...q } as never) as SecHandle;
      expect(await plain.SecCertificateCopyData(ref)).toEqual(bob.der);
    }
  });

  it('4.7 kSecReturnData with kSecMatchLimitAll is refused for passwords only: certificates return an array of DER', async () => {
    for (const made of [alice, bob]) await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await plain.SecCertificateCreateWithData(made.der) });
    expect(await plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecReturnData]: true, m_Limit: 'm_LimitAll' })).toEqual([alice.der, bob.der]);
  });

  it('6.2 a delete by kSecValueRef removes that certificate', async () => {
    const cert = await plain.SecCertificateCreateWithData(alice.der);
    await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert });
    await plain.SecItemDelete({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: cert });
    await expect(plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });
});

describe('kSecMatchItemList (1.2, SecItem.cpp FilterCandidateItem)', () => {
  it('1.2 a search with kSecMatchItemList goes to the file-based keychain and keeps only the listed items', async () => {
    for (const made of [alice, bob]) await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await plain.SecCertificateCreateWithData(made.der) });
    const list = [await plain.SecCertificateCreateWithData(bob.der)];
    expect(await plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, m_ItemList: list, [kSecReturnData]: true, m_Limit: 'm_LimitAll' })).toEqual([bob.der]);
    const ref = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecAttrLabel]: 'alice', r_PersistentRef: true }) as Buffer;
    expect(await plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, m_ItemList: [ref], [kSecReturnData]: true, m_Limit: 'm_LimitAll' })).toEqual([alice.der]);
    await expect(plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, m_ItemList: [] })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    await expect(plain.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, m_ItemList: 'x' } as never)).rejects.toMatchObject({ code: 'errSecParam' });
  });
});
