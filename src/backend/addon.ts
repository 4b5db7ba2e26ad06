/**
 * The JavaScript face of the native addon (native/, Objective-C++): what `require`-ing the
 * compiled `.node` file returns. The addon is thin and generic (DESIGN.md principle 2): it
 * converts values, holds Apple object references and calls the framework; the TypeScript
 * backend in native.ts turns this into the Backend interface.
 *
 * Conventions the addon follows:
 * - Dictionaries arrive as plain objects whose values are already checked (src/values.ts),
 *   with every SecHandle replaced by the addon's own handle object ({@link NativeHandle}).
 *   Results come back the same way: Buffers for CFData, Dates, numbers (integers as SInt64,
 *   others as double), booleans, strings, arrays, plain objects, NativeHandles.
 * - Every function that calls into Security or LocalAuthentication returns a Promise and runs
 *   the framework call on one private serial dispatch queue (native-guide.md §5).
 * - Failures reject with a {@link NativeFailure}.
 */
import type { NativeSessionInfo } from './session.js';

export type { NativeSessionInfo };

export interface NativeHandle {
  /** "SecKey", "SecCertificate", "SecIdentity", "SecAccessControl", "SecKeychainItem" or "LAContext". */
  readonly kind: string;
  /** Drops the native reference now instead of waiting for garbage collection. */
  release(): void;
}

/** What a rejected addon Promise (or a thrown addon error) carries. */
export interface NativeFailure extends Error {
  /** The OSStatus when the domain is NSOSStatusErrorDomain, else that domain's own code. */
  status: number;
  /**
   * "NSOSStatusErrorDomain" (kCFErrorDomainOSStatus) for an OSStatus — a plain status or a
   * CFError carrying one — else the CFError/NSError domain (e.g. "com.apple.LocalAuthentication").
   */
  domain: string;
  /** The code in `domain`. */
  nativeCode?: number;
  /** The framework function that failed, e.g. "SecItemCopyMatching". */
  operation: string;
}

/** The result of canEvaluatePolicy: Apple's BOOL plus the NSError's code when it is NO. */
export interface NativeCanEvaluate {
  ok: boolean;
  code?: number;
  message?: string;
}

/** What secCodeCopySigningInformation reads of Apple's dictionary; a key Apple left out is absent. */
export interface NativeSigningInformation {
  /** kSecCodeInfoIdentifier: absent for unsigned code. */
  identifier?: string;
  /** kSecCodeInfoTeamIdentifier. */
  teamIdentifier?: string;
  /** kSecCodeInfoFlags (SecCodeSignatureFlags). */
  flags?: number;
  /** kSecCodeInfoEntitlementsDict. */
  entitlements?: Record<string, unknown>;
}

/** A file-based item's keychain and ACL (secKeychainItemCopyAccess). */
export interface NativeItemAccess {
  /** SecKeychainGetPath; SecKeychainGetStatus's bit mask. */
  keychain: { path: string; status: number };
  /** null when the keychain is locked (not read). */
  acl: Array<{ authorizations: string[]; applications: string[] | null; description: string; promptSelector: number }> | null;
}

export type LAContextProperty =
  | 'biometryType'
  | 'touchIDAuthenticationAllowableReuseDuration'
  | 'localizedReason'
  | 'localizedCancelTitle'
  | 'localizedFallbackTitle'
  | 'interactionNotAllowed';

export interface NativeAddon {
  /**
   * The actual value of every framework constant the package exports, read from the
   * framework's symbols at load time (CFString constants as strings, enum values as numbers),
   * keyed by Apple name. A test on macOS compares it with src/constants.ts.
   */
  readonly constants: Readonly<Record<string, string | number>>;

  secItemAdd(attributes: object): Promise<unknown>;
  secItemCopyMatching(query: object): Promise<unknown>;
  secItemUpdate(query: object, attributesToUpdate: object): Promise<void>;
  secItemDelete(query: object): Promise<void>;

  secKeyCreateRandomKey(parameters: object): Promise<NativeHandle>;
  /** Resolves null when the key has no public key (Apple returns NULL). */
  secKeyCopyPublicKey(key: NativeHandle): Promise<NativeHandle | null>;
  secKeyCopyAttributes(key: NativeHandle): Promise<Record<string, unknown>>;
  secKeyCopyExternalRepresentation(key: NativeHandle): Promise<Buffer>;
  secKeyCreateWithData(keyData: Uint8Array, attributes: object): Promise<NativeHandle>;
  secKeyCreateSignature(key: NativeHandle, algorithm: string, dataToSign: Uint8Array): Promise<Buffer>;
  /** Resolves Apple's Boolean; a false result rejects with the CFError Apple filled in. */
  secKeyVerifySignature(key: NativeHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean>;
  secKeyCreateEncryptedData(key: NativeHandle, algorithm: string, plaintext: Uint8Array): Promise<Buffer>;
  secKeyCreateDecryptedData(key: NativeHandle, algorithm: string, ciphertext: Uint8Array): Promise<Buffer>;
  secKeyCopyKeyExchangeResult(privateKey: NativeHandle, algorithm: string, publicKey: NativeHandle, parameters: object): Promise<Buffer>;
  secKeyIsAlgorithmSupported(key: NativeHandle, operation: number, algorithm: string): Promise<boolean>;

  /** SecAccessControlCreateWithFlags; a NULL result rejects with the CFError. */
  secAccessControlCreateWithFlags(protection: string, flags: number): Promise<NativeHandle>;

  /** SecCertificateCreateWithData; Apple's NULL (not DER X.509) rejects with errSecParam naming `data`. */
  secCertificateCreateWithData(data: Uint8Array): Promise<NativeHandle>;
  secCertificateCopyData(certificate: NativeHandle): Promise<Buffer>;
  /** Resolves null when Apple returns NULL. */
  secCertificateCopySubjectSummary(certificate: NativeHandle): Promise<string | null>;
  /** Resolves null when Apple returns NULL (a key algorithm it does not support). */
  secCertificateCopyKey(certificate: NativeHandle): Promise<NativeHandle | null>;
  secIdentityCopyCertificate(identity: NativeHandle): Promise<NativeHandle>;
  secIdentityCopyPrivateKey(identity: NativeHandle): Promise<NativeHandle>;
  /**
   * SecPKCS12Import: Apple's items array, each dictionary without kSecImportItemTrust ("trust"),
   * which the addon releases (SecTrust is not bound). A failed status rejects with it.
   */
  secPKCS12Import(pkcs12Data: Uint8Array, options: object): Promise<Array<Record<string, unknown>>>;

  /**
   * SecCodeCopySelf, then SecCodeCheckValidity with no requirement: resolves its OSStatus — 0
   * for a valid signature (ad hoc included), errSecCSUnsigned (-67062) for unsigned code —
   * and rejects only when SecCodeCopySelf fails.
   */
  secCodeCheckValidity(): Promise<number>;
  /**
   * SecCodeCopySelf, then SecCodeCopySigningInformation with kSecCSSigningInformation: the four
   * keys diagnose() reads, each absent when Apple's dictionary lacks it (no identifier: unsigned).
   */
  secCodeCopySigningInformation(): Promise<NativeSigningInformation>;
  /**
   * SessionGetInfo(callerSecuritySession, …) (Security/AuthSession.h), synchronous: the status,
   * and on success the session's id and its SessionAttributeBits (session.ts reads them). A
   * failed status is returned, not thrown.
   */
  sessionGetInfo(): NativeSessionInfo;
  /** SecTaskCreateFromSelf, then SecTaskCopyValueForEntitlement: the value, or null when the process lacks it. */
  secTaskCopyValueForEntitlement(entitlement: string): Promise<unknown>;
  /** SecKeychainCopyDefault, SecKeychainGetPath and SecKeychainGetStatus (a SecKeychainStatus bit mask). */
  secKeychainCopyDefault(): Promise<{ path: string; status: number }>;
  /**
   * A file-based item's keychain (path, SecKeychainStatus) and ACL: SecKeychainItemCopyKeychain,
   * then, unless that keychain is locked (acl: null), SecKeychainItemCopyAccess,
   * SecAccessCopyACLList and per entry SecACLCopyAuthorizations (short names: "decrypt", "any",
   * "change_acl", …), SecACLCopyContents (applications: null for any application) and
   * SecTrustedApplicationCopyData (each application's path).
   */
  secKeychainItemCopyAccess(item: NativeHandle): Promise<NativeItemAccess>;

  /** A new LAContext (created on the JS thread; LAContext is thread-safe for these uses). */
  laContextCreate(): NativeHandle;
  laContextCanEvaluatePolicy(context: NativeHandle, policy: number): Promise<NativeCanEvaluate>;
  /** Resolves when the reply block reports success; rejects with the LAError otherwise. */
  laContextEvaluatePolicy(context: NativeHandle, policy: number, localizedReason: string): Promise<void>;
  laContextEvaluateAccessControl(context: NativeHandle, accessControl: NativeHandle, operation: number, localizedReason: string): Promise<void>;
  laContextGet(context: NativeHandle, property: LAContextProperty): string | number | boolean | null;
  laContextSet(context: NativeHandle, property: Exclude<LAContextProperty, 'biometryType'>, value: string | number | boolean | null): void;
  /** -[LAContext invalidate]: cancels a running evaluation (LAErrorAppCancel). */
  laContextInvalidate(context: NativeHandle): void;
}
