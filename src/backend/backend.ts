import type { SecHandle } from '../handles.js';
import type { CFDictionary, CFResult } from '../values.js';
import type { DiagnosisBackend } from './diagnosis.js';

/**
 * The only seam between the public API and an implementation of Apple's keychain: the
 * native addon on macOS or the emulator everywhere. Arguments reaching a backend have
 * already passed their rule in arguments.ts (checked once, by the binding); everything else —
 * which keys are allowed, which status a violation gets — is the backend's business, because
 * on macOS it is the framework's.
 *
 * Every method returns a Promise and rejects only with a SecError.
 */
export interface SecItemBackend {
  /** "native" or "emulator". */
  readonly name: string;
  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined>;
  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined>;
  SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void>;
  SecItemDelete(query: CFDictionary): Promise<void>;
}

/** SecKey, in Apple's argument order (SecKey.h). */
export interface KeyBackend {
  SecKeyCreateRandomKey(parameters: CFDictionary): Promise<SecHandle>;
  SecKeyCopyPublicKey(key: SecHandle): Promise<SecHandle | undefined>;
  SecKeyCopyAttributes(key: SecHandle): Promise<Record<string, CFResult>>;
  SecKeyCopyExternalRepresentation(key: SecHandle): Promise<Buffer>;
  SecKeyCreateWithData(keyData: Uint8Array, attributes: CFDictionary): Promise<SecHandle>;
  SecKeyCreateSignature(key: SecHandle, algorithm: string, dataToSign: Uint8Array): Promise<Buffer>;
  SecKeyVerifySignature(key: SecHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean>;
  SecKeyCreateEncryptedData(key: SecHandle, algorithm: string, plaintext: Uint8Array): Promise<Buffer>;
  SecKeyCreateDecryptedData(key: SecHandle, algorithm: string, ciphertext: Uint8Array): Promise<Buffer>;
  SecKeyCopyKeyExchangeResult(privateKey: SecHandle, algorithm: string, publicKey: SecHandle, parameters: CFDictionary): Promise<Buffer>;
  SecKeyIsAlgorithmSupported(key: SecHandle, operation: number, algorithm: string): Promise<boolean>;
}

/** SecAccessControlCreateWithFlags (SecAccessControl.h). */
export interface AccessControlBackend {
  SecAccessControlCreateWithFlags(protection: string, flags: number): Promise<SecHandle>;
}

/**
 * SecCertificate, SecIdentity and SecPKCS12Import (SecCertificate.h, SecIdentity.h,
 * SecImportExport.h), in Apple's argument order. A certificate handle has kind
 * 'SecCertificate', an identity 'SecIdentity'; keys are 'SecKey' handles of the same backend.
 */
export interface CertificateBackend {
  /** A certificate from DER X.509; Apple's NULL (not a certificate) rejects with errSecParam naming `data`. */
  SecCertificateCreateWithData(data: Uint8Array): Promise<SecHandle>;
  /** The certificate's DER bytes. */
  SecCertificateCopyData(certificate: SecHandle): Promise<Buffer>;
  /** The human-readable summary of the subject (SecCertificate.c); undefined for Apple's NULL. */
  SecCertificateCopySubjectSummary(certificate: SecHandle): Promise<string | undefined>;
  /** The certificate's public key as a SecKey; undefined when Apple returns NULL (an unsupported key type). */
  SecCertificateCopyKey(certificate: SecHandle): Promise<SecHandle | undefined>;
  /** The identity's certificate. */
  SecIdentityCopyCertificate(identity: SecHandle): Promise<SecHandle>;
  /** The identity's private key. */
  SecIdentityCopyPrivateKey(identity: SecHandle): Promise<SecHandle>;
  /**
   * Apple's items array: one dictionary per identity (and, on macOS, one more for certificates
   * no identity's chain holds), keyed by the raw values of kSecImportItemIdentity
   * ("identity"), kSecImportItemCertChain ("chain", SecCertificate handles, leaf first),
   * kSecImportItemLabel ("label") and kSecImportItemKeyID ("keyid") where Apple sets them.
   * kSecImportItemTrust ("trust") is left out: SecTrust is not bound. Options:
   * kSecImportExportPassphrase ("passphrase"), kSecImportToMemoryOnly ("memory", macOS 15),
   * kSecUseDataProtectionKeychain ("nleg"). A wrong passphrase rejects with errSecAuthFailed,
   * data that is not PKCS #12 with errSecDecode (OSX/sec/Security/SecImportExport.c).
   */
  SecPKCS12Import(pkcs12Data: Uint8Array, options: CFDictionary): Promise<Record<string, CFResult>[]>;
}

/** A settable LAContext property and its value type. */
export interface LAContextSettable {
  touchIDAuthenticationAllowableReuseDuration: number;
  localizedReason: string;
  localizedCancelTitle: string | null;
  localizedFallbackTitle: string | null;
  interactionNotAllowed: boolean;
}

/** Whether a policy can be evaluated, and the LAError code when it cannot. */
export interface CanEvaluateResult {
  canEvaluate: boolean;
  /** The LAError code (LAErrorBiometryNotEnrolled = -7, …) when `canEvaluate` is false. */
  errorCode?: number;
  errorMessage?: string;
}

/**
 * LocalAuthentication's LAContext (LAContext.h). The public `LAContext` class is a SecHandle;
 * `laContextCreate` gives the backend's own state for a new one, which the backend later
 * finds again with handlePayload(context, backend.name).
 */
export interface AuthenticationBackend {
  laContextCreate(): unknown;
  laContextCanEvaluatePolicy(context: SecHandle, policy: number): Promise<CanEvaluateResult>;
  laContextEvaluatePolicy(context: SecHandle, policy: number, localizedReason: string): Promise<void>;
  laContextEvaluateAccessControl(context: SecHandle, accessControl: SecHandle, operation: number, localizedReason: string): Promise<void>;
  laContextBiometryType(context: SecHandle): number;
  laContextGet<K extends keyof LAContextSettable>(context: SecHandle, property: K): LAContextSettable[K];
  laContextSet<K extends keyof LAContextSettable>(context: SecHandle, property: K, value: LAContextSettable[K]): void;
  laContextInvalidate(context: SecHandle): void;
}

/**
 * A backend: every raw call (SecItem, SecKey, SecAccessControl, SecCertificate, SecIdentity,
 * SecPKCS12Import) and LocalAuthentication. Both
 * backends implement all of it; the public functions bind these calls once (api/bind.ts).
 */
export interface Backend extends SecItemBackend, KeyBackend, AccessControlBackend, CertificateBackend, AuthenticationBackend, DiagnosisBackend {
  /** Releases what the backend holds (the emulator's store); later calls reject. */
  close(): void;
}
