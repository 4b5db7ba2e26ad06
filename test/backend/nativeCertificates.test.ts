/**
 * The native backend's SecCertificate, SecIdentity and SecPKCS12Import over a recording fake of
 * the addon: handles go in as the addon's own objects, come back as SecHandles of their kind
 * (also inside PKCS #12 items), Apple's NULLs become undefined, and failures become SecErrors.
 * No macOS needed; test/native/harness and test/native/macosCertificates.test.ts run the addon.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NativeBackend } from '../../src/backend/native.js';
import { SecError } from '../../src/errors.js';
import { SecHandle } from '../../src/handles.js';
import { createEmulator, kSecClass, kSecClassIdentity, kSecMatchItemList, kSecValueRef } from '../../src/index.js';
import { FakeAddon, FakeHandle } from './fakeAddon.js';

let addon: FakeAddon;
let backend: NativeBackend;
beforeEach(() => {
  addon = new FakeAddon();
  backend = new NativeBackend(addon);
});

const DER = Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]);

describe('NativeBackend: SecCertificate and SecIdentity', () => {
  it('SecCertificateCreateWithData passes the bytes and wraps the certificate; the other calls hand the addon that very object', async () => {
    const certificate = await backend.SecCertificateCreateWithData(DER);
    expect(certificate).toBeInstanceOf(SecHandle);
    expect(certificate.kind).toBe('SecCertificate');
    expect(certificate.backend).toBe('native');
    expect(addon.argsOf('secCertificateCreateWithData')).toEqual([[DER]]);
    const native = await addon.lastResult('secCertificateCreateWithData');
    expect(await backend.SecCertificateCopyData(certificate)).toEqual(Buffer.from([0x30, 0x00]));
    expect(await backend.SecCertificateCopySubjectSummary(certificate)).toBe('summary');
    const key = await backend.SecCertificateCopyKey(certificate);
    expect(key?.kind).toBe('SecKey');
    for (const method of ['secCertificateCopyData', 'secCertificateCopySubjectSummary', 'secCertificateCopyKey'] as const) {
      expect(addon.argsOf(method)[0]![0]).toBe(native);
    }
  });

  it('Apple\'s NULL summary and NULL key resolve undefined', async () => {
    addon.on('secCertificateCopySubjectSummary', async () => null).on('secCertificateCopyKey', async () => null);
    const certificate = await backend.SecCertificateCreateWithData(DER);
    expect(await backend.SecCertificateCopySubjectSummary(certificate)).toBeUndefined();
    expect(await backend.SecCertificateCopyKey(certificate)).toBeUndefined();
  });

  it('an identity gives its certificate and private key as handles of their kinds', async () => {
    addon.on('secPKCS12Import', async () => [{ identity: new FakeHandle('SecIdentity') }]);
    const [item] = await backend.SecPKCS12Import(DER, { passphrase: 'p' });
    const identity = item!.identity as SecHandle;
    expect(identity.kind).toBe('SecIdentity');
    expect((await backend.SecIdentityCopyCertificate(identity)).kind).toBe('SecCertificate');
    expect((await backend.SecIdentityCopyPrivateKey(identity)).kind).toBe('SecKey');
  });

  it('a certificate the addon did not return (null) is errSecInternalComponent naming the call', async () => {
    addon.on('secCertificateCreateWithData', async () => null as never);
    const e = await backend.SecCertificateCreateWithData(DER).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(SecError);
    expect(e).toMatchObject({ status: -2070, message: expect.stringContaining('SecCertificateCreateWithData') });
  });

  it('an addon rejection (errSecParam naming data, errSecAuthFailed) becomes that SecError', async () => {
    addon.on('secCertificateCreateWithData', async () => {
      throw Object.assign(new Error('data: not a DER-encoded X.509 certificate'), { status: -50, domain: 'NSOSStatusErrorDomain', operation: 'SecCertificateCreateWithData' });
    });
    await expect(backend.SecCertificateCreateWithData(DER)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('data: not a DER-encoded') });
    addon.on('secPKCS12Import', async () => {
      throw Object.assign(new Error('The user name or passphrase you entered is not correct.'), { status: -25293, domain: 'NSOSStatusErrorDomain', operation: 'SecPKCS12Import' });
    });
    await expect(backend.SecPKCS12Import(DER, { passphrase: 'wrong' })).rejects.toMatchObject({ status: -25293, code: 'errSecAuthFailed' });
  });

  it('handles of the emulator are errSecParam naming the argument, and never reach the addon', async () => {
    const emulator = createEmulator();
    try {
      const foreign = await emulator.SecAccessControlCreateWithFlags('ak', 0);
      for (const call of [() => backend.SecCertificateCopyData(foreign), () => backend.SecIdentityCopyPrivateKey(foreign)]) {
        await expect(call()).rejects.toMatchObject({ status: -50 });
      }
      await expect(backend.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecMatchItemList]: [foreign] }))
        .rejects.toMatchObject({ status: -50, message: expect.stringContaining('m_ItemList[0]') });
      expect(addon.calls).toEqual([]);
    } finally {
      emulator.close();
    }
  });
});

describe('NativeBackend: SecPKCS12Import', () => {
  it('passes the data and options, and gives each item with its chain and identity as SecHandles', async () => {
    const leaf = new FakeHandle('SecCertificate', 'leaf');
    const root = new FakeHandle('SecCertificate', 'root');
    addon.on('secPKCS12Import', async () => [{ label: 'Leaf', keyid: Buffer.from([1, 2]), chain: [leaf, root], identity: new FakeHandle('SecIdentity') }]);
    const items = await backend.SecPKCS12Import(DER, { passphrase: 'p', memory: true });
    expect(addon.argsOf('secPKCS12Import')).toEqual([[DER, { passphrase: 'p', memory: true }]]);
    expect(items).toHaveLength(1);
    const item = items[0]!;
    expect(item.label).toBe('Leaf');
    expect(item.keyid).toEqual(Buffer.from([1, 2]));
    const chain = item.chain as SecHandle[];
    expect(chain.map((c) => c.kind)).toEqual(['SecCertificate', 'SecCertificate']);
    expect((item.identity as SecHandle).kind).toBe('SecIdentity');
    // The chain's handles go back in as the addon's objects (kSecValueRef, kSecMatchItemList).
    await backend.SecItemDelete({ [kSecClass]: kSecClassIdentity, [kSecValueRef]: chain[0]!, [kSecMatchItemList]: chain });
    const [query] = addon.argsOf('secItemDelete')[0] as [Record<string, unknown>];
    expect(query[kSecValueRef]).toBe(leaf);
    expect(query[kSecMatchItemList]).toEqual([leaf, root]);
  });

  it('no items resolve []; a result that is not an array is errSecInternalComponent', async () => {
    expect(await backend.SecPKCS12Import(DER, {})).toEqual([]);
    addon.on('secPKCS12Import', async () => ({}) as never);
    await expect(backend.SecPKCS12Import(DER, {})).rejects.toMatchObject({ status: -2070, message: expect.stringContaining('SecPKCS12Import') });
  });
});
