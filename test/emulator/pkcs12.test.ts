// SecPKCS12Import on the emulator (src/emulator/pkcs12.ts, pkcs12Crypto.ts) against files the
// openssl command writes: OpenSSL 3's default (PBES2 with PBKDF2 and AES-256-CBC, an
// HMAC-SHA-256 MAC) and -legacy (RC2-40 and 3DES, a SHA-1 MAC). The behaviour follows Apple's
// OSX/sec/Security/p12import.c and SecImportExport.c and OSX/libsecurity_keychain's
// SecImportExport.c.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecImportExportPassphrase, kSecImportItemCertChain, kSecImportItemIdentity, kSecImportItemKeyID,
  kSecImportItemLabel, kSecImportItemTrust, kSecImportToMemoryOnly, kSecKeyAlgorithmECDSASignatureMessageX962SHA256,
  kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256, type Emulator, type SecHandle,
} from '../../src/index.js';
import { TAG, children, encodeTlv, readOnly } from '../../src/emulator/der.js';
import { decrypt, MAX_PKCS12_ITERATIONS } from '../../src/emulator/pkcs12Crypto.js';
import { cleanup, makeCertificate, makePkcs12, type Made } from '../fixtures/openssl.js';
import { statusOf } from '../fixtures/status.js';

let kc: Emulator;
beforeEach(() => {
  kc = createEmulator({ app: { accessGroups: ['TEAM.com.example'] } });
});
afterEach(() => kc.close());
afterAll(cleanup);


const memoryOnly = (passphrase = 'secret') => ({ [kSecImportExportPassphrase]: passphrase, [kSecImportToMemoryOnly]: true });

const certificates: Record<'ec' | 'rsa', Made> = { ec: makeCertificate({ key: 'ec', subject: '/CN=ec client' }), rsa: makeCertificate({ key: 'rsa', subject: '/CN=rsa client' }) };
const ALGORITHM = { ec: kSecKeyAlgorithmECDSASignatureMessageX962SHA256, rsa: kSecKeyAlgorithmRSASignatureMessagePKCS1v15SHA256 };

describe('SecPKCS12Import: the identity signs, node:crypto verifies with the certificate', () => {
  for (const key of ['ec', 'rsa'] as const) {
    for (const legacy of [false, true]) {
      it(`${key}, OpenSSL 3 ${legacy ? '-legacy (RC2-40, 3DES, SHA-1 MAC)' : 'default (AES-256-CBC, PBKDF2, HMAC-SHA-256 MAC)'}`, async () => {
        const made = certificates[key];
        const p12 = makePkcs12(made, { legacy });
        const items = await kc.SecPKCS12Import(p12, memoryOnly());
        expect(items).toHaveLength(1);
        const identity = items[0]![kSecImportItemIdentity] as SecHandle;
        expect(identity.kind).toBe('SecIdentity');
        const certificate = await kc.SecIdentityCopyCertificate(identity);
        expect((await kc.SecCertificateCopyData(certificate)).equals(made.der)).toBe(true);
        const privateKey = await kc.SecIdentityCopyPrivateKey(identity);
        const message = Buffer.from('a request signed with the client certificate\'s key');
        const signature = await kc.SecKeyCreateSignature(privateKey, ALGORITHM[key], message);
        expect(verify('sha256', message, createPublicKey(made.certPem), signature)).toBe(true);
      });
    }
  }
});

describe('SecPKCS12Import: statuses (p12import.c p12decode, SecImportExport.c)', () => {
  it('a wrong passphrase is errSecAuthFailed (-25293), default and -legacy', async () => {
    for (const legacy of [false, true]) {
      expect(await statusOf(kc.SecPKCS12Import(makePkcs12(certificates.ec, { legacy }), memoryOnly('wrong')))).toBe(-25293);
    }
  });

  it('no passphrase is the empty one: a file with a password is then errSecAuthFailed', async () => {
    expect(await statusOf(kc.SecPKCS12Import(makePkcs12(certificates.ec), { [kSecImportToMemoryOnly]: true }))).toBe(-25293);
  });

  it('bytes that are not PKCS #12 are errSecDecode (-26275)', async () => {
    const p12 = makePkcs12(certificates.ec);
    for (const bad of [Buffer.from('not pkcs12'), Buffer.alloc(0), p12.subarray(0, p12.length - 10), certificates.ec.der, Buffer.from(certificates.ec.certPem)]) {
      expect(await statusOf(kc.SecPKCS12Import(bad, memoryOnly()))).toBe(-26275);
    }
  });

  it('indefinite lengths nested without end are errSecDecode, not a failure of the emulator', async () => {
    const depth = 100_000;
    const nested = Buffer.concat([Buffer.from('3080'.repeat(depth), 'hex'), Buffer.alloc(2 * depth)]);
    expect(await statusOf(kc.SecPKCS12Import(nested, memoryOnly()))).toBe(-26275);
  });

  it('a PFX without a MAC is errSecDecode: p12decode requires macData', async () => {
    expect(await statusOf(kc.SecPKCS12Import(makePkcs12(certificates.ec, { args: ['-nomac'] }), memoryOnly()))).toBe(-26275);
  });

  it('a MAC iteration count longer than four octets is errSecAuthFailed, as p12DataToInt refuses it, and nothing is derived from it', async () => {
    const p12 = makePkcs12(certificates.ec);
    const [version, authSafe, macData] = children(readOnly(p12));
    const [digest, salt, iterations] = children(macData!);
    // The same count with leading zero octets up to five: the MAC over the authSafe still matches.
    const padded = Buffer.concat([Buffer.alloc(5 - iterations!.content.length), iterations!.content]);
    const mac = encodeTlv(TAG.sequence, Buffer.concat([digest!.bytes, salt!.bytes, encodeTlv(TAG.integer, padded)]));
    const altered = encodeTlv(TAG.sequence, Buffer.concat([version!.bytes, authSafe!.bytes, mac]));
    expect(await statusOf(kc.SecPKCS12Import(p12, memoryOnly()))).toBe(0);
    expect(await statusOf(kc.SecPKCS12Import(altered, memoryOnly()))).toBe(-25293);
  });

  it('an encryption iteration count longer than four octets is undecodable before any key derivation (p12Decrypt, p12DataToInt)', () => {
    const pbeWithSHAAnd3KeyTripleDES = Buffer.from('2a864886f70d010c0103', 'hex');
    const params = encodeTlv(TAG.sequence, Buffer.concat([encodeTlv(TAG.octetString, Buffer.alloc(8)), encodeTlv(TAG.integer, Buffer.from('0000000001', 'hex'))]));
    const algorithm = readOnly(encodeTlv(TAG.sequence, Buffer.concat([encodeTlv(TAG.oid, pbeWithSHAAnd3KeyTripleDES), params])));
    expect(() => decrypt(algorithm, Buffer.alloc(8), 'secret')).toThrow(expect.objectContaining({ message: expect.stringContaining('iteration count longer than four octets') }));
  });

  it('beyond MAX_PKCS12_ITERATIONS key-derivation iterations, the import is errSecParam naming them, before deriving', async () => {
    const p12 = makePkcs12(certificates.ec);
    const [version, authSafe, macData] = children(readOnly(p12));
    const [digest, salt] = children(macData!);
    const count = MAX_PKCS12_ITERATIONS + 1;
    const octetsOf = Buffer.from(count.toString(16).padStart(8, '0'), 'hex');
    const mac = encodeTlv(TAG.sequence, Buffer.concat([digest!.bytes, salt!.bytes, encodeTlv(TAG.integer, octetsOf)]));
    const crafted = encodeTlv(TAG.sequence, Buffer.concat([version!.bytes, authSafe!.bytes, mac]));
    await expect(kc.SecPKCS12Import(crafted, memoryOnly())).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining(`${count} key-derivation iterations`) });
    const pbeWithSHAAnd3KeyTripleDES = Buffer.from('2a864886f70d010c0103', 'hex');
    const params = encodeTlv(TAG.sequence, Buffer.concat([encodeTlv(TAG.octetString, Buffer.alloc(8)), encodeTlv(TAG.integer, octetsOf)]));
    const algorithm = readOnly(encodeTlv(TAG.sequence, Buffer.concat([encodeTlv(TAG.oid, pbeWithSHAAnd3KeyTripleDES), params])));
    expect(() => decrypt(algorithm, Buffer.alloc(8), 'secret')).toThrow(expect.objectContaining({ code: 'errSecParam' }));
  });

  it('a passphrase that is not a string is errSecParam naming it', async () => {
    await expect(kc.SecPKCS12Import(makePkcs12(certificates.ec), { [kSecImportExportPassphrase]: Buffer.from('secret'), [kSecImportToMemoryOnly]: true })).rejects.toThrow(/passphrase/);
  });

  it('pkcs12Data and options are checked like every raw call\'s arguments', async () => {
    expect(await statusOf(kc.SecPKCS12Import('p12' as never, {}))).toBe(-50);
    expect(await statusOf(kc.SecPKCS12Import(Buffer.from('x'), null as never))).toBe(-50);
  });
});

describe('SecPKCS12Import: items (SecImportExport.c build_trust_chains, build_unreferenced_certs)', () => {
  it('memory only: identity and chain, no trust; no label or keyid (only the keychain path sets them)', async () => {
    const items = await kc.SecPKCS12Import(makePkcs12(certificates.ec, { name: 'my key' }), memoryOnly());
    expect(Object.keys(items[0]!).sort()).toEqual([kSecImportItemCertChain, kSecImportItemIdentity].sort());
    expect(items[0]![kSecImportItemTrust]).toBeUndefined();
    expect(items[0]![kSecImportItemLabel]).toBeUndefined();
    expect(items[0]![kSecImportItemKeyID]).toBeUndefined();
  });

  it('the chain is the leaf, then its issuers among the file\'s certificates', async () => {
    const ca = makeCertificate({ subject: '/CN=Example CA' });
    const leaf = makeCertificate({ subject: '/CN=leaf', issuer: ca });
    const items = await kc.SecPKCS12Import(makePkcs12(leaf, { chain: [ca] }), memoryOnly());
    expect(items).toHaveLength(1);
    const chain = items[0]![kSecImportItemCertChain] as SecHandle[];
    expect(await Promise.all(chain.map(async (c) => (await kc.SecCertificateCopyData(c)).equals(leaf.der) ? 'leaf' : (await kc.SecCertificateCopyData(c)).equals(ca.der) ? 'ca' : '?'))).toEqual(['leaf', 'ca']);
  });

  it('certificates no chain holds come last, in an item of their own (macOS)', async () => {
    const other = makeCertificate({ subject: '/CN=unrelated' });
    const items = await kc.SecPKCS12Import(makePkcs12(certificates.rsa, { chain: [other] }), memoryOnly());
    expect(items).toHaveLength(2);
    expect(items[1]![kSecImportItemIdentity]).toBeUndefined();
    const [alone] = items[1]![kSecImportItemCertChain] as SecHandle[];
    expect((await kc.SecCertificateCopyData(alone!)).equals(other.der)).toBe(true);
  });

  it('a file with certificates only gives one item of them', async () => {
    const dir = certificates.ec.dir;
    const { openssl } = await import('../fixtures/openssl.js');
    openssl(['pkcs12', '-export', '-nokeys', '-in', 'cert.pem', '-out', 'certs.p12', '-passout', 'pass:secret'], dir);
    const { readFileSync } = await import('node:fs');
    const items = await kc.SecPKCS12Import(readFileSync(`${dir}/certs.p12`), memoryOnly());
    expect(items).toHaveLength(1);
    expect((items[0]![kSecImportItemCertChain] as SecHandle[])).toHaveLength(1);
  });
});

describe('SecPKCS12Import into a keychain (OSX/libsecurity_keychain/lib/SecImportExport.c, OSX/sec/Security/SecImportExport.c)', () => {
  it('without kSecImportToMemoryOnly: the login keychain gets the key and certificate; the item gains label and keyid', async () => {
    const items = await kc.SecPKCS12Import(makePkcs12(certificates.ec), { [kSecImportExportPassphrase]: 'secret' });
    expect(items[0]![kSecImportItemLabel]).toBe('ec client');
    const keyid = items[0]![kSecImportItemKeyID] as Buffer;
    const point = createPublicKey(certificates.ec.keyPem).export({ format: 'jwk' });
    const bits = Buffer.concat([Buffer.from([4]), Buffer.from(point.x!, 'base64url'), Buffer.from(point.y!, 'base64url')]);
    expect(keyid.equals(createHash('sha1').update(bits).digest())).toBe(true);
    const cert = await kc.SecItemCopyMatching({ class: 'cert', nleg: false, pkhh: keyid, r_Attributes: true }) as Record<string, unknown>;
    expect(cert.labl).toBe('ec client');
    const key = await kc.SecItemCopyMatching({ class: 'keys', nleg: false, klbl: keyid, r_Ref: true }) as SecHandle;
    expect(key.kind).toBe('SecKey');
  });

  it('a second import of the same file is not an error: duplicates are skipped', async () => {
    const p12 = makePkcs12(certificates.rsa);
    await kc.SecPKCS12Import(p12, { [kSecImportExportPassphrase]: 'secret' });
    await expect(kc.SecPKCS12Import(p12, { [kSecImportExportPassphrase]: 'secret' })).resolves.toHaveLength(1);
  });

  it('kSecUseDataProtectionKeychain true: the identity is added by reference, as its certificate and key (15.2)', async () => {
    const items = await kc.SecPKCS12Import(makePkcs12(certificates.ec), { [kSecImportExportPassphrase]: 'secret', nleg: true });
    expect(items[0]![kSecImportItemLabel]).toBeUndefined(); // no label or key ID on this path
    const found = await kc.SecItemCopyMatching({ class: 'idnt', nleg: true, r_Ref: true }) as SecHandle;
    expect(found.kind).toBe('SecIdentity');
    const cert = await kc.SecIdentityCopyCertificate(found);
    expect((await kc.SecCertificateCopyData(cert)).equals(certificates.ec.der)).toBe(true);
    expect(await statusOf(kc.SecItemCopyMatching({ class: 'cert', nleg: false }))).toBe(-25300);
    // A second import skips what is there.
    await expect(kc.SecPKCS12Import(makePkcs12(certificates.ec), { [kSecImportExportPassphrase]: 'secret', nleg: true })).resolves.toHaveLength(1);
  });

  it('kSecImportToMemoryOnly true: nothing is added to either keychain', async () => {
    await kc.SecPKCS12Import(makePkcs12(certificates.ec), memoryOnly());
    expect(await statusOf(kc.SecItemCopyMatching({ class: 'cert' }))).toBe(-25300);
    expect(await statusOf(kc.SecItemCopyMatching({ class: 'keys' }))).toBe(-25300);
  });
});

describe('p12import.c p12Decrypt: AES keys come from PBKDF2-HMAC-SHA-256, whatever PRF the file names', () => {
  async function forgePkcs12(prfAlgorithm: 'sha1' | 'sha256'): Promise<Buffer> {
    const forge = (await import('node-forge')).default;
    const key = forge.pki.privateKeyFromPem(certificates.rsa.keyPem);
    const cert = forge.pki.certificateFromPem(certificates.rsa.certPem);
    const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], 'secret', { algorithm: 'aes256', prfAlgorithm } as never);
    return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
  }

  it('a file whose PBKDF2 PRF is hmacWithSHA256 imports', async () => {
    const items = await kc.SecPKCS12Import(await forgePkcs12('sha256'), memoryOnly());
    expect((items[0]![kSecImportItemIdentity] as SecHandle).kind).toBe('SecIdentity');
  });

  it('a file whose PBKDF2 PRF is hmacWithSHA1 (node-forge\'s default) does not decrypt: errSecDecode, not a password error', async () => {
    expect(await statusOf(kc.SecPKCS12Import(await forgePkcs12('sha1'), memoryOnly()))).toBe(-26275);
  });
});
