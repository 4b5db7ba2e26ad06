/**
 * `security-framework/testing`: a keychain for an app's tests that is never the real one.
 *
 * Importing this entry point makes the process default an in-memory emulator — the top-level
 * calls, `keychain()`, `new Keychain()` and `security-framework/keytar` all reach it — and
 * gives:
 *
 * - `useTestKeychain(options?)`: a fresh test keychain as the app identity, lock state,
 *   passcode and simulated user the options describe; returns the Emulator, whose controls
 *   (lock, unlock, restart, passcodeSet, user, prompts) a test can use;
 * - `resetTestKeychain()`: a fresh one in that same state, for `beforeEach`;
 * - `testKeychain()`: the current one;
 * - `keytar`: keytar's module over it, for `vi.mock('keytar', …)` or `jest.mock('keytar', …)`.
 *
 * docs/testing.md shows it with vitest, jest and node:test.
 */
export { useTestKeychain, resetTestKeychain, testKeychain } from './testKeychain.js';
export type { TestKeychainOptions } from './options.js';
export { keytar, type KeytarModule } from './keytar.js';
export type { KeytarApi } from '../typed/keytar.js';
export type { Emulator, AppIdentity } from '../api/emulator.js';
export type { LockState } from '../emulator/access.js';
export type { PromptRecord, PromptResponse, SimulatedUser } from '../emulator/accessControl.js';
