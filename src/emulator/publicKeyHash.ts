/**
 * The SHA-1 of a public key's bits, as Apple computes it for both a certificate's
 * kSecAttrPublicKeyHash (SecCertificate.c SecCertificateCopyPublicKeySHA1Digest: the digest of
 * the subjectPublicKeyInfo's BIT STRING content) and a key's kSecAttrApplicationLabel (the
 * digest of the same bytes: an EC point 04‖X‖Y, an RSA PKCS #1 RSAPublicKey). An identity is a
 * certificate and a private key whose two hashes are equal (spec/semantics.md 15.1).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { TAG, children, expectTag, readOnly } from './der.js';

/** The subjectPublicKey bits of a SubjectPublicKeyInfo (DER), without the unused-bits octet. */
export function subjectPublicKeyBits(spki: Buffer): Buffer {
  const [, bits] = children(expectTag(readOnly(spki), TAG.sequence, 'SubjectPublicKeyInfo'));
  return expectTag(bits, TAG.bitString, 'subjectPublicKey').content.subarray(1);
}

/** SHA-1 of the key's public bits: a certificate's pkhh, a key's klbl. */
export function publicKeyHash(publicKey: KeyObject): Buffer {
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return createHash('sha1').update(subjectPublicKeyBits(spki)).digest();
}
