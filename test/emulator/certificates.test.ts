// The emulated SecCertificate (src/emulator/certificates.ts, x509Names.ts): what Apple's
// SecCertificate.c derives from the DER for the data protection keychain, and what the CDSA
// certificate library (Certificate.cpp, CertFields.cpp, clNameUtils.cpp) derives for the
// file-based keychain. Certificates are made with the openssl command.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  certificateHandle, certificateItemAttributes, certificateKey, emulatedCertificate, subjectSummary,
} from '../../src/emulator/certificates.js';
import { emulatedIdentity, identityHandle } from '../../src/emulator/identities.js';
import { emulatedKey, keyAttributes } from '../../src/emulator/keyModel.js';
import { publicKeyHash } from '../../src/emulator/publicKeyHash.js';
import { SecError } from '../../src/errors.js';
import { makeHandle } from '../../src/handles.js';
import { cleanup, makeCertificate, openssl } from '../fixtures/openssl.js';

afterAll(cleanup);

/** The Name element (`subject` or `issuer`) of a certificate, found by walking its DER by hand. */
function nameDer(der: Buffer, which: 'subject' | 'issuer'): Buffer {
  const read = (buf: Buffer, at: number) => {
    let len = buf[at + 1]!;
    let hl = 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let i = 0; i < n; i++) len = len * 256 + buf[at + 2 + i]!;
      hl = 2 + n;
    }
    return { start: at, hl, end: at + hl + len };
  };
  const cert = read(der, 0);
  const tbs = read(der, cert.start + cert.hl);
  let at = tbs.start + tbs.hl;
  const fields: { start: number; hl: number; end: number }[] = [];
  while (at < tbs.end) {
    const f = read(der, at);
    fields.push(f);
    at = f.end;
  }
  const offset = der[fields[0]!.start] === 0xa0 ? 1 : 0;
  const f = fields[offset + (which === 'issuer' ? 2 : 4)]!;
  return der.subarray(f.start, f.end);
}

describe('SecCertificateCreateWithData (SecCertificate.h)', () => {
  it('SecCertificate.c: bytes that are not DER X.509 are refused with errSecParam naming data', () => {
    for (const bad of [Buffer.alloc(0), Buffer.from('not a certificate'), Buffer.from([0x30, 0x03, 0x02, 0x01, 0x01])]) {
      expect(() => certificateHandle(bad)).toThrow(SecError);
      try {
        certificateHandle(bad);
      } catch (error) {
        expect((error as SecError).status).toBe(-50);
        expect((error as SecError).message).toContain('data');
      }
    }
  });

  it('SecCertificate.c: a PEM file is not DER and is refused', () => {
    const { certPem } = makeCertificate();
    expect(() => certificateHandle(Buffer.from(certPem))).toThrow(/data is not a DER-encoded X.509 certificate/);
  });

  it('SecCertificate.c: trailing bytes after the certificate are refused', () => {
    const { der } = makeCertificate();
    expect(() => certificateHandle(Buffer.concat([der, Buffer.from([0])]))).toThrow(SecError);
  });

  it('SecCertificateCopyData gives back the same DER, a copy of the caller\'s bytes', () => {
    const { der } = makeCertificate();
    const given = Buffer.from(der);
    const handle = certificateHandle(given);
    given.fill(0);
    expect(emulatedCertificate(handle)!.der.equals(der)).toBe(true);
    expect(handle.kind).toBe('SecCertificate');
  });

  it('emulatedCertificate is undefined for a handle of another kind or backend', () => {
    expect(emulatedCertificate(makeHandle('SecKey', 'emulator', {}))).toBeUndefined();
    expect(emulatedCertificate(makeHandle('SecCertificate', 'native', {}))).toBeUndefined();
    expect(emulatedCertificate({})).toBeUndefined();
  });
});

describe('SecCertificateCopySubjectSummary (SecCertificate.c obtainSummaryFromX501Name)', () => {
  const summary = (options: Parameters<typeof makeCertificate>[0]) => subjectSummary(emulatedCertificate(certificateHandle(makeCertificate(options).der))!);

  it('the common name, as written', () => {
    expect(summary({ subject: '/C=US/O=Example/CN=alice  example' })).toBe('alice  example');
  });

  it('several common names: later ones first, joined with ", "', () => {
    expect(summary({ subject: '/CN=first/CN=second' })).toBe('second, first');
  });

  it('a description follows the common name in parentheses', () => {
    expect(summary({ subject: '/CN=alice/description=laptop' })).toBe('alice (laptop)');
  });

  it('without a common name: the first email address of the subject alternative name', () => {
    expect(summary({ subject: '/O=Example', extensions: ['subjectAltName=email:a@example.com,email:b@example.com'] })).toBe('a@example.com');
  });

  it('without a common name or email: the first DNS name', () => {
    expect(summary({ subject: '/O=Example', extensions: ['subjectAltName=DNS:www.example.com'] })).toBe('www.example.com');
  });

  it('without any of those: the organizational unit before the organization', () => {
    expect(summary({ subject: '/O=Example/OU=Research' })).toBe('Research');
    expect(summary({ subject: '/C=US/O=Example' })).toBe('Example');
  });

  it('only other attributes: the last printable value', () => {
    expect(summary({ subject: '/C=US/L=Cupertino' })).toBe('Cupertino, US');
  });
});

describe('certificateItemAttributes: data protection keychain (SecCertificate.c SecCertificateCopyAttributeDictionary)', () => {
  it('ctyp 3 for a v3 certificate, cenc 3 (DER), slnr the serial\'s content octets, skid, pkhh; no label', () => {
    const made = makeCertificate({ subject: '/CN=alice' });
    const x509 = new X509Certificate(made.der);
    const a = certificateItemAttributes(made.der, 'dp');
    expect(a.ctyp).toBe(3);
    expect(a.cenc).toBe(3);
    const serial = Buffer.from(x509.serialNumber, 'hex');
    // A leading zero is kept when the first bit is set (the INTEGER's own octets).
    expect((a.slnr as Buffer).subarray(-serial.length).equals(serial)).toBe(true);
    const skid = openssl(['x509', '-in', 'cert.pem', '-noout', '-ext', 'subjectKeyIdentifier'], made.dir).toString().split('\n')[1]!.trim().replace(/:/g, '');
    expect((a.skid as Buffer).toString('hex').toUpperCase()).toBe(skid);
    expect(a.labl).toBeUndefined();
  });

  it('pkhh is the SHA-1 of the subjectPublicKey bits: for EC the point 04‖X‖Y', () => {
    const made = makeCertificate();
    const jwk = createPublicKey(made.keyPem).export({ format: 'jwk' });
    const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
    expect((certificateItemAttributes(made.der, 'dp').pkhh as Buffer).equals(createHash('sha1').update(point).digest())).toBe(true);
  });

  it('pkhh for RSA is the SHA-1 of the PKCS #1 RSAPublicKey', () => {
    const made = makeCertificate({ key: 'rsa' });
    const pkcs1 = createPublicKey(made.keyPem).export({ format: 'der', type: 'pkcs1' });
    expect((certificateItemAttributes(made.der, 'dp').pkhh as Buffer).equals(createHash('sha1').update(pkcs1).digest())).toBe(true);
  });

  it('subj and issr: the Name\'s content, PrintableString upper-cased with blanks folded to one space (createNormalizedX501Name)', () => {
    const made = makeCertificate({ subject: '/C=us/O=  Example   Org /CN=alice', printable: true });
    const subj = certificateItemAttributes(made.der, 'dp').subj as Buffer;
    expect(subj[0]).toBe(0x31); // a SET: no outer SEQUENCE header
    expect(subj.includes(Buffer.from('EXAMPLE ORG'))).toBe(true);
    expect(subj.includes(Buffer.from('US'))).toBe(true);
    expect(subj.includes(Buffer.from('ALICE'))).toBe(true);
    expect(subj.includes(Buffer.from('  '))).toBe(false);
    expect(certificateItemAttributes(made.der, 'dp').issr).toEqual(subj); // self-signed
  });

  it('subj: a UTF8String value is kept as it is', () => {
    const made = makeCertificate({ subject: '/CN=Alice  Example' });
    const subj = certificateItemAttributes(made.der, 'dp').subj as Buffer;
    expect(subj.equals(nameDer(made.der, 'subject').subarray(2))).toBe(true);
  });
});

describe('certificateItemAttributes: file-based keychain (Certificate.cpp populateAttributes, clNameUtils.cpp)', () => {
  it('subj and issr: the whole Name, PrintableString upper-cased, runs of white space cut to one', () => {
    const made = makeCertificate({ subject: '/C=us/O=  Example   Org /CN=alice', printable: true });
    const fb = certificateItemAttributes(made.der, 'fb');
    const dp = certificateItemAttributes(made.der, 'dp');
    expect((fb.subj as Buffer)[0]).toBe(0x30); // the outer SEQUENCE kept
    expect((fb.subj as Buffer).subarray(2).equals(dp.subj as Buffer)).toBe(true); // spaces only: same folding
    expect(fb.subj).not.toEqual(dp.subj);
  });

  it('ctyp, cenc, slnr, skid and pkhh are those of the data protection keychain', () => {
    const made = makeCertificate();
    const fb = certificateItemAttributes(made.der, 'fb');
    const dp = certificateItemAttributes(made.der, 'dp');
    for (const k of ['ctyp', 'cenc', 'slnr', 'skid', 'pkhh']) expect(fb[k]).toEqual(dp[k]);
  });

  it('labl: the last common name, with a description in parentheses (inferLabel)', () => {
    expect(certificateItemAttributes(makeCertificate({ subject: '/CN=first/CN=second' }).der, 'fb').labl).toBe('second');
    expect(certificateItemAttributes(makeCertificate({ subject: '/CN=alice/description=laptop' }).der, 'fb').labl).toBe('alice (laptop)');
  });

  it('labl: without a common name, the organizational unit, then the organization', () => {
    expect(certificateItemAttributes(makeCertificate({ subject: '/O=Example/OU=Research' }).der, 'fb').labl).toBe('Research');
    expect(certificateItemAttributes(makeCertificate({ subject: '/C=US/O=Example' }).der, 'fb').labl).toBe('Example');
  });

  it('labl: without any printable subject value or email address, "X509 Certificate" (inferLabel\'s last resort)', () => {
    const made = makeCertificate({ subject: '/CN=placeholder' });
    // A certificate whose subject is an empty Name: openssl -subj "/" gives one.
    const dir = made.dir;
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'empty.key', '-out', 'empty.pem',
      '-subj', '/', '-days', '1', '-addext', 'subjectAltName=DNS:only.example.com'], dir);
    const der = openssl(['x509', '-in', 'empty.pem', '-outform', 'der'], dir);
    expect(certificateItemAttributes(der, 'fb').labl).toBe('X509 Certificate');
    expect(subjectSummary(emulatedCertificate(certificateHandle(der))!)).toBe('only.example.com');
  });

  it('slnr keeps the INTEGER\'s leading zero octet when the serial\'s first bit is set', () => {
    const made = makeCertificate();
    openssl(['req', '-x509', '-key', 'key.pem', '-out', 'high.pem', '-subj', '/CN=high', '-days', '1', '-set_serial', '0x80'], made.dir);
    const der = openssl(['x509', '-in', 'high.pem', '-outform', 'der'], made.dir);
    expect((certificateItemAttributes(der, 'dp').slnr as Buffer).toString('hex')).toBe('0080');
  });

  it('labl: "Thawte Freemail Member" is never a label; the email address is used instead', () => {
    const made = makeCertificate({ subject: '/CN=Thawte Freemail Member', extensions: ['subjectAltName=email:a@example.com'] });
    expect(certificateItemAttributes(made.der, 'fb').labl).toBe('a@example.com');
  });
});

describe('SecCertificateCopyKey and identities', () => {
  it.each(['ec', 'ec384', 'ec521', 'rsa'] as const)('a %s certificate\'s key is a public SecKey whose klbl equals the certificate\'s pkhh (15.1)', (key) => {
    const made = makeCertificate({ key });
    const certificate = emulatedCertificate(certificateHandle(made.der))!;
    const handle = certificateKey(certificate)!;
    const emulated = emulatedKey(handle, 'key');
    expect(emulated.keyClass).toBe('public');
    expect(keyAttributes(emulated).klbl).toEqual(certificateItemAttributes(made.der, 'dp').pkhh);
    expect(publicKeyHash(createPublicKey(made.keyPem))).toEqual(certificateItemAttributes(made.der, 'dp').pkhh);
  });

  it('an Ed25519 certificate has no SecKey (Apple returns NULL)', () => {
    const dir = makeCertificate().dir;
    openssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ed.key', '-out', 'ed.der', '-outform', 'der', '-subj', '/CN=ed', '-days', '1'], dir);
    const der = openssl(['x509', '-in', 'ed.der', '-inform', 'der', '-outform', 'der'], dir);
    expect(certificateKey(emulatedCertificate(certificateHandle(der))!)).toBeUndefined();
  });

  it('an identity holds its certificate and private key handles', () => {
    const certificate = certificateHandle(makeCertificate().der);
    const key = makeHandle('SecKey', 'emulator', {});
    const identity = identityHandle(certificate, key);
    expect(identity.kind).toBe('SecIdentity');
    expect(emulatedIdentity(identity)).toEqual({ certificate, privateKey: key });
    expect(emulatedIdentity(certificate)).toBeUndefined();
    expect(() => identityHandle(key, certificate)).toThrow(SecError);
  });
});
