/**
 * A backend that is always the current test keychain: every call goes to whatever emulator
 * `current()` returns when the call is made. Made the process default once, it keeps
 * `keychain()`, `new Keychain()` and the top-level functions pointed at the test keychain
 * across resets, even where an app kept the object `keychain()` gave it.
 */
import type { Emulator } from '../api/emulator.js';
import { unbound } from '../api/bind.js';
import type { Backend } from '../backend/backend.js';

type Method = Exclude<keyof Backend, 'name'>;

export function followingBackend(current: () => Emulator): Backend {
  // Arguments were checked by the binding in front of the process default (api/bind.ts), so
  // calls go to the emulator's own backend, not through the Emulator's second check.
  const via = <K extends Method>(method: K): Backend[K] => ((...args: unknown[]) => {
    const target = unbound(current());
    return (target[method] as (...a: unknown[]) => unknown).apply(target, args);
  }) as Backend[K];
  return {
    name: 'emulator',
    SecItemAdd: via('SecItemAdd'),
    SecItemCopyMatching: via('SecItemCopyMatching'),
    SecItemUpdate: via('SecItemUpdate'),
    SecItemDelete: via('SecItemDelete'),
    SecKeyCreateRandomKey: via('SecKeyCreateRandomKey'),
    SecKeyCopyPublicKey: via('SecKeyCopyPublicKey'),
    SecKeyCopyAttributes: via('SecKeyCopyAttributes'),
    SecKeyCopyExternalRepresentation: via('SecKeyCopyExternalRepresentation'),
    SecKeyCreateWithData: via('SecKeyCreateWithData'),
    SecKeyCreateSignature: via('SecKeyCreateSignature'),
    SecKeyVerifySignature: via('SecKeyVerifySignature'),
    SecKeyCreateEncryptedData: via('SecKeyCreateEncryptedData'),
    SecKeyCreateDecryptedData: via('SecKeyCreateDecryptedData'),
    SecKeyCopyKeyExchangeResult: via('SecKeyCopyKeyExchangeResult'),
    SecKeyIsAlgorithmSupported: via('SecKeyIsAlgorithmSupported'),
    SecAccessControlCreateWithFlags: via('SecAccessControlCreateWithFlags'),
    SecCertificateCreateWithData: via('SecCertificateCreateWithData'),
    SecCertificateCopyData: via('SecCertificateCopyData'),
    SecCertificateCopySubjectSummary: via('SecCertificateCopySubjectSummary'),
    SecCertificateCopyKey: via('SecCertificateCopyKey'),
    SecIdentityCopyCertificate: via('SecIdentityCopyCertificate'),
    SecIdentityCopyPrivateKey: via('SecIdentityCopyPrivateKey'),
    SecPKCS12Import: via('SecPKCS12Import'),
    laContextCreate: via('laContextCreate'),
    laContextCanEvaluatePolicy: via('laContextCanEvaluatePolicy'),
    laContextEvaluatePolicy: via('laContextEvaluatePolicy'),
    laContextEvaluateAccessControl: via('laContextEvaluateAccessControl'),
    laContextBiometryType: via('laContextBiometryType'),
    laContextGet: via('laContextGet'),
    laContextSet: via('laContextSet'),
    laContextInvalidate: via('laContextInvalidate'),
    diagnoseProcess: via('diagnoseProcess'),
    diagnoseFileItem: via('diagnoseFileItem'),
    close: via('close'),
  } satisfies Record<keyof Backend, unknown>;
}
