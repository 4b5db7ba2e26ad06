// The native addon on a real Mac. Off macOS every test here is skipped, and the suite names
// say why. Tests that touch a keychain also need SF_KEYCHAIN_TESTS=1, which the macOS workflow
// sets only after it has created a temporary, unlocked keychain and made it the default and
// only keychain in the search list (docs/native.md, "Continuous integration"): a locked or
// prompting keychain would hang a runner, and a developer's own keychain is never touched.
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import * as exported from '../../src/index.js';
import {
  LAContext, LAPolicyDeviceOwnerAuthentication, LAPolicyDeviceOwnerAuthenticationWithBiometrics, SecError, SecHandle,
  kSecAttrAccessibleWhenUnlocked, kSecAttrAccount, kSecAttrIsPermanent, kSecAttrKeySizeInBits, kSecAttrKeyType,
  kSecAttrKeyTypeECSECPrimeRandom, kSecAttrLabel, kSecAttrService, kSecClass, kSecClassGenericPassword,
  kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecKeyOperationTypeSign, kSecMatchLimit, kSecMatchLimitAll,
  kSecMatchLimitOne, kSecPrivateKeyAttrs, kSecReturnAttributes, kSecReturnData, kSecUseDataProtectionKeychain,
  kSecValueData,
} from '../../src/index.js';
import { loadNativeBackend } from '../../src/backend/native.js';
import { NOT_READABLE } from '../../scripts/gen-native-constants.mjs';

const onMac = process.platform === 'darwin';
const keychainReady = onMac && process.env.SF_KEYCHAIN_TESTS === '1';
const TIMEOUT = 20_000;

describe.skipIf(!onMac)(`native addon on macOS${onMac ? '' : ` (skipped: needs macOS, this is ${process.platform})`}`, () => {
  it('loads, and its constant table equals the TypeScript values, name by name', () => {
    const backend = loadNativeBackend();
    const native = backend.constants;
    const ours = Object.entries(exported).filter(([n, v]) => /^(kSec|LA)/.test(n) && (typeof v === 'string' || typeof v === 'number'));
    const mismatches = ours.filter(([n, v]) => n in native && native[n] !== v).map(([n, v]) => `${n}: ours ${String(v)}, framework ${String(native[n])}`);
    expect(mismatches).toEqual([]);
    // Absent: the names scripts/gen-native-constants.mjs lists, and the macOS 14 algorithms on older systems.
    const absent = ours.map(([n]) => n).filter((n) => !(n in native) && !(n in NOT_READABLE) && !/RFC4754/.test(n));
    expect(absent).toEqual([]);
  });

  it('SecAccessControlCreateWithFlags returns a SecAccessControl handle; a bad protection is a SecError', async () => {
    const backend = loadNativeBackend();
    const access = await backend.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, exported.kSecAccessControlUserPresence);
    expect(access).toBeInstanceOf(SecHandle);
    expect(access.kind).toBe('SecAccessControl');
    await expect(backend.SecAccessControlCreateWithFlags('not-a-protection', 0)).rejects.toBeInstanceOf(SecError);
  }, TIMEOUT);

  it('an ephemeral P-256 key signs, and node:crypto verifies the signature with the exported public key', async () => {
    const backend = loadNativeBackend();
    const key = await backend.SecKeyCreateRandomKey({
      [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256,
      [kSecPrivateKeyAttrs]: { [kSecAttrIsPermanent]: false },
    });
    expect(key.kind).toBe('SecKey');
    expect(await backend.SecKeyIsAlgorithmSupported(key, kSecKeyOperationTypeSign, kSecKeyAlgorithmECDSASignatureMessageX962SHA256)).toBe(true);
    const message = Buffer.from('security-framework native test');
    const signature = await backend.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    const publicKey = await backend.SecKeyCopyPublicKey(key);
    expect(publicKey?.kind).toBe('SecKey');
    const point = await backend.SecKeyCopyExternalRepresentation(publicKey!);
    expect(point.length).toBe(65);
    expect(point[0]).toBe(0x04);
    const jwk = { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') };
    expect(cryptoVerify('sha256', message, { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'der' }, signature)).toBe(true);
    expect(await backend.SecKeyVerifySignature(publicKey!, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature)).toBe(true);
    const tampered = Buffer.from(message);
    tampered[0]! ^= 1;
    await expect(backend.SecKeyVerifySignature(publicKey!, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, tampered, signature))
      .rejects.toBeInstanceOf(SecError);
    const attributes = await backend.SecKeyCopyAttributes(key);
    // A file-based (CDSA) key may report its type as a number: compare the text.
    expect(String(attributes[kSecAttrKeyType])).toBe(kSecAttrKeyTypeECSECPrimeRandom);
  }, TIMEOUT);

  it('a wrong handle kind, or a value with no CF counterpart, is errSecParam naming the argument', async () => {
    const backend = loadNativeBackend();
    const access = await backend.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, 0);
    await expect(backend.SecKeyCopyAttributes(access)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('key') });
    await expect(backend.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecAttrLabel]: Symbol('x') as never }))
      .rejects.toMatchObject({ status: -50, message: expect.stringContaining('labl') });
    // Straight to the addon, past the TypeScript checks: the addon's own checks must hold.
    const addon = (backend as unknown as { addon: import('../../src/backend/addon.js').NativeAddon }).addon;
    await expect(addon.secItemCopyMatching({ class: 'genp', v_Data: new Int16Array(2) })).rejects.toMatchObject({ status: -50 });
    await expect(addon.secItemCopyMatching({ class: 'genp', v_Data: new DataView(new ArrayBuffer(2)) })).rejects.toMatchObject({ status: -50 });
    await expect(addon.secItemCopyMatching({ class: 'genp', u_AuthCtx: 'not a context' })).rejects.toMatchObject({ status: -50, operation: 'SecItemCopyMatching' });
    const context = addon.laContextCreate();
    // LocalAuthentication raises on an unknown policy; the addon must refuse it first.
    await expect(addon.laContextEvaluatePolicy(context, 5, 'reason')).rejects.toMatchObject({ status: -50 });
    await expect(addon.laContextEvaluatePolicy(context, 2, '')).rejects.toMatchObject({ status: -50 });
    expect(() => addon.laContextSet(context, 'localizedReason', '')).toThrow(expect.objectContaining({ status: -50 }));
    const fake = Object.create(Object.getPrototypeOf(context) as object) as typeof context;
    await expect(addon.secKeyCopyAttributes(fake)).rejects.toMatchObject({ status: -50 });
  }, TIMEOUT);

  it('LAContext: canEvaluatePolicy answers with a boolean; an evaluation that may not show UI settles quickly', async () => {
    const backend = loadNativeBackend();
    const context = new LAContext({ backend });
    const answer = await context.canEvaluatePolicy(LAPolicyDeviceOwnerAuthenticationWithBiometrics);
    expect(typeof answer.canEvaluate).toBe('boolean');
    context.interactionNotAllowed = true;
    expect(context.interactionNotAllowed).toBe(true);
    // Never without interactionNotAllowed on CI: the password prompt would wait for ever.
    const settled = await context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, 'run the native test suite').then(() => 'resolved', (e: unknown) => e);
    expect(settled === 'resolved' || settled instanceof SecError).toBe(true);
  }, TIMEOUT);
});

describe.skipIf(!keychainReady)(
  `native keychain${keychainReady ? '' : ' (skipped: needs macOS and SF_KEYCHAIN_TESTS=1 with a temporary unlocked keychain)'}`, () => {
    const service = `security-framework-test-${randomUUID()}`;

    it('add, find, update and delete a generic password in the file-based keychain', async () => {
      const backend = loadNativeBackend();
      const base = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: service, [kSecAttrAccount]: 'alice' };
      try {
        await backend.SecItemAdd({ ...base, [kSecValueData]: Buffer.from('s3cret ✓') });
        await expect(backend.SecItemAdd({ ...base, [kSecValueData]: Buffer.from('again') })).rejects.toMatchObject({ status: -25299, code: 'errSecDuplicateItem' });
        const found = await backend.SecItemCopyMatching({ ...base, [kSecReturnAttributes]: true, [kSecReturnData]: true, [kSecMatchLimit]: kSecMatchLimitOne }) as Record<string, unknown>;
        expect(found[kSecAttrAccount]).toBe('alice');
        expect(String(found[kSecValueData])).toBe('s3cret ✓');
        await backend.SecItemUpdate(base, { [kSecValueData]: Buffer.from('changed') });
        expect(String(await backend.SecItemCopyMatching({ ...base, [kSecReturnData]: true }))).toBe('changed');
        const all = await backend.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: service, [kSecReturnAttributes]: true, [kSecMatchLimit]: kSecMatchLimitAll });
        expect(Array.isArray(all)).toBe(true);
      } finally {
        await backend.SecItemDelete(base).catch(() => undefined);
      }
      await expect(backend.SecItemCopyMatching({ ...base, [kSecReturnData]: true })).rejects.toMatchObject({ status: -25300, code: 'errSecItemNotFound' });
    }, TIMEOUT);

    it('plain node has no keychain-access-groups entitlement: the data protection keychain answers errSecMissingEntitlement', async () => {
      const backend = loadNativeBackend();
      await expect(backend.SecItemAdd({
        [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: service, [kSecAttrAccount]: 'dp',
        [kSecValueData]: Buffer.from('x'), [kSecUseDataProtectionKeychain]: true,
      })).rejects.toMatchObject({ status: -34018 });
    }, TIMEOUT);

    it('200 calls in flight all settle (the serial queue and its thread-safe functions)', async () => {
      const backend = loadNativeBackend();
      const query = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: `${service}-absent`, [kSecReturnData]: true };
      const outcomes = await Promise.allSettled(Array.from({ length: 200 }, () => backend.SecItemCopyMatching(query)));
      expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as SecError).status === -25300)).toBe(true);
    }, TIMEOUT);
  });
