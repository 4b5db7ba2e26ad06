import { getSystemErrorMessage, types } from 'node:util';
import { errorTable } from './errorTable.js';

/**
 * Practical advice for the statuses users meet most often. Apple's own message says what
 * happened; the hint says what to do about it.
 */
const hints: ReadonlyMap<number, string> = new Map([
  [-34018,
    'The data protection keychain needs a code-signed app with a keychain-access-groups ' +
    'entitlement (or an application identifier). A plain `node` process has none: omit ' +
    'kSecUseDataProtectionKeychain to use the file-based login keychain, or sign the app. ' +
    'In the emulator pass createEmulator({ app: { accessGroups: [...] } }).'],
  [-25308,
    'The item cannot be read right now: the keychain (or device) is locked, or the item ' +
    'needs user interaction that the call forbade (kSecUseAuthenticationUIFail, ' +
    'LAContext.interactionNotAllowed). Retry after unlock, or choose an accessibility such ' +
    'as kSecAttrAccessibleAfterFirstUnlock for background access.'],
  [-25300,
    'Nothing matched. Every attribute in the query must equal the stored one exactly ' +
    '(case-sensitive), synchronizable items are hidden unless kSecAttrSynchronizable is ' +
    'true or kSecAttrSynchronizableAny, and items of other access groups or of the other ' +
    'keychain (kSecUseDataProtectionKeychain) are not visible.'],
  [-25299,
    'An item with the same primary key already exists. Uniqueness uses only the class\'s ' +
    'key attributes (generic password: account, service, access group, synchronizable; ' +
    'internet password: account, server, protocol, port, path, security domain, ' +
    'authentication type, …), not label or generic data. Update the existing item with ' +
    'SecItemUpdate, or delete it first.'],
  [-25293,
    'Authentication failed: the user did not pass the Touch ID / password check, or a ' +
    'WhenPasscodeSetThisDeviceOnly item was added on a device without a passcode.'],
  [-128,
    'The user dismissed the authentication prompt. Treat it as a choice, not a failure; ' +
    'ask again only on a new user action.'],
  [-50,
    'A parameter was not valid. The message names the argument or dictionary key and says what ' +
    'was wrong with it (its type, its value, or a combination Apple rejects).'],
]);

/** Apple's name for an OSStatus (e.g. "errSecItemNotFound"), or "OSStatus <n>". */
export function statusName(status: number): string {
  return errorTable.get(status)?.[0] ?? `OSStatus ${status}`;
}

/**
 * `SecCopyErrorMessageString(status)`: the text macOS gives for an OSStatus. Known codes get
 * the SecBase.h comment text; 100000–100255 are Unix errors; anything else is
 * "OSStatus <n>".
 */
// spec/semantics.md 18.1
export function SecCopyErrorMessageString(status: number): string {
  // An OSStatus is an SInt32 (MacTypes.h); anything else is the caller's mistake, not a code.
  if (typeof status !== 'number' || !Number.isInteger(status) || status < -0x80000000 || status > 0x7fffffff) {
    const given = typeof status === 'number' ? String(status) : `${/^[aeiou]/.test(typeof status) ? 'an' : 'a'} ${typeof status}`;
    throw new SecError(Status.errSecParam, `status must be an OSStatus (a 32-bit integer), not ${given}`);
  }
  const known = errorTable.get(status);
  if (known) return known[1];
  if (Number.isInteger(status) && status >= 100000 && status <= 100255) {
    // Apple formats strerror() of the Unix errno. The text is the host's strerror, which on
    // Linux can differ in wording from Darwin's (docs/emulator-differences.md).
    const errno = status - 100000;
    let text: string;
    try {
      text = errno === 0 ? 'Undefined error: 0' : getSystemErrorMessage(-errno);
    } catch {
      text = `Unknown error: ${errno}`;
    }
    return `UNIX[${text}]`;
  }
  return `OSStatus ${status}`;
}

/** A failure from the Security framework or the emulator: an OSStatus with its name. */
export class SecError extends Error {
  /** The OSStatus, e.g. -25299. */
  readonly status: number;
  /** Apple's name for the status, e.g. "errSecDuplicateItem". */
  readonly code: string;
  /** What to do about it, for the statuses users hit most; otherwise undefined. */
  readonly hint: string | undefined;
  /**
   * For a LocalAuthentication failure, the LAError code behind the status (e.g. -2
   * LAErrorUserCancel behind errSecUserCanceled); otherwise undefined.
   */
  readonly laErrorCode: number | undefined;

  constructor(status: number, detail?: string, options?: { cause?: unknown; laErrorCode?: number }) {
    const base = SecCopyErrorMessageString(status); // errSecParam for a status that is not an OSStatus
    if (detail !== undefined && typeof detail !== 'string') {
      throw new SecError(Status.errSecParam, `detail must be a string, not a ${detail === null ? 'null' : typeof detail}`);
    }
    const { cause, laErrorCode } = errorOptions(options);
    super(detail ? `${base} (${detail})` : base, cause === undefined ? undefined : { cause });
    this.name = 'SecError';
    this.status = status;
    this.code = statusName(status);
    this.hint = hints.get(status);
    this.laErrorCode = laErrorCode;
  }

  /** Hint text for a status, or undefined. */
  static hintFor(status: number): string | undefined {
    return hints.get(status);
  }
}

/**
 * SecError's options, read once. Reads that throw (a getter, a Proxy) and values of the wrong
 * type are errSecParam; this module cannot use values.ts (which needs SecError), so it reads
 * the two properties itself.
 */
function errorOptions(options: unknown): { cause?: unknown; laErrorCode?: number } {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || types.isProxy(options)) {
    throw new SecError(Status.errSecParam, 'options must be an object such as { cause, laErrorCode }');
  }
  let cause: unknown;
  let laErrorCode: unknown;
  try {
    ({ cause, laErrorCode } = options as { cause?: unknown; laErrorCode?: unknown });
  } catch (error) {
    throw new SecError(Status.errSecParam, 'options could not be read: a getter threw', { cause: error });
  }
  if (laErrorCode !== undefined && (typeof laErrorCode !== 'number' || !Number.isInteger(laErrorCode))) {
    throw new SecError(Status.errSecParam, 'options.laErrorCode must be an integer LAError code');
  }
  return { cause, laErrorCode: laErrorCode as number | undefined };
}

/** OSStatus numbers the library itself produces, by Apple name. */
export const Status = {
  errSecSuccess: 0,
  errSecUnimplemented: -4,
  errSecParam: -50,
  errSecAllocate: -108,
  errSecUserCanceled: -128,
  errSecNotAvailable: -25291,
  errSecReadOnly: -25292,
  errSecNoSuchKeychain: -25294,
  errSecInvalidKeychain: -25295,
  errSecAuthFailed: -25293,
  errSecDuplicateItem: -25299,
  errSecItemNotFound: -25300,
  errSecNoSuchAttr: -25303,
  errSecNoSuchClass: -25306,
  errSecInteractionNotAllowed: -25308,
  errSecDecode: -26275,
  errSecIO: -36,
  errSecInternalComponent: -2070,
  errSecMissingEntitlement: -34018,
  errSecVerifyFailed: -67808,
  errSecKeySizeNotAllowed: -25311,
  errSecDataNotAvailable: -25316,
} as const;
export type StatusName = keyof typeof Status;

/** Shorthand used across the library: a SecError with a status given by name. */
export function secError(name: StatusName, detail?: string, options?: { cause?: unknown }): SecError {
  return new SecError(Status[name], detail, options);
}

/** What a failure that is not a SecError (a bug) reaches the caller as: errSecInternalComponent. */
export function unexpectedError(error: unknown): SecError {
  if (error instanceof SecError) return error;
  return secError('errSecInternalComponent', `unexpected failure: ${String(error)}`, { cause: error });
}

/** The errSecParam every bad input gets; the message names the offending key. */
export function paramError(detail: string): SecError {
  return new SecError(Status.errSecParam, detail);
}

/** LAError codes (LAError.h) the library reacts to. */
export const LAErrorCode = {
  authenticationFailed: -1,
  userCancel: -2,
  userFallback: -3,
  systemCancel: -4,
  passcodeNotSet: -5,
  biometryNotAvailable: -6,
  biometryNotEnrolled: -7,
  biometryLockout: -8,
  appCancel: -9,
  invalidContext: -10,
  watchNotAvailable: -11,
  notInteractive: -1004,
} as const;

/**
 * The OSStatus a LocalAuthentication failure becomes, as Security's client maps it for
 * keychain calls: cancellations → errSecUserCanceled, no UI allowed →
 * errSecInteractionNotAllowed, anything else → errSecAuthFailed.
 */
// spec/semantics.md 10.3
export function laErrorToStatus(laCode: number): number {
  switch (laCode) {
    case LAErrorCode.userCancel:
    case LAErrorCode.systemCancel:
    case LAErrorCode.appCancel:
      return Status.errSecUserCanceled;
    case LAErrorCode.notInteractive:
      return Status.errSecInteractionNotAllowed;
    default:
      return Status.errSecAuthFailed;
  }
}

/** A SecError for an LAError, keeping the LA code. */
export function laError(laCode: number, detail: string, cause?: unknown): SecError {
  return new SecError(laErrorToStatus(laCode), `${detail} (LAError ${laCode})`, { laErrorCode: laCode, ...(cause === undefined ? {} : { cause }) });
}
