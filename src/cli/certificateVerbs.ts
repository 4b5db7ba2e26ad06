/**
 * `secitem` verbs for certificates, identities and keys, modelled on macOS security(1)'s
 * `import`, `find-certificate`, `find-identity`, `delete-certificate` and
 * `delete-identity`, plus `find-key`, which lists keys (security(1) lists them with
 * dump-keychain). They use the public raw calls only (SecItem, SecCertificate,
 * SecIdentity, SecPKCS12Import), so they behave the same on the native backend and the
 * emulator.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Backend } from '../backend/backend.js';
import { paramError, secError } from '../errors.js';
import { SecHandle } from '../handles.js';
import type { CFDictionary, CFResult } from '../values.js';
import type { JsonValue } from './format.js';

export interface CertificateIo {
  stdout: { write(text: string): unknown };
}

/** What a certificate verb was given on the command line. */
export interface CertificateRequest {
  readonly action: 'import' | 'findCertificate' | 'findIdentity' | 'deleteCertificate' | 'deleteIdentity' | 'findKey';
  readonly switches: ReadonlySet<string>;
  readonly values: Readonly<Record<string, string>>;
  /** kSecUseDataProtectionKeychain for the call, from --keychain. */
  readonly dataProtection: boolean | undefined;
  readonly json: boolean;
}

type Calls = Backend;

/** A found certificate: its handle, DER and the item's attributes. */
interface FoundCertificate {
  readonly attributes: Record<string, CFResult>;
  readonly der: Buffer;
  readonly summary: string | undefined;
  readonly sha1: string;
  readonly sha256: string;
}

const PEM = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g;

function routing(request: CertificateRequest): CFDictionary {
  return request.dataProtection === undefined ? {} : { nleg: request.dataProtection };
}

/** The DER certificates of a .pem or .der file (the file's own bytes when it has no PEM block). */
function certificatesOf(bytes: Buffer): Buffer[] {
  const text = bytes.toString('latin1');
  const blocks = [...text.matchAll(PEM)].map((m) => Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64'));
  return blocks.length > 0 ? blocks : [bytes];
}

/** A .p12/.pfx by its name; else PEM or DER X.509 when the bytes are that; else PKCS #12. */
function isPkcs12(path: string, bytes: Buffer): boolean {
  if (/\.(p12|pfx)$/i.test(path)) return true;
  if (/\.(pem|crt|cer|der)$/i.test(path) || bytes.includes(Buffer.from('-----BEGIN CERTIFICATE-----'))) return false;
  try {
    new X509Certificate(bytes);
    return false;
  } catch {
    return true;
  }
}

/** `import file [-P passphrase]`: a .p12 with SecPKCS12Import, a .pem/.der with SecItemAdd. */
async function importFile(kc: Calls, request: CertificateRequest, io: CertificateIo): Promise<void> {
  const path = request.values.file;
  if (path === undefined) throw paramError('import needs the file to import');
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw secError('errSecIO', `cannot read ${path}: ${(error as Error).message}`);
  }
  if (isPkcs12(path, bytes)) {
    const options: CFDictionary = { passphrase: request.values.passphrase ?? '', ...routing(request) };
    const items = await kc.SecPKCS12Import(bytes, options);
    const identities = items.filter((i) => i.identity !== undefined).length;
    const certificates = new Set(items.flatMap((i) => (i.chain as SecHandle[] | undefined) ?? [])).size;
    if (request.json) io.stdout.write(`${JSON.stringify({ ok: true, identities, certificates }, null, 2)}\n`);
    else io.stdout.write(`${identities} ${identities === 1 ? 'identity' : 'identities'} imported.\n`);
    return;
  }
  let added = 0;
  for (const der of certificatesOf(bytes)) {
    const certificate = await kc.SecCertificateCreateWithData(der);
    try {
      await kc.SecItemAdd({ class: 'cert', v_Ref: certificate, ...routing(request) });
      added++;
    } catch (error) {
      // security(1) reports a certificate already in the keychain and goes on.
      if ((error as { code?: string }).code !== 'errSecDuplicateItem') throw error;
    }
  }
  if (request.json) io.stdout.write(`${JSON.stringify({ ok: true, identities: 0, certificates: added }, null, 2)}\n`);
  else io.stdout.write(`${added} ${added === 1 ? 'certificate' : 'certificates'} imported.\n`);
}

/** Every certificate item, with what the verbs filter and print by. */
async function certificates(kc: Calls, request: CertificateRequest): Promise<FoundCertificate[]> {
  let found: CFResult | undefined;
  try {
    found = await kc.SecItemCopyMatching({ class: 'cert', m_Limit: 'm_LimitAll', r_Attributes: true, r_Ref: true, r_PersistentRef: true, ...routing(request) });
  } catch (error) {
    if ((error as { code?: string }).code === 'errSecItemNotFound') return [];
    throw error;
  }
  const out: FoundCertificate[] = [];
  for (const attributes of (Array.isArray(found) ? found : [found]) as Record<string, CFResult>[]) {
    const ref = attributes.v_Ref as SecHandle;
    const der = await kc.SecCertificateCopyData(ref);
    out.push({
      attributes, der, summary: await kc.SecCertificateCopySubjectSummary(ref),
      sha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
      sha256: createHash('sha256').update(der).digest('hex').toUpperCase(),
    });
  }
  return out;
}

/** security(1)'s -c (the name contains the text), -e (email) and -Z (SHA-1 or SHA-256) filters. */
function matches(found: FoundCertificate, values: Readonly<Record<string, string>>): boolean {
  const { name, email, hash } = values;
  const x509 = new X509Certificate(found.der);
  if (name !== undefined && !(found.summary ?? '').includes(name) && !x509.subject.includes(name) && !String(found.attributes.labl ?? '').includes(name)) return false;
  if (email !== undefined && !(x509.subjectAltName ?? '').includes(`email:${email}`) && !x509.subject.includes(email)) return false;
  if (hash !== undefined && ![found.sha1, found.sha256].includes(hash.replace(/[\s:]/g, '').toUpperCase())) return false;
  return true;
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

function certificateJson(found: FoundCertificate, withPem: boolean): { [key: string]: JsonValue } {
  const a = found.attributes;
  const out: { [key: string]: JsonValue } = {
    label: typeof a.labl === 'string' ? a.labl : null,
    subjectSummary: found.summary ?? null,
    sha1: found.sha1,
    sha256: found.sha256,
    serialNumber: Buffer.isBuffer(a.slnr) ? a.slnr.toString('hex') : null,
    publicKeyHash: Buffer.isBuffer(a.pkhh) ? a.pkhh.toString('hex') : null,
  };
  if (withPem) out.pem = pem(found.der);
  return out;
}

function certificateForHumans(found: FoundCertificate, request: CertificateRequest): string {
  const lines: string[] = [];
  if (request.switches.has('hashes')) lines.push(`SHA-256 hash: ${found.sha256}`, `SHA-1 hash: ${found.sha1}`);
  lines.push('attributes:', `    "labl"<blob>=${JSON.stringify(found.attributes.labl ?? null)}`, `    subject summary: ${JSON.stringify(found.summary ?? null)}`);
  if (request.switches.has('pem')) lines.push(pem(found.der).trimEnd());
  return lines.join('\n');
}

async function findCertificate(kc: Calls, request: CertificateRequest, io: CertificateIo): Promise<void> {
  const all = (await certificates(kc, request)).filter((c) => matches(c, request.values));
  if (all.length === 0) throw secError('errSecItemNotFound', 'no certificate matched');
  const shown = request.switches.has('all') ? all : all.slice(0, 1);
  if (request.json) io.stdout.write(`${JSON.stringify(shown.map((c) => certificateJson(c, request.switches.has('pem'))), null, 2)}\n`);
  else io.stdout.write(`${shown.map((c) => certificateForHumans(c, request)).join('\n')}\n`);
}

async function deleteCertificate(kc: Calls, request: CertificateRequest, io: CertificateIo): Promise<void> {
  if (request.values.name === undefined && request.values.hash === undefined) throw paramError('delete-certificate needs -c name or -Z hash');
  const found = (await certificates(kc, request)).filter((c) => matches(c, request.values));
  if (found.length === 0) throw secError('errSecItemNotFound', 'no certificate matched');
  // security(1) refuses to guess between several certificates of the same name.
  if (found.length > 1) throw paramError(`${found.length} certificates match; name one with -Z and its SHA-1 hash`);
  await kc.SecItemDelete({ v_PersistentRef: found[0]!.attributes.v_PersistentRef as Buffer });
  if (request.json) io.stdout.write(`${JSON.stringify({ ok: true, deleted: certificateJson(found[0]!, false) }, null, 2)}\n`);
}

/** The identities: certificates whose public key hash is a private key's application label. */
async function identities(kc: Calls, request: CertificateRequest): Promise<FoundCertificate[]> {
  let keys: CFResult | undefined;
  try {
    keys = await kc.SecItemCopyMatching({ class: 'keys', kcls: '1', m_Limit: 'm_LimitAll', r_Attributes: true, ...routing(request) });
  } catch (error) {
    if ((error as { code?: string }).code === 'errSecItemNotFound') return [];
    throw error;
  }
  const labels = new Set(((Array.isArray(keys) ? keys : [keys]) as Record<string, CFResult>[])
    .map((k) => (Buffer.isBuffer(k.klbl) ? k.klbl.toString('hex') : '')));
  return (await certificates(kc, request)).filter((c) => Buffer.isBuffer(c.attributes.pkhh) && labels.has(c.attributes.pkhh.toString('hex')));
}

async function findIdentity(kc: Calls, request: CertificateRequest, io: CertificateIo): Promise<void> {
  const found = (await identities(kc, request)).filter((c) => matches(c, request.values));
  if (request.json) {
    io.stdout.write(`${JSON.stringify(found.map((c) => certificateJson(c, false)), null, 2)}\n`);
    return;
  }
  // security(1) find-identity's layout: a numbered SHA-1 hash and name, then the count.
  const lines = found.map((c, i) => `  ${i + 1}) ${c.sha1} ${JSON.stringify(c.summary ?? c.attributes.labl ?? '')}`);
  io.stdout.write(`${[...lines, `     ${found.length} ${found.length === 1 ? 'identity' : 'identities'} found`].join('\n')}\n`);
}

async function deleteIdentity(kc: Calls, request: CertificateRequest, io: CertificateIo): Promise<void> {
  if (request.values.name === undefined && request.values.hash === undefined) throw paramError('delete-identity needs -c name or -Z hash');
  const found = (await identities(kc, request)).filter((c) => matches(c, request.values));
  if (found.length === 0) throw secError('errSecItemNotFound', 'no identity matched');
  if (found.length > 1) throw paramError(`${found.length} identities match; name one with -Z and its SHA-1 hash`);
  const [identity] = found;
  const pkhh = identity!.attributes.pkhh as Buffer;
  await kc.SecItemDelete({ v_PersistentRef: identity!.attributes.v_PersistentRef as Buffer });
  // The private key goes too, unless another certificate still uses it (spec/semantics.md 15.2).
  const others = (await certificates(kc, request)).some((c) => Buffer.isBuffer(c.attributes.pkhh) && c.attributes.pkhh.equals(pkhh));
  if (!others) await kc.SecItemDelete({ class: 'keys', kcls: '1', klbl: pkhh, m_Limit: 'm_LimitAll', ...routing(request) });
  if (request.json) io.stdout.write(`${JSON.stringify({ ok: true, deleted: certificateJson(identity!, false), keyDeleted: !others }, null, 2)}\n`);
}

const KEY_TYPES: Record<string, string> = { '73': 'EC', '42': 'RSA' };
const KEY_CLASSES: Record<string, string> = { '0': 'public', '1': 'private', '2': 'symmetric' };

/** `find-key [-a] [-l label]`: the key items' attributes (no key bytes). */
async function findKey(kc: Calls, request: CertificateRequest, io: CertificateIo): Promise<void> {
  const label = request.values.label;
  const query: CFDictionary = { class: 'keys', m_Limit: 'm_LimitAll', r_Attributes: true, ...(label === undefined ? {} : { labl: label }), ...routing(request) };
  let found: CFResult | undefined;
  try {
    found = await kc.SecItemCopyMatching(query);
  } catch (error) {
    if ((error as { code?: string }).code !== 'errSecItemNotFound') throw error;
  }
  const keys = found === undefined ? [] : (Array.isArray(found) ? found : [found]) as Record<string, CFResult>[];
  if (keys.length === 0) throw secError('errSecItemNotFound', 'no key matched');
  const shown = request.switches.has('all') ? keys : keys.slice(0, 1);
  const rows = shown.map((k) => ({
    label: typeof k.labl === 'string' ? k.labl : null,
    keyClass: KEY_CLASSES[String(k.kcls)] ?? String(k.kcls ?? ''),
    keyType: KEY_TYPES[String(k.type)] ?? String(k.type ?? ''),
    keySizeInBits: typeof k.bsiz === 'number' ? k.bsiz : null,
    applicationLabel: Buffer.isBuffer(k.klbl) ? k.klbl.toString('hex') : null,
    applicationTag: Buffer.isBuffer(k.atag) ? k.atag.toString('hex') : typeof k.atag === 'string' ? k.atag : null,
  }));
  if (request.json) io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  else io.stdout.write(`${rows.map((r) => Object.entries(r).map(([n, v]) => `    ${n}: ${JSON.stringify(v)}`).join('\n')).join('\n\n')}\n`);
}

/** Runs one certificate, identity or key verb over a backend's raw calls. */
export function runCertificateVerb(backend: Backend, request: CertificateRequest, io: CertificateIo): Promise<void> {
  const kc = backend;
  switch (request.action) {
    case 'import': return importFile(kc, request, io);
    case 'findCertificate': return findCertificate(kc, request, io);
    case 'findIdentity': return findIdentity(kc, request, io);
    case 'deleteCertificate': return deleteCertificate(kc, request, io);
    case 'deleteIdentity': return deleteIdentity(kc, request, io);
    case 'findKey': return findKey(kc, request, io);
  }
}
