// Keys, certificates and identities in the typed Keychain (src/typed): stored by reference
// (kSecValueRef), found with their attributes and their object, and kept apart from the
// password-only methods. On the emulator; files made with openssl.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, Keychain, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, type Emulator, type SecHandle,
} from '../../src/index.js';
import { certificate, key } from '../../src/typed/builders.js';
import { cleanup, makeCertificate, makePkcs12 } from '../fixtures/openssl.js';
import { statusOf } from '../fixtures/status.js';

let emulator: Emulator;
let kc: Keychain;
beforeEach(() => {
  emulator = createEmulator();
  kc = new Keychain({ backend: emulator });
});
afterEach(() => emulator.close());
afterAll(cleanup);

const made = makeCertificate({ subject: '/O=Example/CN=Alice Example' });

function pointHash(keyPem: string): Buffer {
  const jwk = createPublicKey(keyPem).export({ format: 'jwk' });
  return createHash('sha1').update(Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')])).digest();
}

describe('certificates', () => {
  it('add by ref, find with the attributes the keychain derived and the SecCertificate, delete', async () => {
    const certificate = await emulator.SecCertificateCreateWithData(made.der);
    await kc.add({ class: 'certificate', ref: certificate });
    const [item] = await kc.find({ class: 'certificate', label: 'Alice Example' });
    expect(item).toMatchObject({ class: 'certificate', keychain: 'file', label: 'Alice Example', certificateType: 3, certificateEncoding: 3 });
    expect(item!.publicKeyHash!.equals(pointHash(made.keyPem))).toBe(true);
    expect((await emulator.SecCertificateCopyData(item!.ref!)).equals(made.der)).toBe(true);
    expect(await kc.delete({ class: 'certificate', publicKeyHash: item!.publicKeyHash })).toBe(true);
    expect(await kc.find({ class: 'certificate' })).toEqual([]);
  });

  it('a ref of the wrong kind, or none, is errSecParam naming item.ref; a certificate has no secret', async () => {
    const key = await emulator.SecKeyCreateRandomKey({ type: '73', bsiz: 256 });
    await expect(kc.add({ class: 'certificate', ref: key })).rejects.toThrow(/item\.ref must be a SecCertificate/);
    await expect(kc.add({ class: 'certificate' } as never)).rejects.toThrow(/item\.ref/);
    await expect(kc.set({ class: 'certificate', ref: key } as never, 'secret')).rejects.toThrow(/set works with password items/);
    await expect(kc.find({ class: 'certificate' }, { data: true })).rejects.toThrow(/options\.data is for password items/);
    expect(await statusOf(kc.get({ class: 'certificate' } as never))).toBe(-50);
  });

  it('a ref in a search, or beside a secret, is errSecParam naming it; nothing is deleted or added', async () => {
    const alice = await emulator.SecCertificateCreateWithData(made.der);
    const bob = await emulator.SecCertificateCreateWithData(makeCertificate({ subject: '/O=Example/CN=Bob Example' }).der);
    await kc.add({ class: 'certificate', ref: alice });
    await kc.add({ class: 'certificate', ref: bob });
    // A search names an item by its attributes; a ref left out would match every certificate.
    await expect(kc.delete({ class: 'certificate', ref: alice } as never)).rejects.toThrow(/query\.ref/);
    await expect(kc.find({ class: 'certificate', ref: alice } as never)).rejects.toThrow(/query\.ref/);
    await expect(kc.update({ class: 'certificate', ref: alice } as never, { label: 'x' } as never)).rejects.toThrow(/query\.ref/);
    expect(await kc.list('certificate')).toHaveLength(2);
    await expect(kc.add({ class: 'genericPassword', service: 's', account: 'a', ref: alice } as never, 'pw')).rejects.toThrow(/item\.ref/);
    await expect(kc.update({ class: 'genericPassword', service: 's' }, { ref: alice } as never)).rejects.toThrow(/changes\.ref/);
    expect(await kc.list('genericPassword')).toEqual([]);
  });
});

describe('keys', () => {
  it('add by ref with a label and tag; find by tag gives its class, type, size and a SecKey that signs', async () => {
    const key = await emulator.SecKeyCreateRandomKey({ type: '73', bsiz: 256 });
    await kc.add({ class: 'key', ref: key, label: 'signing key', applicationTag: 'com.example.signing' });
    const [item] = await kc.find({ class: 'key', applicationTag: 'com.example.signing' });
    expect(item).toMatchObject({ class: 'key', label: 'signing key', keyClass: 'private', keyType: 'ec', keySizeInBits: 256 });
    expect(item!.applicationTag!.toString()).toBe('com.example.signing');
    const message = Buffer.from('typed key');
    const signature = await emulator.SecKeyCreateSignature(item!.ref!, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, message);
    const publicKey = await emulator.SecKeyCopyExternalRepresentation((await emulator.SecKeyCopyPublicKey(key))!);
    const spki = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: publicKey.subarray(1, 33).toString('base64url'), y: publicKey.subarray(33).toString('base64url') }, format: 'jwk' });
    expect(verify('sha256', message, spki, signature)).toBe(true);
    expect(await kc.find({ class: 'key', keyType: 'rsa' })).toEqual([]);
  });

  it('update changes a key\'s label; its object cannot be replaced', async () => {
    const key = await emulator.SecKeyCreateRandomKey({ type: '73', bsiz: 256 });
    await kc.add({ class: 'key', ref: key, applicationTag: 'tag' });
    expect(await kc.update({ class: 'key', applicationTag: 'tag' }, { label: 'renamed' })).toBe(true);
    expect((await kc.find({ class: 'key', label: 'renamed' }))).toHaveLength(1);
    await expect(kc.update({ class: 'key', applicationTag: 'tag' }, { value: 'x' } as never)).rejects.toThrow(/cannot replace its object/);
  });
});

describe('identities', () => {
  it('15.1 an imported .p12 is an identity: its certificate joined with its private key, with a SecIdentity', async () => {
    await emulator.SecPKCS12Import(makePkcs12(made), { passphrase: 'secret' });
    const [identity] = await kc.find({ class: 'identity', label: 'Alice Example' });
    expect(identity).toMatchObject({ class: 'identity', label: 'Alice Example' });
    expect((identity!.ref as SecHandle).kind).toBe('SecIdentity');
    const certificate = await emulator.SecIdentityCopyCertificate(identity!.ref!);
    expect((await emulator.SecCertificateCopyData(certificate)).equals(made.der)).toBe(true);
    expect(await kc.list(['certificate', 'key'])).toHaveLength(2);
  });
});

describe('builders for keys, certificates and identities', () => {
  it('key().applicationTag(…).ref(k).build() stores it; the same builder\'s query() finds it, without the ref', async () => {
    const secKey = await emulator.SecKeyCreateRandomKey({ type: '73', bsiz: 256 });
    const signing = key().applicationTag('com.example.signing').label('signing key');
    await kc.add(signing.ref(secKey).build());
    expect(signing.ref(secKey).query()).not.toHaveProperty('ref');
    const [found] = await kc.find(signing.query());
    expect(found).toMatchObject({ class: 'key', label: 'signing key', keyType: 'ec' });
  });

  it('ref is checked when it is set: a SecKey is not a certificate\'s object', async () => {
    const secKey = await emulator.SecKeyCreateRandomKey({ type: '73', bsiz: 256 });
    expect(() => certificate().ref(secKey)).toThrow(/certificate\.ref must be a SecCertificate/);
    // Plain JavaScript can call build() before ref: errSecParam at run time too.
    expect(() => (certificate().label('x') as unknown as { build(): unknown }).build()).toThrow(/item\.ref must be a SecCertificate/);
  });
});
