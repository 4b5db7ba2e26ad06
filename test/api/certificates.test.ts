// SecCertificate and SecIdentity through the public binding of an emulator (DESIGN.md,
// "Public contract": certificates): arguments checked as every raw call's, results as Apple's.
import { createPublicKey, verify } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, SecCertificateCreateWithData, type Emulator,
} from '../../src/index.js';
import { cleanup, makeCertificate } from '../fixtures/openssl.js';
import { statusOf } from '../fixtures/status.js';

let kc: Emulator;
beforeEach(() => {
  kc = createEmulator();
});
afterEach(() => kc.close());
afterAll(cleanup);


describe('SecCertificate calls on createEmulator()', () => {
  it('SecCertificateCreateWithData → SecCertificateCopyData round-trips the DER', async () => {
    const { der } = makeCertificate({ subject: '/CN=alice' });
    const certificate = await kc.SecCertificateCreateWithData(der);
    expect(certificate.kind).toBe('SecCertificate');
    expect((await kc.SecCertificateCopyData(certificate)).equals(der)).toBe(true);
    expect(await kc.SecCertificateCopySubjectSummary(certificate)).toBe('alice');
  });

  it('SecCertificateCreateWithData: not DER is errSecParam naming data; not bytes is errSecParam too', async () => {
    expect(await statusOf(kc.SecCertificateCreateWithData(Buffer.from('nope')))).toBe(-50);
    await expect(kc.SecCertificateCreateWithData('nope' as never)).rejects.toThrow(/data/);
  });

  it('a handle of the wrong kind is errSecParam naming the argument', async () => {
    const key = await kc.SecKeyCreateRandomKey({ type: '73', bsiz: 256 });
    await expect(kc.SecCertificateCopyData(key)).rejects.toThrow(/certificate must be a SecCertificate/);
    await expect(kc.SecIdentityCopyPrivateKey(key)).rejects.toThrow(/identity must be a SecIdentity/);
  });

  it('SecCertificateCopyKey: the public key verifies what the certificate\'s private key signed', async () => {
    const made = makeCertificate();
    const key = (await kc.SecCertificateCopyKey(await kc.SecCertificateCreateWithData(made.der)))!;
    const { sign } = await import('node:crypto');
    const message = Buffer.from('signed by the certificate key');
    const signature = sign('sha256', message, made.keyPem);
    expect(await kc.SecKeyVerifySignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message, signature)).toBe(true);
    expect(verify('sha256', message, createPublicKey(made.certPem), signature)).toBe(true);
  });

  it('the top-level function checks its arguments before any backend is chosen', async () => {
    expect(await statusOf(SecCertificateCreateWithData(undefined as never))).toBe(-50);
  });

  it('a closed emulator answers errSecNotAvailable', async () => {
    const { der } = makeCertificate();
    kc.close();
    expect(await statusOf(kc.SecCertificateCreateWithData(der))).not.toBe(0);
  });
});
