// A Secure Enclave key that signs DPoP proofs (RFC 9449). The key is made inside the Secure
// Enclave and never leaves it; every request carries a fresh proof signed there, and the
// authorization server binds the access token to the key's thumbprint (`jkt`). Requires a Mac
// with a Secure Enclave and an app signed with a keychain-access-groups entitlement.
import {
  keychain, kSecAccessControlPrivateKeyUsage, kSecAttrAccessControl, kSecAttrAccessibleWhenUnlockedThisDeviceOnly,
  kSecAttrKeySizeInBits, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrTokenID, kSecAttrTokenIDSecureEnclave,
  kSecPrivateKeyAttrs, type Backend, type SecHandle,
} from 'security-framework';
import { createDPoPProof, exportJWK, jwkThumbprint } from 'security-framework/jose';

/** The device key (P-256: the Secure Enclave's only curve) and its RFC 7638 thumbprint. */
export async function createDeviceKey(backend: Backend = keychain()): Promise<{ key: SecHandle; jkt: string }> {
  // PrivateKeyUsage: signing needs no prompt. Add kSecAccessControlBiometryCurrentSet for Touch ID per proof.
  const accessControl = await backend.SecAccessControlCreateWithFlags(
    kSecAttrAccessibleWhenUnlockedThisDeviceOnly, kSecAccessControlPrivateKeyUsage);
  const key = await backend.SecKeyCreateRandomKey({
    [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom,
    [kSecAttrKeySizeInBits]: 256,
    [kSecAttrTokenID]: kSecAttrTokenIDSecureEnclave,
    [kSecPrivateKeyAttrs]: { [kSecAttrAccessControl]: accessControl },
  });
  return { key, jkt: await jwkThumbprint(await exportJWK(key, { backend })) };
}

/**
 * A request with a DPoP proof (and the access token, if any). A server that wants a nonce
 * answers 401 (a token endpoint 400) with a `DPoP-Nonce` header; the request is then sent once
 * more with a new proof that carries it (RFC 9449 §8, §9).
 */
export async function dpopFetch(
  key: SecHandle, url: string, options: { method?: string; accessToken?: string; backend?: Backend } = {},
): Promise<Response> {
  const { method = 'GET', accessToken, backend = keychain() } = options;
  const send = async (nonce?: string) => fetch(url, {
    method,
    headers: {
      DPoP: await createDPoPProof(key, { htm: method, htu: url, nonce, accessToken, backend }),
      ...(accessToken === undefined ? {} : { Authorization: `DPoP ${accessToken}` }),
    },
  });
  const response = await send();
  const nonce = response.headers.get('DPoP-Nonce');
  if ((response.status !== 401 && response.status !== 400) || nonce === null) return response;
  await response.body?.cancel();
  return send(nonce);
}
