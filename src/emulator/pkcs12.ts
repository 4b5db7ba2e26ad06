/**
 * SecPKCS12Import on the emulator (SecImportExport.h), as macOS does it: Apple's
 * OSX/sec/Security/p12import.c decodes the PFX and SecImportExport.c (OSX/sec/Security)
 * SecPKCS12Import_ios builds the items; OSX/libsecurity_keychain/lib/SecImportExport.c
 * SecPKCS12Import then adds them to a keychain.
 *
 * - Decoding (p12decode): a PFX in password-integrity mode (authSafe of type data) with a MAC;
 *   no MAC, another mode or anything undecodable is errSecDecode (-26275); a MAC that does
 *   not verify, a wrong passphrase, is errSecAuthFailed (-25293). A missing passphrase is the
 *   empty one.
 * - Items (emit_item): bags are grouped by their localKeyId, else their friendlyName; a
 *   group with a key and a certificate is an identity, whose item holds kSecImportItemIdentity
 *   and kSecImportItemCertChain (the leaf, then its issuers among the file's other
 *   certificates); on macOS the certificates no chain holds come last, in one item of their
 *   own (build_unreferenced_certs). kSecImportItemTrust is not given (SecTrust is not bound).
 * - Keychains: unless kSecImportToMemoryOnly is true (macOS 15) each identity's key and
 *   certificate and every chain certificate go to the file-based login keychain, and the
 *   identity's item gains kSecImportItemLabel (the certificate's subject summary) and
 *   kSecImportItemKeyID (the key's public key hash); with kSecUseDataProtectionKeychain true
 *   they go to the data protection keychain instead, with the other options as SecItemAdd
 *   attributes (secItemOptionsFromPKCS12Options). A duplicate is not an error.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { paramError } from '../errors.js';
import type { SecHandle } from '../handles.js';
import { describeValue, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { certificateHandle, emulatedCertificate, subjectSummary, type EmulatedCertificate } from './certificates.js';
import { DerError, TAG, children, expectTag, octets, oidText, readOnly, smallInteger, type Tlv } from './der.js';
import { fail } from './failure.js';
import { identityHandle } from './identities.js';
import { CURVES_BY_SIZE, emulatedKey, keyHandle } from './keyModel.js';
import { importedKey } from './keyParameters.js';
import { beyondBound, decrypt, verifyMac } from './pkcs12Crypto.js';
import { publicKeyHash } from './publicKeyHash.js';
import { dataProtectionName } from './x509Names.js';

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  friendlyName: '1.2.840.113549.1.9.20',
  localKeyId: '1.2.840.113549.1.9.21',
} as const;

/** One group of bags (p12import.c emit_item): a key, a certificate, or both. */
interface Group {
  key?: Buffer; // PKCS #8 PrivateKeyInfo
  cert?: Buffer;
}

/** The content of a ContentInfo's [0] EXPLICIT field. */
function explicitContent(info: Tlv): Tlv {
  const field = children(info)[1];
  if (!field || field.tag !== 0xa0) throw new DerError('a ContentInfo without content');
  return children(field)[0]!;
}

/** Decodes a PFX into its groups, keyed as emit_item keys them, in the order first seen. */
function decodeGroups(data: Buffer, password: string): Group[] {
  const [version, authSafe, macData] = children(expectTag(readOnly(data), TAG.sequence, 'PFX'));
  if (smallInteger(version!) !== 3) throw new DerError('a PFX version other than 3');
  const [type] = children(expectTag(authSafe, TAG.sequence, 'authSafe'));
  // Only password integrity mode (CT_Data), and the MAC is required (p12decode).
  if (oidText(expectTag(type, TAG.oid, 'contentType').content) !== OID.data) throw new DerError('not password integrity mode');
  if (!macData) throw new DerError('no MAC');
  const authSafeBytes = octets(explicitContent(authSafe!));
  if (!verifyMac(macData, authSafeBytes, password)) throw fail('errSecAuthFailed', 'the PKCS #12 MAC does not verify: the passphrase is wrong');
  const groups = new Map<string, Group>();
  for (const info of children(expectTag(readOnly(authSafeBytes), TAG.sequence, 'AuthenticatedSafe'))) {
    const contentType = oidText(children(info)[0]!.content);
    let safeContents: Buffer;
    if (contentType === OID.data) safeContents = octets(explicitContent(info));
    else if (contentType === OID.encryptedData) {
      const [, encryptedContentInfo] = children(expectTag(explicitContent(info), TAG.sequence, 'EncryptedData'));
      const [, algorithm, encrypted] = children(expectTag(encryptedContentInfo, TAG.sequence, 'EncryptedContentInfo'));
      if (!encrypted || (encrypted.tag !== 0x80 && encrypted.tag !== 0xa0)) throw new DerError('no encryptedContent');
      const ciphertext = encrypted.tag === 0x80 ? encrypted.content : Buffer.concat(children(encrypted).map(octets));
      safeContents = decrypt(algorithm!, ciphertext, password);
    } else throw new DerError(`a ContentInfo of type ${contentType}`);
    for (const bag of children(expectTag(readOnly(safeContents), TAG.sequence, 'SafeContents'))) readBag(bag, password, groups);
  }
  return [...groups.values()];
}

/** One SafeBag into its group (p12import.c's bag parsers and emit_item). */
function readBag(bag: Tlv, password: string, groups: Map<string, Group>): void {
  const [bagId, bagValue, attributes] = children(expectTag(bag, TAG.sequence, 'SafeBag'));
  const id = oidText(expectTag(bagId, TAG.oid, 'bagId').content);
  if (!bagValue || bagValue.tag !== 0xa0) throw new DerError('a SafeBag without a value');
  const value = children(bagValue)[0]!;
  let item: Group;
  if (id === OID.keyBag) item = { key: value.bytes };
  else if (id === OID.shroudedKeyBag) {
    const [algorithm, encrypted] = children(expectTag(value, TAG.sequence, 'EncryptedPrivateKeyInfo'));
    item = { key: decrypt(algorithm!, octets(encrypted!), password) };
  } else if (id === OID.certBag) {
    const [certId, certValue] = children(expectTag(value, TAG.sequence, 'CertBag'));
    if (oidText(certId!.content) !== OID.x509Certificate) return; // only X.509 certificates are kept
    item = { cert: octets(children(certValue!)[0]!) };
  } else return; // CRL, secret and nested bags carry nothing SecPKCS12Import returns
  // The group's key: the localKeyId, else the friendlyName, else the item itself (emit_item).
  let groupKey: string | undefined;
  for (const attribute of attributes ? children(attributes) : []) {
    const [type, values] = children(attribute);
    const oid = oidText(type!.content);
    const first = values && children(values)[0];
    if (oid === OID.localKeyId && first) groupKey = `id:${first.content.toString('hex')}`;
    if (oid === OID.friendlyName && first && groupKey === undefined) groupKey = `name:${first.content.toString('hex')}`;
  }
  groupKey ??= `item:${groups.size}`;
  const group = groups.get(groupKey);
  if (group) Object.assign(group, item);
  else groups.set(groupKey, item);
}

/** A private key handle from PKCS #8 (SecKeyCreateECPrivateKey / SecKeyCreateRSAPrivateKey). */
function privateKeyHandle(pkcs8: Buffer): SecHandle {
  let privateKey;
  try {
    privateKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (error) {
    throw new DerError(`an undecodable private key (${error instanceof Error ? error.message : String(error)})`);
  }
  const details = privateKey.asymmetricKeyDetails ?? {};
  const publicKey = createPublicKey(privateKey);
  if (privateKey.asymmetricKeyType === 'rsa') {
    return keyHandle(importedKey({}, 'rsa', 'private', { bits: details.modulusLength ?? 0, publicKey, privateKey }));
  }
  const size = privateKey.asymmetricKeyType === 'ec' ? Object.entries(CURVES_BY_SIZE).find(([, c]) => c.node === details.namedCurve)?.[0] : undefined;
  // build_trust_chains knows EC and RSA keys only: anything else is p12_decodeErr.
  if (size === undefined) throw new DerError(`a ${privateKey.asymmetricKeyType} key`);
  return keyHandle(importedKey({}, 'ec', 'private', { bits: Number(size), publicKey, privateKey }));
}

/**
 * The identity's chain, as SecTrustCopyCertificateChain gives it for the file's certificates:
 * the leaf, then each issuer found among `certs` (same normalized name, valid signature),
 * until a self-issued certificate or no issuer.
 */
function chainOf(leaf: SecHandle, certs: readonly SecHandle[]): SecHandle[] {
  const chain = [leaf];
  for (let current = emulatedCertificate(leaf)!; ;) {
    if (current.x509.checkIssued(current.x509)) break;
    const issuer = certs.find((c) => !chain.includes(c) && issues(emulatedCertificate(c)!, current));
    if (!issuer) break;
    chain.push(issuer);
    current = emulatedCertificate(issuer)!;
  }
  return chain;
}

function issues(issuer: EmulatedCertificate, subject: EmulatedCertificate): boolean {
  if (!dataProtectionName(issuer.subject).equals(dataProtectionName(subject.issuer))) return false;
  try {
    return subject.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** What SecPKCS12Import decoded, before any keychain. */
export interface DecodedPkcs12 {
  readonly items: Record<string, CFResult>[];
  readonly identities: { identity: SecHandle; certificate: SecHandle; privateKey: SecHandle; item: Record<string, CFResult> }[];
}

/** p12decode and SecPKCS12Import_ios's item building; a SecError (Failure) for bad data. */
export function decodePkcs12(data: Buffer, password: string): DecodedPkcs12 {
  try {
    const groups = decodeGroups(data, password);
    const certs = groups.filter((g) => g.cert && !g.key).map((g) => certificateHandle(g.cert!));
    const identities: DecodedPkcs12['identities'] = [];
    for (const group of groups) {
      if (!group.key || !group.cert) continue;
      const privateKey = privateKeyHandle(group.key);
      const certificate = certificateHandle(group.cert);
      const identity = identityHandle(certificate, privateKey);
      identities.push({ identity, certificate, privateKey, item: { identity, chain: chainOf(certificate, certs) } });
    }
    const items = identities.map((i) => i.item);
    const unreferenced = certs.filter((c) => !items.some((item) => (item.chain as SecHandle[]).includes(c)));
    if (unreferenced.length > 0) items.push({ chain: unreferenced });
    return { items, identities };
  } catch (error) {
    if (error instanceof Error && beyondBound.has(error)) throw error;
    if (error instanceof DerError || (error instanceof Error && 'status' in error && (error as { status: number }).status === -50)) {
      throw fail('errSecDecode', `the data is not a PKCS #12 file SecPKCS12Import can read (${error.message})`);
    }
    throw error;
  }
}

/** The options SecPKCS12Import reads (SecImportExport.c). */
export interface Pkcs12Options {
  readonly passphrase: string;
  /** kSecImportToMemoryOnly is kCFBooleanTrue. */
  readonly memoryOnly: boolean;
  /** kSecUseDataProtectionKeychain is kCFBooleanTrue. */
  readonly dataProtection: boolean;
  /** The other options: SecItemAdd attributes on the data protection path. */
  readonly itemOptions: Record<string, CFValue>;
}

/** Reads the options dictionary; a passphrase that is not a string is errSecParam naming it. */
export function readPkcs12Options(options: CFDictionary): Pkcs12Options {
  const { passphrase, memory, nleg, keychain, access, ...rest } = options as Record<string, CFValue | undefined>;
  if (passphrase !== undefined && typeof passphrase !== 'string') {
    throw paramError(`options.passphrase (kSecImportExportPassphrase) must be a string, not ${describeValue(passphrase)}`);
  }
  if (keychain !== undefined || access !== undefined) {
    throw paramError('kSecImportExportKeychain and kSecImportExportAccess take SecKeychain and SecAccess objects, which are not bound');
  }
  return { passphrase: passphrase ?? '', memoryOnly: memory === true, dataProtection: nleg === true, itemOptions: rest as Record<string, CFValue> };
}

/**
 * Adds one item with SecItemAdd; a duplicate is not an error (parsePkcs12ItemsAndAddto…Keychain).
 * `required` false: a failure is ignored too, as the file-based path ignores a chain
 * certificate's (importPkcs12CertChainToLegacyKeychain returns its outer status, which no add
 * changes).
 */
export type AddItem = (attributes: Record<string, CFValue>, required: boolean) => void;

/** The keychain half of SecPKCS12Import (SecImportExport.c, both files). */
export function addToKeychain(decoded: DecodedPkcs12, options: Pkcs12Options, add: AddItem): void {
  if (options.memoryOnly) return;
  if (options.dataProtection) {
    for (const item of decoded.items) {
      if (item.identity) add({ ...options.itemOptions, nleg: true, class: 'idnt', v_Ref: item.identity as SecHandle }, true);
      for (const cert of item.chain as SecHandle[]) add({ ...options.itemOptions, nleg: true, class: 'cert', v_Ref: cert }, true);
    }
    return;
  }
  for (const { certificate, privateKey, item } of decoded.identities) {
    // SecIdentityImportToFileBackedKeychain: the key, then the certificate.
    add({ nleg: false, class: 'keys', v_Ref: privateKey }, true);
    add({ nleg: false, class: 'cert', v_Ref: certificate }, true);
    // importPkcs12IdentityToLegacyKeychain sets these two "to match legacy behavior".
    const label = subjectSummary(emulatedCertificate(certificate)!);
    if (label !== undefined) item.label = label;
    item.keyid = publicKeyHash(emulatedKey(privateKey, 'privateKey').publicKey);
  }
  for (const item of decoded.items) for (const cert of item.chain as SecHandle[]) add({ nleg: false, class: 'cert', v_Ref: cert }, false);
}
