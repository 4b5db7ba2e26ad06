// A tiny app: a vault secret in the data protection keychain that only Touch ID unlocks.
import {
  Keychain, SecAccessControlCreateWithFlags,
  kSecAccessControlBiometryCurrentSet, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly,
} from 'security-framework';

const vault = { class: 'genericPassword', keychain: 'dataProtection', service: 'com.example.vault', account: 'master-key' };

export async function createVault(secret) {
  const accessControl = await SecAccessControlCreateWithFlags(
    kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, kSecAccessControlBiometryCurrentSet);
  await new Keychain().set({ ...vault, accessControl }, secret);
}

export async function unlockVault() {
  return new Keychain().get(vault, { prompt: 'unlock your vault', encoding: 'utf8' });
}

export async function hasVault() {
  return (await new Keychain().find(vault)).length > 0;   // attributes only: no prompt
}
