import { beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, type Emulator,
  kSecAccessControlAnd, kSecAccessControlBiometryAny, kSecAccessControlBiometryCurrentSet, kSecAccessControlDevicePasscode,
  kSecAccessControlOr, kSecAccessControlPrivateKeyUsage, kSecAccessControlUserPresence, kSecAccessControlApplicationPassword,
  kSecAttrAccessControl, kSecAttrAccessible, kSecAttrAccessibleWhenUnlocked, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  kSecAttrAccount, kSecAttrService, kSecAttrSynchronizable, kSecClass, kSecClassGenericPassword, kSecMatchLimit, kSecMatchLimitAll,
  kSecReturnAttributes, kSecReturnData, kSecUseAuthenticationUI, kSecUseAuthenticationUIFail, kSecUseAuthenticationUISkip,
  kSecUseDataProtectionKeychain, kSecUseOperationPrompt, kSecValueData, kSecAttrLabel, SecHandle,
} from '../../src/index.js';

const GROUP = 'TEAM.com.example.app';
let kc: Emulator;
beforeEach(() => {
  kc = createEmulator({ app: { accessGroups: [GROUP] } });
});

const base = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'ac', [kSecUseDataProtectionKeychain]: true } as const;

async function addProtected(account: string, flags: number) {
  const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, flags);
  await kc.SecItemAdd({ ...base, [kSecAttrAccount]: account, [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from(`secret ${account}`) });
}

describe('SecAccessControlCreateWithFlags (spec 11)', () => {
  it('11.1 accepts every accessibility value as the protection', async () => {
    for (const p of ['ak', 'ck', 'dk', 'aku', 'cku', 'dku', 'akpu']) {
      const ac = await kc.SecAccessControlCreateWithFlags(p, 0);
      expect(ac).toBeInstanceOf(SecHandle);
      expect(ac.kind).toBe('SecAccessControl');
    }
  });

  it('11.1 any other protection → errSecParam', async () => {
    await expect(kc.SecAccessControlCreateWithFlags('xx', 0)).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it.each([
    ['Or with And', kSecAccessControlOr | kSecAccessControlAnd | kSecAccessControlBiometryAny | kSecAccessControlDevicePasscode],
    ['BiometryAny with BiometryCurrentSet', kSecAccessControlBiometryAny | kSecAccessControlBiometryCurrentSet],
    ['UserPresence with DevicePasscode', kSecAccessControlUserPresence | kSecAccessControlDevicePasscode],
    ['UserPresence with Or', kSecAccessControlUserPresence | kSecAccessControlOr],
  ])('11.2 %s → errSecParam', async (_name, flags) => {
    await expect(kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, flags)).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('11.2 UserPresence combines with ApplicationPassword and PrivateKeyUsage', async () => {
    await expect(kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence | kSecAccessControlApplicationPassword)).resolves.toBeInstanceOf(SecHandle);
    await expect(kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence | kSecAccessControlPrivateKeyUsage)).resolves.toBeInstanceOf(SecHandle);
  });

  it('11.3 several constraints without Or must all be met; with Or any one', async () => {
    kc.user.biometryEnrolled = false;
    await addProtected('and', kSecAccessControlBiometryAny | kSecAccessControlDevicePasscode);
    await addProtected('or', kSecAccessControlBiometryAny | kSecAccessControlDevicePasscode | kSecAccessControlOr);
    await expect(kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'and', [kSecReturnData]: true })).rejects.toMatchObject({ code: 'errSecAuthFailed' });
    expect(String(await kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'or', [kSecReturnData]: true }))).toBe('secret or');
    expect(kc.prompts.map((p) => [p.mode, p.response])).toEqual([['all', 'unavailable'], ['any', 'approve']]);
  });
});

describe('access control on items (spec 10)', () => {
  it('2.7 an access control routes the item to the data protection keychain and sets its accessibility', async () => {
    const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlUserPresence);
    await kc.SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'routed', [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('x') });
    const attrs = await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: true, [kSecAttrAccount]: 'routed', [kSecReturnAttributes]: true }) as Record<string, unknown>;
    expect(attrs.pdmn).toBe('aku');
    expect(attrs.accc).toBeInstanceOf(SecHandle);
  });

  it('2.7 kSecAttrAccessible together with kSecAttrAccessControl → errSecParam', async () => {
    const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, 0);
    await expect(kc.SecItemAdd({ ...base, [kSecAttrAccount]: 'both', [kSecAttrAccessible]: kSecAttrAccessibleWhenUnlocked, [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('x') }))
      .rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('2.7 kSecAttrAccessControl that is not a SecAccessControl → errSecParam', async () => {
    await expect(kc.SecItemAdd({ ...base, [kSecAttrAccount]: 'bad', [kSecAttrAccessControl]: 'ak', [kSecValueData]: Buffer.from('x') }))
      .rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecAttrAccessControl') });
  });

  it('3.7 an access control with constraints cannot be synchronizable', async () => {
    const ac = await kc.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence);
    await expect(kc.SecItemAdd({ ...base, [kSecAttrAccount]: 's', [kSecAttrSynchronizable]: true, [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('x') }))
      .rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('10.1 reading the data prompts, with kSecUseOperationPrompt as the reason', async () => {
    await addProtected('touch', kSecAccessControlBiometryCurrentSet);
    const data = await kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'touch', [kSecReturnData]: true, [kSecUseOperationPrompt]: 'Sign in to Example' });
    expect(String(data)).toBe('secret touch');
    expect(kc.prompts).toEqual([{ reason: 'Sign in to Example', constraints: ['biometryCurrentSet'], mode: 'all', response: 'approve' }]);
  });

  it('10.1 adding and deleting never prompt (6.5)', async () => {
    await addProtected('quiet', kSecAccessControlUserPresence);
    await kc.SecItemDelete({ ...base, [kSecAttrAccount]: 'quiet' });
    expect(kc.prompts).toHaveLength(0);
  });

  it('10.1 PrivateKeyUsage guards key use, not reading the item', async () => {
    await addProtected('pku', kSecAccessControlUserPresence | kSecAccessControlPrivateKeyUsage);
    expect(String(await kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'pku', [kSecReturnData]: true }))).toBe('secret pku');
    expect(kc.prompts).toHaveLength(0);
  });

  it('10.2 attribute-only queries never prompt', async () => {
    await addProtected('attrs', kSecAccessControlUserPresence);
    await kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'attrs', [kSecReturnAttributes]: true });
    expect(kc.prompts).toHaveLength(0);
  });

  it('10.3 the user cancels → errSecUserCanceled; fails → errSecAuthFailed', async () => {
    await addProtected('c', kSecAccessControlUserPresence);
    kc.user.response = 'cancel';
    await expect(kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'c', [kSecReturnData]: true })).rejects.toMatchObject({ code: 'errSecUserCanceled', status: -128 });
    kc.user.response = 'fail';
    await expect(kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'c', [kSecReturnData]: true })).rejects.toMatchObject({ code: 'errSecAuthFailed', status: -25293 });
  });

  it('10.4 without an authentication context every call prompts again', async () => {
    await addProtected('again', kSecAccessControlUserPresence);
    const q = { ...base, [kSecAttrAccount]: 'again', [kSecReturnData]: true };
    await kc.SecItemCopyMatching(q);
    await kc.SecItemCopyMatching(q);
    expect(kc.prompts).toHaveLength(2);
  });

  it('10.5 kSecUseAuthenticationUIFail → errSecInteractionNotAllowed instead of a prompt', async () => {
    await addProtected('f', kSecAccessControlUserPresence);
    await expect(kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'f', [kSecReturnData]: true, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail }))
      .rejects.toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(kc.prompts).toHaveLength(0);
  });

  it('10.5 kSecUseAuthenticationUISkip leaves protected items out; nothing else → errSecItemNotFound', async () => {
    await addProtected('p', kSecAccessControlUserPresence);
    await kc.SecItemAdd({ ...base, [kSecAttrAccount]: 'open', [kSecValueData]: Buffer.from('open') });
    const all = await kc.SecItemCopyMatching({ ...base, [kSecMatchLimit]: kSecMatchLimitAll, [kSecReturnData]: true, [kSecUseAuthenticationUI]: kSecUseAuthenticationUISkip }) as Buffer[];
    expect(all.map(String)).toEqual(['open']);
    await expect(kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'p', [kSecReturnData]: true, [kSecUseAuthenticationUI]: kSecUseAuthenticationUISkip }))
      .rejects.toMatchObject({ code: 'errSecItemNotFound' });
    expect(kc.prompts).toHaveLength(0);
  });

  it('5.9 updating a protected item asks for authentication like a data read', async () => {
    await addProtected('u', kSecAccessControlUserPresence);
    kc.user.response = 'cancel';
    await expect(kc.SecItemUpdate({ ...base, [kSecAttrAccount]: 'u' }, { [kSecAttrLabel]: 'new' })).rejects.toMatchObject({ code: 'errSecUserCanceled' });
    kc.user.response = 'approve';
    await kc.SecItemUpdate({ ...base, [kSecAttrAccount]: 'u' }, { [kSecAttrLabel]: 'new' });
    const attrs = await kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'u', [kSecReturnAttributes]: true }) as Record<string, unknown>;
    expect(attrs.labl).toBe('new');
  });

  it('10.1 a biometry constraint without enrolled biometry cannot be met → errSecAuthFailed', async () => {
    kc.user.biometryEnrolled = false;
    await addProtected('bio', kSecAccessControlBiometryAny);
    await expect(kc.SecItemCopyMatching({ ...base, [kSecAttrAccount]: 'bio', [kSecReturnData]: true })).rejects.toMatchObject({ code: 'errSecAuthFailed' });
  });
});
