// A client certificate from a .p12, stored and used: imported once into the login keychain
// (SecPKCS12Import adds the key and certificate there unless told kSecImportToMemoryOnly),
// then found again by its name as an identity, whose private key signs and whose certificate
// goes along with the signature, e.g. in a TLS handshake or a JWS "x5c" header.
import {
  keychain, kSecAttrLabel, kSecClass, kSecClassIdentity, kSecImportExportPassphrase, kSecImportItemIdentity,
  kSecImportItemLabel, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, kSecReturnRef,
  type Backend, type SecHandle,
} from 'security-framework';

/** Imports the .p12 into the login keychain; resolves to the name it is stored under. */
export async function importClientCertificate(p12: Uint8Array, passphrase: string, kc: Backend = keychain()): Promise<string> {
  const [item] = await kc.SecPKCS12Import(p12, { [kSecImportExportPassphrase]: passphrase });
  if (item?.[kSecImportItemIdentity] === undefined) throw new Error('the file holds no certificate with its private key');
  return item[kSecImportItemLabel] as string;   // the certificate's subject summary, e.g. its common name
}

/** Later, in any run: the identity by that name signs; its certificate's DER comes along. */
export async function signAsClient(name: string, payload: Uint8Array, kc: Backend = keychain()): Promise<{ certificate: Buffer; signature: Buffer }> {
  const identity = await kc.SecItemCopyMatching({
    [kSecClass]: kSecClassIdentity, [kSecAttrLabel]: name, [kSecReturnRef]: true,
  }) as SecHandle;
  const key = await kc.SecIdentityCopyPrivateKey(identity);
  const certificate = await kc.SecCertificateCopyData(await kc.SecIdentityCopyCertificate(identity));
  const signature = await kc.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, payload);
  return { certificate, signature };
}
