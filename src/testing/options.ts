/**
 * What a test keychain starts as: the app it runs as, the device's lock state and passcode,
 * and how the simulated user answers authentication prompts. Checked once, before any test
 * keychain is replaced, so a bad option leaves the current one in place.
 */
import { readOptions } from '../arguments.js';
import { createEmulator, type AppIdentity, type Emulator } from '../api/emulator.js';
import type { LockState } from '../emulator/access.js';
import type { PromptResponse } from '../emulator/accessControl.js';
import { paramError } from '../errors.js';
import { describeValue } from '../values.js';

export interface TestKeychainOptions {
  /**
   * The app's keychain-access-groups entitlement, the first group being the default for adds.
   * Absent: a plain unsigned process, as `node` is on a Mac, which the data protection
   * keychain refuses (errSecMissingEntitlement on writes).
   */
  app?: AppIdentity;
  /**
   * The device at the start of each test: 'unlocked' (default), 'locked' (WhenUnlocked items
   * unreadable) or 'beforeFirstUnlock' (just restarted: AfterFirstUnlock items unreadable too).
   */
  lockState?: LockState;
  /** Whether the device has a passcode (default true); WhenPasscodeSet items need one. */
  passcodeSet?: boolean;
  /** The simulated user, who answers every authentication prompt the same way. */
  user?: {
    /** 'approve' (default), 'cancel' (errSecUserCanceled, -128) or 'fail' (errSecAuthFailed, -25293). */
    response?: PromptResponse;
    /** Touch ID is enrolled (default true); false: biometry constraints cannot be met. */
    biometryEnrolled?: boolean;
  };
}

/** The options as read once: plain values, each checked. */
export interface CheckedOptions {
  readonly app?: AppIdentity;
  readonly lockState: LockState;
  readonly passcodeSet: boolean;
  readonly response: PromptResponse;
  readonly biometryEnrolled: boolean;
}

const LOCK_STATES: readonly LockState[] = ['unlocked', 'locked', 'beforeFirstUnlock'];
const RESPONSES: readonly PromptResponse[] = ['approve', 'cancel', 'fail'];

function oneOf<T extends string>(value: unknown, allowed: readonly T[], what: string, otherwise: T): T {
  if (value === undefined) return otherwise;
  if (!allowed.includes(value as T)) throw paramError(`${what} must be ${allowed.map((a) => `"${a}"`).join(', ')}, not ${describeValue(value)}`);
  return value as T;
}

function flag(value: unknown, what: string, otherwise: boolean): boolean {
  if (value === undefined) return otherwise;
  if (typeof value !== 'boolean') throw paramError(`${what} must be a boolean, not ${describeValue(value)}`);
  return value;
}

/** Reads and checks the options (errSecParam naming the option). */
export function readTestKeychainOptions(options: TestKeychainOptions | undefined): CheckedOptions {
  const given = readOptions(options, 'options', ['app', 'lockState', 'passcodeSet', 'user']);
  const user = readOptions(given.user, 'options.user', ['response', 'biometryEnrolled']);
  return {
    ...(given.app === undefined ? {} : { app: given.app as AppIdentity }),
    lockState: oneOf(given.lockState, LOCK_STATES, 'options.lockState', 'unlocked'),
    passcodeSet: flag(given.passcodeSet, 'options.passcodeSet', true),
    response: oneOf(user.response, RESPONSES, 'options.user.response', 'approve'),
    biometryEnrolled: flag(user.biometryEnrolled, 'options.user.biometryEnrolled', true),
  };
}

/** A fresh in-memory emulator in the state the options describe. */
export function openTestKeychain(options: CheckedOptions): Emulator {
  const emulator = createEmulator(options.app === undefined ? undefined : { app: options.app });
  if (options.lockState === 'locked') emulator.lock();
  if (options.lockState === 'beforeFirstUnlock') emulator.restart();
  emulator.passcodeSet = options.passcodeSet;
  emulator.user.response = options.response;
  emulator.user.biometryEnrolled = options.biometryEnrolled;
  return emulator;
}
