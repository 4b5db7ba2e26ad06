// A Touch ID protected item. Requires macOS with Touch ID and a signed app (the access
// control puts the item in the data protection keychain, which needs an entitlement).
//
// `accessControl` comes from SecAccessControlCreateWithFlags, e.g.
//   SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly,
//                                   kSecAccessControlBiometryCurrentSet)
// Every read of the secret then shows the system prompt with `prompt` as its reason;
// cancelling rejects with errSecUserCanceled (-128), a failed match with errSecAuthFailed
// (-25293). Reading attributes only (find without `data`) never prompts.
import { Keychain, type SecHandle } from 'security-framework';

const vaultKey = (accessControl?: SecHandle) => ({
  class: 'genericPassword',
  keychain: 'dataProtection',
  service: 'com.example.vault',
  account: 'master-key',
  ...(accessControl ? { accessControl } : {}),
} as const);

export async function protectWithTouchId(kc: Keychain, accessControl: SecHandle, secret: Uint8Array): Promise<void> {
  await kc.set({ ...vaultKey(), accessControl }, secret);
}

export async function unlockVault(kc: Keychain): Promise<Buffer | null> {
  return kc.get(vaultKey(), { prompt: 'unlock your vault' });
}
