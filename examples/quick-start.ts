// Quick start: store, read and delete a password with the typed Keychain.
import { Keychain } from 'security-framework';

export async function quickStart(kc: Keychain = new Keychain()): Promise<string | null> {
  const item = { class: 'genericPassword', service: 'com.example.app', account: 'alice' } as const;

  await kc.set(item, 's3cret');                                // add, or update in place
  const password = await kc.get(item, { encoding: 'utf8' });   // 's3cret' (null if absent)
  await kc.delete(item);                                       // true; false if nothing matched
  return password;
}
