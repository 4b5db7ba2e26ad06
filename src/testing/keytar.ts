/**
 * keytar as a module, over the test keychain: what `vi.mock('keytar', …)` and
 * `jest.mock('keytar', …)` return, so an app that still imports keytar runs its tests on the
 * emulator. Each call goes to the test keychain current at that moment, so the module can be
 * created once (a mock factory runs once) and still follow `resetTestKeychain()`.
 */
import { createKeytar, type KeytarApi } from '../typed/keytar.js';
import { testKeychain } from './testKeychain.js';

/**
 * keytar's five functions, also as the default export: `import keytar from 'keytar'`,
 * `import * as keytar from 'keytar'`, `import { getPassword } from 'keytar'` and
 * `require('keytar')` all find them. `default` is the module itself, so a spy set on either
 * is seen through both.
 */
export interface KeytarModule extends KeytarApi {
  readonly default: KeytarModule;
}

function keytarModule(): KeytarModule {
  const { getPassword, setPassword, deletePassword, findPassword, findCredentials } = createKeytar(testKeychain);
  const module = { getPassword, setPassword, deletePassword, findPassword, findCredentials } as KeytarApi as KeytarModule;
  Object.defineProperty(module, 'default', { value: module, enumerable: true });
  return module;
}

export const keytar: KeytarModule = keytarModule();
