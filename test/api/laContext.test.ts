import { beforeEach, describe, expect, it } from 'vitest';
import {
  LAContext, createEmulator, type Emulator, SecHandle,
  LAPolicyDeviceOwnerAuthentication, LAPolicyDeviceOwnerAuthenticationWithBiometrics, LAErrorBiometryNotEnrolled,
  LAAccessControlOperationUseItem, kSecAccessControlBiometryAny, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  kSecAttrAccessControl, kSecAttrAccount, kSecClass, kSecClassGenericPassword, kSecMatchLimit, kSecMatchLimitAll,
  kSecReturnData, kSecUseAuthenticationContext, kSecUseDataProtectionKeychain, kSecValueData,
} from '../../src/index.js';

let emu: Emulator;
beforeEach(() => {
  emu = createEmulator({ app: { accessGroups: ['TEAM.com.example.app'] } });
});

describe('LAContext on the emulator (spec 10.4, 10.6, 17)', () => {
  it('is a handle that can go into a dictionary as kSecUseAuthenticationContext', () => {
    const context = new LAContext({ backend: emu });
    expect(context).toBeInstanceOf(SecHandle);
    expect(context.kind).toBe('LAContext');
  });

  it('17.1 canEvaluatePolicy reports the LAError code when biometry is not enrolled', async () => {
    const context = new LAContext({ backend: emu });
    await expect(context.canEvaluatePolicy(LAPolicyDeviceOwnerAuthenticationWithBiometrics)).resolves.toEqual({ canEvaluate: true });
    emu.user.biometryEnrolled = false;
    expect(context.biometryType).toBe(0);
    await expect(context.canEvaluatePolicy(LAPolicyDeviceOwnerAuthenticationWithBiometrics))
      .resolves.toMatchObject({ canEvaluate: false, errorCode: LAErrorBiometryNotEnrolled });
    await expect(context.canEvaluatePolicy(LAPolicyDeviceOwnerAuthentication)).resolves.toEqual({ canEvaluate: true });
  });

  it('17.4 evaluatePolicy needs a non-empty reason (errSecParam, no prompt)', async () => {
    const context = new LAContext({ backend: emu });
    await expect(context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, '')).rejects.toMatchObject({ code: 'errSecParam' });
    expect(emu.prompts).toHaveLength(0);
  });

  it('10.3 a cancelled evaluation rejects with errSecUserCanceled and LAErrorUserCancel', async () => {
    emu.user.response = 'cancel';
    const context = new LAContext({ backend: emu });
    await expect(context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, 'Unlock')).rejects.toMatchObject({ code: 'errSecUserCanceled', laErrorCode: -2 });
    expect(emu.prompts).toEqual([{ reason: 'Unlock', constraints: [], mode: 'all', policy: 2, response: 'cancel' }]);
  });

  it('10.4 authenticate once, then read several protected items without another prompt', async () => {
    const ac = await emu.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    for (const account of ['a', 'b']) {
      await emu.SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: account, [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from(account) });
    }
    const context = new LAContext({ backend: emu });
    await context.evaluateAccessControl(ac, LAAccessControlOperationUseItem, 'Read your passwords');
    const all = await emu.SecItemCopyMatching({
      [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: true, [kSecMatchLimit]: kSecMatchLimitAll,
      [kSecReturnData]: true, [kSecUseAuthenticationContext]: context,
    }) as Buffer[];
    expect(all.map(String)).toEqual(['a', 'b']);
    expect(emu.prompts).toHaveLength(1);
  });

  it('10.4 a context not yet authenticated prompts once, and then no more', async () => {
    const ac = await emu.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    await emu.SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'x', [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('x') });
    const context = new LAContext({ backend: emu });
    const q = { [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: true, [kSecReturnData]: true, [kSecUseAuthenticationContext]: context };
    await emu.SecItemCopyMatching(q);
    await emu.SecItemCopyMatching(q);
    expect(emu.prompts).toHaveLength(1);
  });

  it('10.6 interactionNotAllowed makes a read that needs UI fail with errSecInteractionNotAllowed', async () => {
    const ac = await emu.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlBiometryAny);
    await emu.SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'x', [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('x') });
    const context = new LAContext({ backend: emu });
    context.interactionNotAllowed = true;
    await expect(emu.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: true, [kSecReturnData]: true, [kSecUseAuthenticationContext]: context }))
      .rejects.toMatchObject({ code: 'errSecInteractionNotAllowed', laErrorCode: -1004 });
  });

  it('17.2 after invalidate, evaluations fail with LAErrorInvalidContext', async () => {
    const context = new LAContext({ backend: emu });
    context.invalidate();
    await expect(context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, 'Unlock')).rejects.toMatchObject({ code: 'errSecAuthFailed', laErrorCode: -10 });
    await expect(context.canEvaluatePolicy(LAPolicyDeviceOwnerAuthentication)).resolves.toMatchObject({ canEvaluate: false, errorCode: -10 });
  });

  it('17.3 the reuse duration defaults to 0 and is capped at 5 minutes', () => {
    const context = new LAContext({ backend: emu });
    expect(context.touchIDAuthenticationAllowableReuseDuration).toBe(0);
    context.touchIDAuthenticationAllowableReuseDuration = 3600;
    expect(context.touchIDAuthenticationAllowableReuseDuration).toBe(300);
    expect(() => { context.touchIDAuthenticationAllowableReuseDuration = -1; }).toThrow(expect.objectContaining({ code: 'errSecParam' }));
  });

  it('keeps its localized titles', () => {
    const context = new LAContext({ backend: emu });
    context.localizedCancelTitle = 'Not now';
    context.localizedFallbackTitle = null;
    context.localizedReason = 'Sign in';
    expect([context.localizedCancelTitle, context.localizedFallbackTitle, context.localizedReason]).toEqual(['Not now', null, 'Sign in']);
  });

  it('an aborted signal rejects before prompting', async () => {
    const context = new LAContext({ backend: emu });
    await expect(context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, 'Unlock', { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'errSecUserCanceled' });
    expect(emu.prompts).toHaveLength(0);
  });
});
