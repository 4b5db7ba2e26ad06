// Tests can run keytar code on a throwaway emulator instead of the user's keychain.
import { createEmulator } from 'security-framework';
import { createKeytar, type KeytarApi } from 'security-framework/keytar';

export function keytarForTests(): KeytarApi {
  return createKeytar(createEmulator());   // in memory, fresh
}
