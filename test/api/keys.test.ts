import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SecAccessControlCreateWithFlags, SecHandle, SecKeyCreateRandomKey, SecKeyCreateSignature, SecKeyIsAlgorithmSupported,
  kSecAttrAccessibleWhenUnlocked, kSecAttrKeySizeInBits, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom,
  kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecKeyOperationTypeSign, kSecAccessControlUserPresence, kSecAttrIsPermanent,
  SecItemCopyMatching, SecKeyCopyPublicKey, SecKeyVerifySignature, kSecAttrApplicationTag, kSecAttrKeyClass, kSecAttrKeyClassPrivate,
  kSecClass, kSecClassKey, kSecReturnRef,
} from '../../src/index.js';

const saved = { ...process.env };
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-keys-'));
  process.env.SECURITY_FRAMEWORK_STORE = join(dir, 'kc.sqlite');
  process.env.SECURITY_FRAMEWORK_BACKEND = 'emulator';
});
afterAll(() => {
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('top-level key and access-control calls on the emulator', () => {
  it('SecKey calls run on the default emulator: an ephemeral key signs; a permanent one (16.5) lands in the file-based keychain', async () => {
    const key = await SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 });
    expect(key.kind).toBe('SecKey');
    expect(await SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeSign, kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toBe(true);
    expect((await SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('x'))).length).toBeGreaterThan(60);
    const tag = Buffer.from(`top-level ${process.pid}`);
    const permanent = await SecKeyCreateRandomKey({
      [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, [kSecAttrIsPermanent]: true, [kSecAttrApplicationTag]: tag,
    });
    const found = await SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrApplicationTag]: tag, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, [kSecReturnRef]: true });
    const signature = await SecKeyCreateSignature(found as SecHandle, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('x'));
    expect(await SecKeyVerifySignature((await SecKeyCopyPublicKey(permanent))!, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('x'), signature)).toBe(true);
  });

  it('validates arguments before anything else (errSecParam naming the argument)', async () => {
    await expect(SecKeyCreateSignature('not a key' as unknown as SecHandle, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('x')))
      .rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('key must be a SecKey handle') });
    const ac = await SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, 0);
    await expect(SecKeyIsAlgorithmSupported(ac, kSecKeyOperationTypeSign, kSecKeyAlgorithmECDSASignatureMessageX962SHA256))
      .rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('SecAccessControlCreateWithFlags works through the default backend', async () => {
    const ac = await SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence);
    expect(ac.kind).toBe('SecAccessControl');
    await expect(SecAccessControlCreateWithFlags('', 0)).rejects.toMatchObject({ code: 'errSecParam' });
  });
});
