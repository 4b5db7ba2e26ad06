import { defaultCalls } from './default.js';

// SecCertificate, SecIdentity and SecPKCS12Import over the process default backend, in Apple's
// argument order (SecCertificate.h, SecIdentity.h, SecImportExport.h); each checks its
// arguments first (arguments.ts), and only then is the backend chosen.

/** SecImportExport.h: the options and item keys of SecPKCS12Import, Apple's raw values. */
export const kSecImportExportPassphrase = 'passphrase';
/** Keep the imported items in memory, out of every keychain (macOS 15 and later). */
export const kSecImportToMemoryOnly = 'memory';
export const kSecImportItemLabel = 'label';
export const kSecImportItemKeyID = 'keyid';
/** Not in the results here: SecTrust is not bound (docs/emulator-differences.md). */
export const kSecImportItemTrust = 'trust';
export const kSecImportItemCertChain = 'chain';
export const kSecImportItemIdentity = 'identity';

/** A certificate from its DER (X.509) bytes; anything else is errSecParam. */
export const SecCertificateCreateWithData = defaultCalls.SecCertificateCreateWithData;
/** The certificate's DER bytes. */
export const SecCertificateCopyData = defaultCalls.SecCertificateCopyData;
/** A human-readable summary of the certificate's subject (its common name, else another name). */
export const SecCertificateCopySubjectSummary = defaultCalls.SecCertificateCopySubjectSummary;
/** The certificate's public key as a SecKey; undefined for a key type Apple does not support. */
export const SecCertificateCopyKey = defaultCalls.SecCertificateCopyKey;
/** The certificate of an identity. */
export const SecIdentityCopyCertificate = defaultCalls.SecIdentityCopyCertificate;
/** The private key of an identity. */
export const SecIdentityCopyPrivateKey = defaultCalls.SecIdentityCopyPrivateKey;
/**
 * The identities and certificates of PKCS #12 data: an array of dictionaries keyed by
 * kSecImportItemIdentity, kSecImportItemCertChain, kSecImportItemLabel and kSecImportItemKeyID.
 * On macOS the items are also added to the login keychain unless kSecImportToMemoryOnly is true.
 */
export const SecPKCS12Import = defaultCalls.SecPKCS12Import;
