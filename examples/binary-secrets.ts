// Storing binary secrets: a secret is bytes. Pass a Buffer/Uint8Array and get a Buffer back;
// strings are only a convenience for UTF-8 text. `generic` holds non-secret bytes next to it.
import { randomBytes } from 'node:crypto';
import { Keychain, internetPassword } from 'security-framework';

const apiKey = internetPassword()
  .server('api.example.com')
  .protocol('https')
  .account('service-account')
  .label('Example API signing key');

export async function createSigningKey(kc: Keychain): Promise<Buffer> {
  const key = randomBytes(32);
  await kc.set(apiKey.comment('HMAC-SHA256 key, 32 bytes').build(), key);
  return key;
}

export async function loadSigningKey(kc: Keychain): Promise<Buffer | null> {
  return kc.get(apiKey.query());               // a Buffer with the exact bytes, or null
}

/** Attributes without the secret, e.g. to show when the key was made. */
export async function signingKeyCreated(kc: Keychain): Promise<Date | undefined> {
  const item = await kc.getItem(apiKey.query());
  return item?.creationDate;
}
