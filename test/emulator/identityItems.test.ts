// Identities (kSecClassIdentity) in both keychains: spec/semantics.md 3.11, 15.1, 15.2;
// src/emulator/identityItems.ts. Certificates and keys are made with the openssl command.
import { createPrivateKey } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityHandle } from '../../src/emulator/identities.js';
import { parseDataProtectionRef } from '../../src/emulator/persistentRef.js';
import {
  createEmulator, kSecAttrKeyClass, kSecAttrKeyClassPrivate, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrLabel, kSecClass,
  kSecClassCertificate, kSecClassIdentity, kSecClassKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecReturnAttributes,
  kSecReturnPersistentRef, kSecReturnRef, kSecUseDataProtectionKeychain, kSecValuePersistentRef, kSecValueRef, SecHandle, type Emulator,
} from '../../src/index.js';
import { cleanup, makeCertificate, openssl, type Made } from '../fixtures/openssl.js';

afterAll(cleanup);

const alice = makeCertificate({ subject: '/CN=alice' });
const carol = makeCertificate({ subject: '/CN=carol' });
/** A second certificate for alice's key (openssl req -key). */
const aliceAgain = openssl(['req', '-config', 'openssl.cnf', '-x509', '-key', 'key.pem', '-subj', '/CN=alice again', '-days', '1', '-outform', 'der'], alice.dir);

let plain: Emulator;
let app: Emulator;
beforeEach(() => {
  plain = createEmulator();
  app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
});
afterEach(() => {
  plain.close();
  app.close();
});

/** The private key of a made certificate as an emulator SecKey (EC: 04‖X‖Y‖K). */
async function privateKeyOf(kc: Emulator, made: Made): Promise<SecHandle> {
  const jwk = createPrivateKey(made.keyPem).export({ format: 'jwk' });
  const bytes = Buffer.concat([Buffer.from([4]), ...[jwk.x, jwk.y, jwk.d].map((v) => Buffer.from(v!, 'base64url'))]);
  return kc.SecKeyCreateWithData(bytes, { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate });
}

async function identityOf(kc: Emulator, made: Made, der = made.der): Promise<SecHandle> {
  return identityHandle(await kc.SecCertificateCreateWithData(der), await privateKeyOf(kc, made));
}

const dp = { [kSecUseDataProtectionKeychain]: true };

describe('identities in the data protection keychain (15.1, 15.2)', () => {
  it('15.1 a certificate and a private key added apart are found as an identity: SecIdentity, its certificate and a key that signs', async () => {
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await app.SecCertificateCreateWithData(alice.der), ...dp });
    await app.SecItemAdd({ [kSecClass]: kSecClassKey, [kSecValueRef]: await privateKeyOf(app, alice), ...dp });
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await app.SecCertificateCreateWithData(carol.der), ...dp }); // no key: no identity
    const identities = await app.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecReturnRef]: true, m_Limit: 'm_LimitAll', ...dp }) as SecHandle[];
    expect(identities).toHaveLength(1);
    expect(identities[0]!.kind).toBe('SecIdentity');
    expect(await app.SecCertificateCopyData(await app.SecIdentityCopyCertificate(identities[0]!))).toEqual(alice.der);
    const key = await app.SecIdentityCopyPrivateKey(identities[0]!);
    const signature = await app.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('m'));
    const certKey = (await app.SecCertificateCopyKey(await app.SecIdentityCopyCertificate(identities[0]!)))!;
    expect(await app.SecKeyVerifySignature(certKey, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('m'), signature)).toBe(true);
  });

  it('15.1 the attributes are the key\'s with the certificate\'s over them, and any certificate or key attribute may be searched', async () => {
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    const attrs = await app.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecReturnAttributes]: true, ...dp }) as Record<string, unknown>;
    expect(attrs).toMatchObject({ [kSecAttrLabel]: 'alice', [kSecAttrKeyClass]: 1, ctyp: 3 });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecAttrLabel]: 'alice', [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, ...dp })).resolves.toBeUndefined();
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecAttrLabel]: 'bob', ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('15.2 adding a SecIdentity adds its certificate and its key, and answers with the certificate\'s persistent reference tagged idnt, which finds the identity', async () => {
    const ref = await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), [kSecReturnPersistentRef]: true, ...dp }) as Buffer;
    expect(parseDataProtectionRef(ref)?.cls).toBe('idnt');
    const found = await app.SecItemCopyMatching({ [kSecValuePersistentRef]: ref, [kSecReturnRef]: true }) as SecHandle;
    expect(await app.SecCertificateCopyData(await app.SecIdentityCopyCertificate(found))).toEqual(alice.der);
    await app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, ...dp });
    // Both halves already there: errSecDuplicateItem.
    await expect(app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), ...dp })).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('15.2 a duplicate certificate is tolerated when the key is new, a duplicate key when the certificate is new', async () => {
    await app.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await app.SecCertificateCreateWithData(alice.der), ...dp });
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice, aliceAgain), ...dp });
    expect(await app.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, m_Limit: 'm_LimitAll', [kSecReturnRef]: true, ...dp })).toHaveLength(2);
  });

  it('15.2 deleting an identity keeps a key another certificate uses, and deletes it with the last certificate', async () => {
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice, aliceAgain), ...dp });
    await app.SecItemDelete({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, [kSecAttrKeyClass]: kSecAttrKeyClassPrivate, ...dp })).resolves.toBeUndefined();
    await app.SecItemDelete({ [kSecValueRef]: await identityOf(app, alice, aliceAgain), ...dp });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('15.2 deleting a data protection identity whose certificate is already gone still deletes its key (explode_identity goes on after errSecItemNotFound)', async () => {
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    await app.SecItemDelete({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await app.SecCertificateCreateWithData(alice.der), ...dp });
    await app.SecItemDelete({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    // Neither half there: the key's errSecItemNotFound is the answer.
    await expect(app.SecItemDelete({ [kSecValueRef]: await identityOf(app, alice), ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('15.2 a delete of kSecClassIdentity without a reference deletes the matching certificates, then the matching keys (explode_identity)', async () => {
    await app.SecItemAdd({ [kSecValueRef]: await identityOf(app, alice), ...dp });
    await app.SecItemDelete({ [kSecClass]: kSecClassIdentity, ...dp });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassCertificate, ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    await expect(app.SecItemCopyMatching({ [kSecClass]: kSecClassKey, ...dp })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });
});

describe('identities in the file-based keychain (3.11, classes.json idnt.fileBased)', () => {
  it('3.11 kSecClass kSecClassIdentity in an add is errSecParam', async () => {
    await expect(plain.SecItemAdd({ [kSecClass]: kSecClassIdentity, [kSecAttrLabel]: 'x' })).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('15.1 a search is a certificate search filtered to certificates that pair with a private key; the attributes are the certificate\'s', async () => {
    await plain.SecItemAdd({ [kSecValueRef]: await identityOf(plain, alice) });
    await plain.SecItemAdd({ [kSecClass]: kSecClassCertificate, [kSecValueRef]: await plain.SecCertificateCreateWithData(carol.der) });
    const found = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, m_Limit: 'm_LimitAll' }) as SecHandle[];
    expect(found.map((h) => h.kind)).toEqual(['SecIdentity']); // no return type: the reference (4.5)
    expect(await plain.SecCertificateCopyData(await plain.SecIdentityCopyCertificate(found[0]!))).toEqual(alice.der);
    const attrs = await plain.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity, [kSecReturnAttributes]: true }) as Record<string, unknown>;
    expect(attrs).toMatchObject({ class: 'cert', [kSecAttrLabel]: 'alice' });
    await plain.SecItemDelete({ [kSecValueRef]: await identityOf(plain, alice) });
    await expect(plain.SecItemCopyMatching({ [kSecClass]: kSecClassIdentity })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });
});
