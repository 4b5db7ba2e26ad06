// Running in CI and over SSH (docs/ci-and-ssh.md): no call may prompt, none may hang.
import { Keychain, keychain, setDefaultBackend, withTimeout, type CFDictionary, type CFResult } from 'security-framework';

/** The process default for a CI job: no prompts, and no call longer than 20 s. */
export function configureForCi(): void {
  setDefaultBackend({ backend: process.platform === 'darwin' ? 'native' : 'emulator', interactive: false, timeout: 20_000 });
}

/** One Keychain that never prompts and gives up after 5 s, whatever the default does. */
export function quietKeychain(): Keychain {
  return new Keychain({ interactive: false, timeout: 5_000 });
}

/** One call with a limit of its own. */
export function findWithin(query: CFDictionary, milliseconds: number): Promise<CFResult | undefined> {
  return withTimeout(keychain(), milliseconds).SecItemCopyMatching(query);
}
