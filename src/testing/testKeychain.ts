/**
 * The test keychain: one in-memory emulator at a time, which is the process default from the
 * moment this module is imported. `useTestKeychain(options)` replaces it with a fresh one in
 * the state the options describe; `resetTestKeychain()` replaces it with a fresh one in the
 * same state (the one to call before each test); each closes the one it replaces.
 */
import type { Emulator } from '../api/emulator.js';
import { setDefaultBackend } from '../api/default.js';
import { followingBackend } from './following.js';
import { openTestKeychain, readTestKeychainOptions, type CheckedOptions, type TestKeychainOptions } from './options.js';

let options: CheckedOptions = readTestKeychainOptions(undefined);
let current: Emulator | undefined;

/** The current test keychain; the first call opens one (with the last options given). */
export function testKeychain(): Emulator {
  current ??= openTestKeychain(options);
  return current;
}

const processDefault = followingBackend(testKeychain);

function install(fresh: Emulator): Emulator {
  const previous = current;
  current = fresh;
  // Again each time: a test may have set another default since.
  setDefaultBackend(processDefault);
  // setDefaultBackend closes only a default it opened itself; this one was opened here.
  previous?.close();
  return fresh;
}

/**
 * Makes the process default a fresh in-memory emulator and returns it: the top-level calls,
 * `keychain()`, `new Keychain()`, the keytar facade and this module's `keytar` all reach it.
 * The options (app identity, lock state, passcode, the simulated user) are kept for
 * `resetTestKeychain`. The test keychain it replaces is closed. A bad option is errSecParam,
 * and then nothing changes.
 */
export function useTestKeychain(given?: TestKeychainOptions): Emulator {
  const checked = readTestKeychainOptions(given);
  const fresh = openTestKeychain(checked);
  options = checked.app === undefined ? checked : { ...checked, app: fresh.app! };
  return install(fresh);
}

/**
 * A fresh test keychain, empty, in the state the last `useTestKeychain` options describe (the
 * defaults if none were given): nothing a previous test stored, locked or scripted survives.
 * It takes no arguments, so it can be a hook itself: `beforeEach(resetTestKeychain)` (jest,
 * vitest, node:test).
 */
export function resetTestKeychain(): Emulator {
  return install(openTestKeychain(options));
}

// Importing the testing entry point is enough: from here on the process default is the test
// keychain (opened at its first use), never the real keychain or a store on disk.
setDefaultBackend(processDefault);
