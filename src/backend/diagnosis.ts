/**
 * What a backend can say about the process and its keychains that no SecItem call answers:
 * the code signature, the entitlements, the default file-based keychain, and a file-based
 * item's ACL. `diagnose()` (api/doctor.ts) builds its report from these and from ordinary
 * SecItem calls. Each field names the macOS call it comes from; a section a backend could not
 * read (a failed call, a locked keychain) is `read: false` with the reason in its note, and the
 * report passes that on — nothing is guessed.
 */

/** The running process's code signature and entitlements. */
export interface ProcessFacts {
  /** Whether the fields below were read; false: each is null and `note` says why. */
  readonly read: boolean;
  /** How the fields were obtained, or why they were not. */
  readonly note: string;
  /** Signed, with a valid signature. macOS: SecCodeCopySelf, then SecCodeCheckValidity. */
  readonly signed: boolean | null;
  /** An ad hoc signature (no identity). macOS: SecCodeCopySigningInformation, kSecCodeInfoFlags & kSecCodeSignatureAdhoc. */
  readonly adHoc: boolean | null;
  /** The team identifier. macOS: SecCodeCopySigningInformation, kSecCodeInfoTeamIdentifier. */
  readonly teamIdentifier: string | null;
  /** The signing identifier (usually the bundle identifier). macOS: SecCodeCopySigningInformation, kSecCodeInfoIdentifier. */
  readonly signingIdentifier: string | null;
  /**
   * The entitlements the keychain looks at. macOS: SecTaskCreateFromSelf and
   * SecTaskCopyValueForEntitlement for each name (the same values as
   * kSecCodeInfoEntitlementsDict of SecCodeCopySigningInformation).
   */
  readonly entitlements: {
    readonly 'keychain-access-groups': readonly string[];
    readonly 'application-identifier': string | null;
    readonly 'com.apple.security.application-groups': readonly string[];
  } | null;
}

/** The default file-based keychain (the login keychain). */
export interface DefaultKeychainFacts {
  readonly read: boolean;
  readonly note: string;
  /** macOS: SecKeychainCopyDefault, then SecKeychainGetPath. */
  readonly path: string | null;
  /** macOS: SecKeychainGetStatus (kSecUnlockStateStatus, kSecReadPermStatus, kSecWritePermStatus). */
  readonly unlocked: boolean | null;
  readonly readable: boolean | null;
  readonly writable: boolean | null;
}

/** One entry of a file-based item's ACL. macOS: SecACLCopyContents (applications, description, prompt selector) and SecACLCopyAuthorizations. */
export interface AclEntry {
  /** The operations the entry governs, e.g. "decrypt" (kSecACLAuthorizationDecrypt), "any". */
  readonly authorizations: readonly string[];
  /**
   * null: any application may use the item without a prompt (or, for a "partition_id" or
   * "integrity" entry, no list applies: SecACLCopyContents gives none); else the trusted applications.
   */
  readonly trustedApplications: readonly { readonly path: string; readonly requirement: string | null; readonly isThisProcess: boolean }[] | null;
  /**
   * Whether securityd asks this process, if the list does not trust it, instead of refusing it:
   * always for a valid signature; unsigned or invalidly signed code unless the prompt selector
   * withdraws the prompt from it (kSecKeychainPromptUnsignedAct, kSecKeychainPromptInvalidAct).
   * false for an entry without a list (nobody is asked).
   */
  readonly promptsOthers: boolean;
}

/** A file-based item's access. macOS: SecKeychainItemCopyAccess, SecAccessCopyACLList, SecACLCopyContents. */
export interface FileItemAccessFacts {
  readonly read: boolean;
  readonly note: string;
  readonly acl: readonly AclEntry[] | null;
}

/**
 * The calls every backend answers for `diagnose()`: the native backend reads them through the
 * addon (nativeDiagnosis.ts), the emulator from its model (emulator/diagnosis.ts). A section a
 * backend cannot read at run time comes back `read: false` with the reason in its note.
 */
export interface DiagnosisBackend {
  diagnoseProcess(): Promise<{ process: ProcessFacts; defaultKeychain: DefaultKeychainFacts }>;
  /** The ACL of the file-based item a persistent reference names. */
  diagnoseFileItem(persistentRef: Uint8Array): Promise<FileItemAccessFacts>;
}

/** What a file-based item's ACL is reported as when there is no persistent reference to read it by. */
export function fileItemNotRead(name: string): FileItemAccessFacts {
  return { read: false, note: `not read: the ${name} backend found the item without a persistent reference, which its ACL is read by`, acl: null };
}
