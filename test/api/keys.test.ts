import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SecAccessControlCreateWithFlags, SecHandle, SecKeyCreateRandomKey, SecKeyCreateSignature, SecKeyIsAlgorithmSupported,
  kSecAttrAccessibleWhenUnlocked, kSecAttrKeySizeInBits, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom,
  kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecKeyOperationTypeSign, kSecAccessControlUserPresence,
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
  it('SecKey calls reject with errSecUnimplemented saying the emulator does not model keys yet', async () => {
    await expect(SecKeyCreateRandomKey({ [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 }))
      .rejects.toMatchObject({ code: 'errSecUnimplemented', message: expect.stringContaining('does not model keys') });
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
