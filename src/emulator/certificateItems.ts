/**
 * Certificates as keychain items (kSecClassCertificate): the item's secret is the DER, its
 * attributes are what each keychain derives from the DER when the certificate is added by
 * reference (certificates.ts certificateItemAttributes), and kSecReturnRef gives a
 * SecCertificate of that DER.
 *
 * Data protection (SecItem.m SecItemAttributesPrepare, infer_cert_label): a kSecValueRef
 * certificate is expanded into its attribute dictionary under the caller's attributes, and
 * without a kSecAttrLabel the label is the certificate's subject summary. File-based
 * (classes.json cert.fileBased.addByReference): SecCertificateAddToKeychain adds the
 * certificate with the attributes it derives; the add dictionary's own attributes are not
 * applied. An add with kSecValueData alone stores only the attributes the caller gave, in both
 * keychains (SecItem.m / SecItem.cpp derive nothing from kSecValueData).
 */
import type { CFValue } from '../values.js';
import { certificateHandle, certificateItemAttributes, emulatedCertificate, subjectSummary } from './certificates.js';
import type { RefValue } from './keyItems.js';
import type { KeychainKind, StoredItem } from './store.js';
import type { SecHandle } from '../handles.js';

/** SecItemAdd with kSecValueRef = SecCertificate (spec 3.1, 3.8). */
export function certificateItemFromRef(ref: CFValue, kc: KeychainKind): RefValue | undefined {
  const certificate = emulatedCertificate(ref);
  if (!certificate) return undefined;
  const attributes = certificateItemAttributes(certificate.der, kc) as Record<string, CFValue>;
  attributes.class = 'cert';
  if (kc === 'fb') return { attributes, data: certificate.der, overrides: true };
  const label = subjectSummary(certificate); // infer_cert_label, when the caller gives none
  if (label !== undefined) attributes.labl = label;
  return { attributes, data: certificate.der };
}

/**
 * The attributes a kSecValueRef certificate stands for in a search, update or delete: its
 * unique key in the keychain's own form (type, issuer, serial number; spec 3.5, 3.11).
 */
export function certificateQueryFromRef(ref: CFValue, kc: KeychainKind): Record<string, CFValue> | undefined {
  const certificate = emulatedCertificate(ref);
  if (!certificate) return undefined;
  const { ctyp, issr, slnr } = certificateItemAttributes(certificate.der, kc);
  return { class: 'cert', ctyp: ctyp!, issr: issr!, slnr: slnr! } as Record<string, CFValue>;
}

/** kSecReturnRef of a certificate item: a SecCertificate of its DER. */
export function certificateHandleOf(item: StoredItem): SecHandle {
  return certificateHandle(item.data ?? Buffer.alloc(0));
}
