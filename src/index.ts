// The public surface of security-framework (DESIGN.md, "Public contract").
export * from './constants.js';
export { SecError, SecCopyErrorMessageString } from './errors.js';
export { SecHandle, type HandleKind } from './handles.js';
export type { CFDictionary, CFResult, CFValue } from './values.js';
export { SecItemAdd, SecItemCopyMatching, SecItemUpdate, SecItemDelete } from './api/secitem.js';
export {
  SecKeyCreateRandomKey, SecKeyCopyPublicKey, SecKeyCopyAttributes, SecKeyCopyExternalRepresentation,
  SecKeyCreateWithData, SecKeyCreateSignature, SecKeyVerifySignature, SecKeyCreateEncryptedData,
  SecKeyCreateDecryptedData, SecKeyCopyKeyExchangeResult, SecKeyIsAlgorithmSupported,
  kSecKeyOperationTypeSign, kSecKeyOperationTypeVerify, kSecKeyOperationTypeEncrypt,
  kSecKeyOperationTypeDecrypt, kSecKeyOperationTypeKeyExchange,
} from './api/keys.js';
export { SecAccessControlCreateWithFlags } from './api/accessControl.js';
export {
  SecCertificateCreateWithData, SecCertificateCopyData, SecCertificateCopySubjectSummary, SecCertificateCopyKey,
  SecIdentityCopyCertificate, SecIdentityCopyPrivateKey, SecPKCS12Import,
  kSecImportExportPassphrase, kSecImportToMemoryOnly, kSecImportItemLabel, kSecImportItemKeyID, kSecImportItemTrust,
  kSecImportItemCertChain, kSecImportItemIdentity,
} from './api/certificates.js';
export {
  LAContext, type LAContextOptions, type EvaluateOptions,
  LAAccessControlOperationCreateItem, LAAccessControlOperationUseItem, LAAccessControlOperationCreateKey,
  LAAccessControlOperationUseKeySign, LAAccessControlOperationUseKeyDecrypt, LAAccessControlOperationUseKeyKeyExchange,
} from './api/laContext.js';
export type {
  Backend, SecItemBackend, KeyBackend, AccessControlBackend, CertificateBackend, AuthenticationBackend, CanEvaluateResult, LAContextSettable,
} from './backend/backend.js';
export { keychain, openBackend, setDefaultBackend, type BackendOptions } from './api/default.js';
export { createEmulator, Emulator, type EmulatorOptions, type AppIdentity } from './api/emulator.js';
export { withTimeout, SecTimeoutError } from './api/timeout.js';
export { diagnose, type DiagnosisReport, type DiagnoseOptions, type DataProtectionAvailability, type ItemDiagnosis, type ItemFinding } from './api/doctor.js';
export { migrateToDataProtection, type MigrationOptions, type MigrationResult, type MigratedItem } from './api/migrate.js';
export type { ProcessFacts, DefaultKeychainFacts, FileItemAccessFacts, AclEntry, DiagnosisBackend } from './backend/diagnosis.js';
export type { LockState } from './emulator/access.js';
export type { SimulatedUser, PromptRecord, PromptResponse, Constraint } from './emulator/accessControl.js';
// Typed items, the Keychain object and builders (docs/typed-api.md).
export { Keychain, type KeychainOptions, type Secret } from './typed/keychain.js';
export { genericPassword, internetPassword, key, certificate, identity, type ItemBuilder, type BuilderFields } from './typed/builders.js';
export type * from './typed/types.js';
export type { Accessibility, ThisDeviceOnlyAccessibility, InternetProtocol, AuthenticationType, KeyClass, KeyType } from './typed/words.js';
