/**
 * SecAccessControl in the emulator (spec/semantics.md sections 10 and 11): creating one with
 * Apple's validation, what its constraints protect, and the simulated user who answers the
 * authentication prompts they cause.
 */
import { requireFlags } from '../arguments.js';
import { constantGroups } from '../constantTables.js';
import { LAErrorCode, laError, paramError } from '../errors.js';
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
  // JavaScript's | yields a signed 32-bit number, so kSecAccessControlApplicationPassword (1 << 31)
  // combined with anything comes out negative; read the mask as unsigned.
  const flags = requireFlags(rawFlags, 'flags') >>> 0;
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
  /** kSecUseOperationPrompt or the LAContext's localized reason; '' when none was given. */
  readonly reason: string;
  /** The access control's constraints; empty for an LAContext policy evaluation. */
  readonly constraints: readonly Constraint[];
  /** Whether all constraints (And, the default) or any one (Or) had to be met (spec 11.3). */
  readonly mode: 'all' | 'any';
  /** The LAPolicy of an `evaluatePolicy` prompt. */
  readonly policy?: number;
  readonly response: PromptResponse | 'unavailable';
}

/** The simulated device owner: biometry, passcode and how they answer prompts. */
export interface SimulatedUser {
  /** Touch ID is enrolled (LABiometryType Touch ID); false means no biometry at all. */
  biometryEnrolled: boolean;
  response: PromptResponse;
}

/** An emulated LAContext's state (LAContext.h; spec 10.4, 17). */
export interface EmulatedContext {
  invalidated: boolean;
  /** Set by a successful evaluation: later keychain reads with this context do not prompt. */
  authenticated: boolean;
  touchIDAuthenticationAllowableReuseDuration: number;
  localizedReason: string;
  localizedCancelTitle: string | null;
  localizedFallbackTitle: string | null;
  interactionNotAllowed: boolean;
}

export function newContext(): EmulatedContext {
  return {
    invalidated: false, authenticated: false, touchIDAuthenticationAllowableReuseDuration: 0,
    localizedReason: '', localizedCancelTitle: null, localizedFallbackTitle: null, interactionNotAllowed: false,
  };
}

/** Which LAError keeps a constraint from being met on this simulated device, or 0. */
function unavailability(c: Constraint, user: SimulatedUser, passcodeSet: boolean): number {
  switch (c) {
    case 'biometryAny':
    case 'biometryCurrentSet':
      return user.biometryEnrolled ? 0 : LAErrorCode.biometryNotEnrolled;
    case 'devicePasscode':
      return passcodeSet ? 0 : LAErrorCode.passcodeNotSet;
    case 'userPresence':
      return user.biometryEnrolled || passcodeSet ? 0 : LAErrorCode.passcodeNotSet;
    case 'companion':
      return LAErrorCode.watchNotAvailable; // no paired watch or companion device is simulated
  }
}

/**
 * Shows one prompt (spec 10.3, 10.6, 17.2): an invalidated context fails with
 * LAErrorInvalidContext, an impossible one with the reason it cannot be met, a context that
 * forbids interaction with LAErrorNotInteractive; otherwise the simulated user answers —
 * cancel → LAErrorUserCancel (errSecUserCanceled), fail → LAErrorAuthenticationFailed
 * (errSecAuthFailed). A success marks the context authenticated.
 */
export function prompt(
  request: { reason: string; constraints: readonly Constraint[]; mode: 'all' | 'any'; policy?: number; unavailable: number },
  user: SimulatedUser, log: PromptRecord[], context?: EmulatedContext,
): void {
  const { unavailable, ...shown } = request;
  if (context?.invalidated) throw laError(LAErrorCode.invalidContext, 'the LAContext was invalidated');
  if (unavailable !== 0) {
    log.push({ ...shown, response: 'unavailable' });
    throw laError(unavailable, 'the authentication cannot be performed on this device');
  }
  if (context?.interactionNotAllowed) throw laError(LAErrorCode.notInteractive, 'the LAContext does not allow interaction');
  log.push({ ...shown, response: user.response });
  if (user.response === 'cancel') throw laError(LAErrorCode.userCancel, 'the simulated user cancelled the authentication prompt');
  if (user.response === 'fail') throw laError(LAErrorCode.authenticationFailed, 'the simulated user failed authentication');
  if (context) context.authenticated = true;
}

/** The prompt an item's access control causes (spec 10.1, 11.3). */
export function authenticate(
  spec: AccessControlSpec, reason: string, user: SimulatedUser, passcodeSet: boolean, log: PromptRecord[], context?: EmulatedContext,
): void {
  const constraints = constraintsOf(spec);
  const mode = has(spec.flags, F.kSecAccessControlOr) ? 'any' : 'all';
  const codes = constraints.map((c) => unavailability(c, user, passcodeSet));
  const unavailable = mode === 'any'
    ? (codes.some((c) => c === 0) ? 0 : codes[0] ?? 0)
    : (codes.find((c) => c !== 0) ?? 0);
  prompt({ reason, constraints, mode, unavailable }, user, log, context);
}

/** canEvaluatePolicy's answer for an LAPolicy on the simulated device (spec 17.1). */
export function policyUnavailability(policy: number, user: SimulatedUser, passcodeSet: boolean): number {
  switch (policy) {
    case 1: // LAPolicyDeviceOwnerAuthenticationWithBiometrics
      return user.biometryEnrolled ? 0 : LAErrorCode.biometryNotEnrolled;
    case 2: // LAPolicyDeviceOwnerAuthentication
      return user.biometryEnrolled || passcodeSet ? 0 : LAErrorCode.passcodeNotSet;
    case 3: // LAPolicyDeviceOwnerAuthenticationWithWatch
      return LAErrorCode.watchNotAvailable;
    case 4: // LAPolicyDeviceOwnerAuthenticationWithBiometricsOrWatch
      return user.biometryEnrolled ? 0 : LAErrorCode.watchNotAvailable;
    default:
      throw paramError(`policy ${policy} is not an LAPolicy`);
  }
}
