/**
 * SecAccessControl in the emulator (spec/semantics.md sections 10 and 11): creating one with
 * Apple's validation, what its constraints protect, and the simulated user who answers the
 * authentication prompts they cause.
 */
import { constantGroups } from '../constantTables.js';
import { paramError, secError } from '../errors.js';
import { ACCESSIBILITY_VALUES } from './access.js';
import type { AccessControlSpec } from './codec.js';

const F = constantGroups.accessControlFlags;

/** Flags that are constraints: each needs the user (spec 10.1). */
const CONSTRAINTS = [
  ['userPresence', F.kSecAccessControlUserPresence],
  ['biometryAny', F.kSecAccessControlBiometryAny],
  ['biometryCurrentSet', F.kSecAccessControlBiometryCurrentSet],
  ['devicePasscode', F.kSecAccessControlDevicePasscode],
  ['companion', F.kSecAccessControlCompanion],
] as const;
export type Constraint = (typeof CONSTRAINTS)[number][0];

const has = (flags: number, bit: number): boolean => Math.floor(flags / bit) % 2 === 1;

/** SecAccessControlCreateWithFlags' checks (spec 11.1, 11.2), as errSecParam. */
export function createAccessControl(protection: unknown, rawFlags: unknown): AccessControlSpec {
  if (typeof protection !== 'string' || !(ACCESSIBILITY_VALUES as readonly string[]).includes(protection)) {
    throw paramError(`protection ${JSON.stringify(protection)} is not a kSecAttrAccessible value`);
  }
  if (typeof rawFlags !== 'number' || !Number.isInteger(rawFlags) || rawFlags < -0x80000000 || rawFlags > 0xffffffff) {
    throw paramError(`flags must be a SecAccessControlCreateFlags bit mask, not ${JSON.stringify(rawFlags)}`);
  }
  // JavaScript's | yields a signed 32-bit number, so kSecAccessControlApplicationPassword (1 << 31)
  // combined with anything comes out negative; read the mask as unsigned.
  const flags = rawFlags >>> 0;
  if (has(flags, F.kSecAccessControlOr) && has(flags, F.kSecAccessControlAnd)) {
    throw paramError('kSecAccessControlOr and kSecAccessControlAnd cannot be combined');
  }
  if (has(flags, F.kSecAccessControlBiometryAny) && has(flags, F.kSecAccessControlBiometryCurrentSet)) {
    throw paramError('kSecAccessControlBiometryAny and kSecAccessControlBiometryCurrentSet cannot be combined');
  }
  if (has(flags, F.kSecAccessControlUserPresence)) {
    const others = CONSTRAINTS.filter(([name, bit]) => name !== 'userPresence' && has(flags, bit));
    if (others.length > 0 || has(flags, F.kSecAccessControlOr) || has(flags, F.kSecAccessControlAnd)) {
      throw paramError('kSecAccessControlUserPresence combines only with kSecAccessControlApplicationPassword or kSecAccessControlPrivateKeyUsage');
    }
  }
  return { protection, flags };
}

export function constraintsOf(spec: AccessControlSpec): Constraint[] {
  return CONSTRAINTS.filter(([, bit]) => has(spec.flags, bit)).map(([name]) => name);
}

/**
 * Whether reading an item's secret needs the user (spec 10.1): it does when the access
 * control has constraints, unless they guard private-key use instead (PrivateKeyUsage).
 */
export function readNeedsAuthentication(spec: AccessControlSpec | undefined): boolean {
  return !!spec && constraintsOf(spec).length > 0 && !has(spec.flags, F.kSecAccessControlPrivateKeyUsage);
}

/** What the simulated user does at the next prompts. */
export type PromptResponse = 'approve' | 'cancel' | 'fail';

/** One authentication prompt the emulator showed, for tests to inspect. */
export interface PromptRecord {
  /** kSecUseOperationPrompt, or '' when the call gave none. */
  readonly reason: string;
  readonly constraints: readonly Constraint[];
  /** Whether all constraints (And, the default) or any one (Or) had to be met (spec 11.3). */
  readonly mode: 'all' | 'any';
  readonly response: PromptResponse | 'unavailable';
}

/** The simulated device owner: biometry, passcode and how they answer prompts. */
export interface SimulatedUser {
  biometryEnrolled: boolean;
  response: PromptResponse;
}

/**
 * Runs the prompt an item's access control causes (spec 10.3): user cancel →
 * errSecUserCanceled, a failed or impossible evaluation → errSecAuthFailed.
 */
export function authenticate(
  spec: AccessControlSpec, reason: string, user: SimulatedUser, passcodeSet: boolean, log: PromptRecord[],
): void {
  const constraints = constraintsOf(spec);
  const mode = has(spec.flags, F.kSecAccessControlOr) ? 'any' : 'all';
  const possible = (c: Constraint): boolean => {
    switch (c) {
      case 'biometryAny':
      case 'biometryCurrentSet':
        return user.biometryEnrolled;
      case 'devicePasscode':
        return passcodeSet;
      case 'userPresence':
        return user.biometryEnrolled || passcodeSet;
      case 'companion':
        return false; // no paired watch or companion device is simulated
    }
  };
  const satisfiable = mode === 'any' ? constraints.some(possible) : constraints.every(possible);
  if (!satisfiable) {
    log.push({ reason, constraints, mode, response: 'unavailable' });
    throw secError('errSecAuthFailed', 'the item\'s access control cannot be satisfied on this device (no enrolled biometry, passcode or companion)');
  }
  log.push({ reason, constraints, mode, response: user.response });
  if (user.response === 'cancel') throw secError('errSecUserCanceled', 'the simulated user cancelled the authentication prompt');
  if (user.response === 'fail') throw secError('errSecAuthFailed', 'the simulated user failed authentication');
}
