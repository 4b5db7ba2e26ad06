// SecCertificate, SecIdentity and SecPKCS12Import through the addon on a real Mac. Off macOS
// every test here is skipped, and the suite names say why. The PKCS #12 imports add the leaf,
// its key and the root to the default keychain (SecImportExport.c copies what it decodes into
// the file-based keychain), so they also need SF_KEYCHAIN_TESTS=1: the macOS workflow sets it
// after making a temporary, unlocked keychain the default (docs/native.md, "Continuous
// integration"), and removes that keychain afterwards.
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { SecError, kSecClass, kSecClassCertificate, kSecClassIdentity, kSecMatchItemList, kSecReturnRef, kSecValueRef } from '../../src/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import type { SecHandle } from '../../src/handles.js';

const { LEAF, ROOT, ED25519, P12, P12_PASSPHRASE } = createRequire(__filename)('./fixtures/certificates.cjs') as {
  LEAF: Buffer; ROOT: Buffer; ED25519: Buffer; P12: Buffer; P12_PASSPHRASE: string;
};

// SecImportExport.h's keys, by their raw values (OSX/libsecurity_keychain/lib/SecImportExport.c).
const PASSPHRASE = 'passphrase';

const onMac = process.platform === 'darwin';
const keychainReady = onMac && process.env.SF_KEYCHAIN_TESTS === '1';
const TIMEOUT = 20_000;

describe.skipIf(!onMac)(`native certificates on macOS${onMac ? '' : ` (skipped: needs macOS, this is ${process.platform})`}`, () => {
  it('a DER certificate: its bytes, subject summary and public key (the point node:crypto reads from the same certificate)', async () => {
    const backend = loadNativeBackend();
    const leaf = await backend.SecCertificateCreateWithData(LEAF);
    expect(leaf.kind).toBe('SecCertificate');
    expect(Buffer.compare(await backend.SecCertificateCopyData(leaf), LEAF)).toBe(0);
    expect(await backend.SecCertificateCopySubjectSummary(leaf)).toBe('Harness Leaf');
    const key = await backend.SecCertificateCopyKey(leaf);
    expect(key?.kind).toBe('SecKey');
    const point = await backend.SecKeyCopyExternalRepresentation(key!);
    const jwk = new X509Certificate(LEAF).publicKey.export({ format: 'jwk' });
    expect(point.subarray(1, 33).toString('base64url')).toBe(jwk.x);
    expect(point.subarray(33).toString('base64url')).toBe(jwk.y);
    expect(await backend.SecCertificateCopySubjectSummary(await backend.SecCertificateCreateWithData(ROOT))).toBe('Harness Root CA');
  }, TIMEOUT);

  it('an Ed25519 certificate has no SecKey (SecCertificate.h: NULL for an unsupported algorithm)', async () => {
    const backend = loadNativeBackend();
    const ed = await backend.SecCertificateCreateWithData(ED25519);
    expect(await backend.SecCertificateCopyKey(ed)).toBeUndefined();
  }, TIMEOUT);

  it('bytes that are not a DER X.509 certificate are errSecParam naming data', async () => {
    const backend = loadNativeBackend();
    for (const data of [Buffer.from('not a certificate'), LEAF.subarray(0, 100), Buffer.alloc(0)]) {
      await expect(backend.SecCertificateCreateWithData(data)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('data') });
    }
  }, TIMEOUT);

  it('SecPKCS12Import: a wrong passphrase is errSecAuthFailed, data that is not PKCS #12 errSecDecode', async () => {
    const backend = loadNativeBackend();
    await expect(backend.SecPKCS12Import(P12, { [PASSPHRASE]: 'wrong' })).rejects.toMatchObject({ status: -25293 });
    await expect(backend.SecPKCS12Import(Buffer.from('not PKCS #12'), { [PASSPHRASE]: P12_PASSPHRASE }))
      .rejects.toMatchObject({ status: -26275 });
  }, TIMEOUT);

  it('a wrong handle kind in kSecValueRef is errSecParam before the framework sees it', async () => {
    const backend = loadNativeBackend();
    const access = await backend.SecAccessControlCreateWithFlags('ak', 0);
    await expect(backend.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: access }))
      .rejects.toSatisfy((e: unknown) => e instanceof SecError && e.status === -50 && e.message.includes('v_Ref'));
  }, TIMEOUT);
});

describe.skipIf(!keychainReady)(
  `native PKCS #12 import${keychainReady ? '' : ' (skipped: needs macOS and SF_KEYCHAIN_TESTS=1 with a temporary unlocked keychain)'}`, () => {
    it('imports an identity: label, key ID, chain leaf first, identity, no trust; its certificate and key; found again by kSecValueRef and kSecMatchItemList', async () => {
      const backend = loadNativeBackend();
      const items = await backend.SecPKCS12Import(P12, { [PASSPHRASE]: P12_PASSPHRASE });
      const item = items.find((i) => 'identity' in i)!;
      try {
        expect(item).toBeDefined();
        expect(item).not.toHaveProperty('trust');
        expect(item.label).toBe('Harness Leaf');
        expect(Buffer.isBuffer(item.keyid) && (item.keyid as Buffer).length).toBe(20);
        const chain = item.chain as SecHandle[];
        expect(chain.map((c) => c.kind)).toEqual(['SecCertificate', 'SecCertificate']);
        expect(Buffer.compare(await backend.SecCertificateCopyData(chain[0]!), LEAF)).toBe(0);
        expect(Buffer.compare(await backend.SecCertificateCopyData(chain[1]!), ROOT)).toBe(0);
        const identity = item.identity as SecHandle;
        expect(identity.kind).toBe('SecIdentity');
        expect(Buffer.compare(await backend.SecCertificateCopyData(await backend.SecIdentityCopyCertificate(identity)), LEAF)).toBe(0);
        expect((await backend.SecIdentityCopyPrivateKey(identity)).kind).toBe('SecKey');

        const found = await backend.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: chain[0]!, [kSecReturnRef]: true });
        expect((found as { kind?: string }).kind).toBe('SecCertificate');
        const again = await backend.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecMatchItemList]: [identity], [kSecReturnRef]: true });
        expect((again as { kind?: string }).kind).toBe('SecIdentity');
      } finally {
        if (item?.identity) await backend.SecItemDelete({ [kSecClass]: kSecClassIdentity, [kSecValueRef]: item.identity }).catch(() => undefined);
        for (const certificate of (item?.chain ?? []) as SecHandle[]) {
          await backend.SecItemDelete({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: certificate }).catch(() => undefined);
        }
      }
    }, TIMEOUT);
  });
