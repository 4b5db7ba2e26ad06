/**
 * SecCertificate on the emulator (SecCertificate.h): a handle holds the certificate's DER,
 * taken apart once (der.ts) for what Apple derives from it, and node:crypto's X509Certificate
 * for signatures and issuer checks. The attributes an item of class kSecClassCertificate gets
 * are derived differently by the two keychains (certificateItemAttributes).
 */
import { X509Certificate, createHash, createPublicKey } from 'node:crypto';
import { paramError } from '../errors.js';
import { SecHandle, handlePayload, makeHandle } from '../handles.js';
import type { Attributes } from './codec.js';
import { DerError, TAG, children, expectTag, oidText, readOnly, smallInteger, type Tlv } from './der.js';
import { CURVES_BY_SIZE, EMULATOR, keyHandle } from './keyModel.js';
import { importedKey } from './keyParameters.js';
import { subjectPublicKeyBits } from './publicKeyHash.js';
import { dataProtectionName, fileBasedName, fileBasedNameLabel, nameEmailAddresses, nameSummary } from './x509Names.js';

const OID_SUBJECT_KEY_ID = '2.5.29.14';
const OID_SUBJECT_ALT_NAME = '2.5.29.17';
const OID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const OID_RSA = '1.2.840.113549.1.1.1';

/** CSSM_CERT_ENCODING_DER (cssmtype.h): kSecAttrCertificateEncoding of every certificate here. */
const ENCODING_DER = 3;

/** What the emulator keeps in a SecCertificate handle. */
export interface EmulatedCertificate {
  readonly der: Buffer;
  /** The X.509 version field: 0 for v1, 2 for v3. */
  readonly version: number;
  /** The serial number INTEGER's content octets, as Apple stores it (leading zero kept). */
  readonly serial: Buffer;
  readonly issuer: Tlv;
  readonly subject: Tlv;
  readonly spki: Buffer;
  readonly subjectKeyId?: Buffer;
  readonly rfc822Names: readonly string[];
  readonly dnsNames: readonly string[];
  readonly x509: X509Certificate;
}

/** Takes DER X.509 apart; throws DerError (or node's error) for anything else. */
function parseCertificate(input: Buffer): EmulatedCertificate {
  const der = Buffer.from(input);
  const [tbs, sigAlg, signature] = children(expectTag(readOnly(der), TAG.sequence, 'Certificate'));
  expectTag(sigAlg, TAG.sequence, 'signatureAlgorithm');
  expectTag(signature, TAG.bitString, 'signature');
  const fields = children(expectTag(tbs, TAG.sequence, 'TBSCertificate'));
  let i = 0;
  let version = 0;
  if (fields[0]?.tag === 0xa0) version = smallInteger(children(fields[i++]!)[0]!);
  const serial = expectTag(fields[i++], TAG.integer, 'serialNumber').content;
  expectTag(fields[i++], TAG.sequence, 'signature');
  const issuer = expectTag(fields[i++], TAG.sequence, 'issuer');
  expectTag(fields[i++], TAG.sequence, 'validity');
  const subject = expectTag(fields[i++], TAG.sequence, 'subject');
  const spki = expectTag(fields[i++], TAG.sequence, 'subjectPublicKeyInfo').bytes;
  subjectPublicKeyBits(spki);
  let subjectKeyId: Buffer | undefined;
  const rfc822Names: string[] = [];
  const dnsNames: string[] = [];
  for (const field of fields.slice(i)) {
    if (field.tag !== 0xa3) continue; // issuerUniqueID [1], subjectUniqueID [2]
    for (const extension of children(expectTag(children(field)[0], TAG.sequence, 'Extensions'))) {
      const parts = children(expectTag(extension, TAG.sequence, 'Extension'));
      const oid = oidText(expectTag(parts[0], TAG.oid, 'extnID').content);
      const value = expectTag(parts[parts.length - 1], TAG.octetString, 'extnValue').content;
      if (oid === OID_SUBJECT_KEY_ID) subjectKeyId = expectTag(readOnly(value), TAG.octetString, 'SubjectKeyIdentifier').content;
      if (oid === OID_SUBJECT_ALT_NAME) {
        for (const name of children(expectTag(readOnly(value), TAG.sequence, 'GeneralNames'))) {
          if (name.tag === 0x81) rfc822Names.push(name.content.toString('latin1'));
          if (name.tag === 0x82) dnsNames.push(name.content.toString('latin1'));
        }
      }
    }
  }
  // The structure above is what Apple's libDER checks; node:crypto then checks the rest.
  const x509 = new X509Certificate(der);
  return { der, version, serial, issuer, subject, spki, subjectKeyId, rfc822Names, dnsNames, x509 };
}

/** SecCertificateCreateWithData: a handle for DER X.509, else errSecParam (Apple returns NULL). */
export function certificateHandle(der: Buffer): SecHandle {
  let certificate: EmulatedCertificate;
  try {
    certificate = parseCertificate(der);
  } catch (error) {
    const reason = error instanceof DerError || error instanceof Error ? error.message : String(error);
    throw paramError(`data is not a DER-encoded X.509 certificate (${reason})`);
  }
  return makeHandle('SecCertificate', EMULATOR, certificate);
}

/** The emulated certificate inside a handle, or undefined for anything else. */
export function emulatedCertificate(handle: unknown): EmulatedCertificate | undefined {
  return handle instanceof SecHandle && handle.kind === 'SecCertificate' ? handlePayload<EmulatedCertificate>(handle, EMULATOR) : undefined;
}

/** The emulated certificate inside a handle; errSecParam naming `what` otherwise. */
export function requireCertificate(handle: unknown, what: string): EmulatedCertificate {
  const certificate = emulatedCertificate(handle);
  if (!certificate) throw paramError(`${what} must be a SecCertificate of this emulator`);
  return certificate;
}

/** kSecAttrPublicKeyHash: SHA-1 of the subjectPublicKey bits (SecCertificateCopyPublicKeySHA1Digest). */
export function certificatePublicKeyHash(certificate: EmulatedCertificate): Buffer {
  return createHash('sha1').update(subjectPublicKeyBits(certificate.spki)).digest();
}

/**
 * The attributes a certificate item gets from its DER in each keychain.
 *
 * - 'dp', the data protection keychain (SecCertificate.c SecCertificateCopyAttributeDictionary,
 *   used by SecItem.m for a kSecValueRef certificate): ctyp = version + 1 (CSSM_CERT_X_509v1…v3),
 *   cenc = 3 (CSSM_CERT_ENCODING_DER), subj and issr in createNormalizedX501Name form, slnr the
 *   serial number's content octets, skid the SubjectKeyIdentifier when present, pkhh. No
 *   label: the function's label line is compiled out (`#if 0`).
 * - 'fb', the file-based keychain (Certificate.cpp populateAttributes and inferLabel): the same
 *   ctyp (CSSM_CERT_X_509v1 + version), cenc and slnr, subj and issr as the whole Name in
 *   CL_normalizeX509NameNSS form (CertFields.cpp getFieldSubjectNorm), skid, pkhh (the
 *   CSP's key digest), and labl inferred from the subject, else the first email address, else
 *   "X509 Certificate".
 */
export function certificateItemAttributes(der: Buffer, kc: 'dp' | 'fb'): Attributes {
  const certificate = emulatedCertificate(certificateHandle(der))!;
  const attributes: Attributes = {
    ctyp: certificate.version + 1,
    cenc: ENCODING_DER,
    subj: kc === 'dp' ? dataProtectionName(certificate.subject) : fileBasedName(certificate.subject),
    issr: kc === 'dp' ? dataProtectionName(certificate.issuer) : fileBasedName(certificate.issuer),
    slnr: Buffer.from(certificate.serial),
  };
  if (certificate.subjectKeyId) attributes.skid = Buffer.from(certificate.subjectKeyId);
  attributes.pkhh = certificatePublicKeyHash(certificate);
  if (kc === 'fb') {
    const emails = [...certificate.rfc822Names, ...nameEmailAddresses(certificate.subject)];
    attributes.labl = fileBasedNameLabel(certificate.subject) ?? emails[0] ?? 'X509 Certificate';
  }
  return attributes;
}

/**
 * SecCertificateCopySubjectSummary (SecCertificate.c): the subject's common names (with a
 * description in parentheses); without a common name, the first email address (subject
 * alternative name, then subject), else the first DNS name, else the subject's most desired
 * other value.
 */
export function subjectSummary(certificate: EmulatedCertificate): string | undefined {
  const { summary, commonName } = nameSummary(certificate.subject);
  if (commonName) return summary;
  const emails = [...certificate.rfc822Names, ...nameEmailAddresses(certificate.subject)];
  return emails[0] ?? certificate.dnsNames[0] ?? summary;
}

/**
 * SecCertificateCopyKey: the public key as a SecKey of the emulator, for the key types it has
 * (EC P-256, P-384, P-521 and RSA of 1024 to 4096 bits); undefined (Apple's NULL) otherwise.
 */
export function certificateKey(certificate: EmulatedCertificate): SecHandle | undefined {
  const [algorithm] = children(readOnly(certificate.spki));
  const oid = oidText(children(algorithm!)[0]!.content);
  if (oid !== OID_EC_PUBLIC_KEY && oid !== OID_RSA) return undefined;
  try {
    const publicKey = createPublicKey({ key: certificate.spki, format: 'der', type: 'spki' });
    const details = publicKey.asymmetricKeyDetails ?? {};
    if (oid === OID_RSA) return keyHandle(importedKey({}, 'rsa', 'public', { bits: details.modulusLength ?? 0, publicKey }));
    const size = Object.entries(CURVES_BY_SIZE).find(([, c]) => c.node === details.namedCurve)?.[0];
    return size === undefined ? undefined : keyHandle(importedKey({}, 'ec', 'public', { bits: Number(size), publicKey }));
  } catch {
    return undefined;
  }
}
