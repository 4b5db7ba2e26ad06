import type { Backend } from '../backend/backend.js';
import { paramError } from '../errors.js';
import { Keychain } from './keychain.js';

/**
 * `security-framework/keytar`: keytar's API with keytar's semantics, over this library's
 * keychain.
 *
 * Storage is the one keytar used on macOS (atom/node-keytar, src/keytar_mac.cc): a generic
 * password in the file-based login keychain (keytar used the SecKeychain* calls, which only
 * know that keychain) with `kSecAttrService` = service, `kSecAttrAccount` = account and the
 * secret as UTF-8 bytes; its label is the service, the value the file-based keychain gives a
 * generic password added without one (spec/semantics.md 3.11). Every call here therefore
 * passes `kSecUseDataProtectionKeychain: false` (1.1), so an app that switches its import
 * reads exactly what keytar wrote, entitled or not.
 */
export interface KeytarApi {
  /** The password for service and account, or null when there is none. */
  getPassword(service: string, account: string): Promise<string | null>;
  /** Stores the password: adds the item, or replaces the password of the existing one. */
  setPassword(service: string, account: string, password: string): Promise<void>;
  /** Deletes the password; true if one was deleted, false if there was none. */
  deletePassword(service: string, account: string): Promise<boolean>;
  /** Some password of the service (the first the keychain finds), or null. */
  findPassword(service: string): Promise<string | null>;
  /** Every account of the service with its password; [] when there is none. */
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/**
 * keytar's argument check (lib/keytar.js `checkRequired`): a missing or empty argument
 * throws synchronously, before a Promise exists. Here it is an errSecParam SecError whose
 * message ends with keytar's text ("Service is required."); non-strings are refused too,
 * where keytar would have failed later inside its addon.
 */
function required(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw paramError(value === undefined || value === null || value === '' ? `${name} is required.` : `${name} must be a string.`);
  }
  return value;
}

const NO_ACCOUNT = Symbol('no account');

/**
 * The item keytar used: a generic password in the file-based keychain. No label is given: the
 * file-based keychain makes it the service (spec/semantics.md 3.11), as it did for keytar.
 * `account` is NO_ACCOUNT for findPassword and findCredentials, which take none; elsewhere a
 * missing account is keytar's "Account is required.".
 */
function entry(service: unknown, account: unknown) {
  return {
    class: 'genericPassword', keychain: 'file', service: required(service, 'Service'),
    ...(account === NO_ACCOUNT ? {} : { account: required(account, 'Account') }),
  } as const;
}


const UTF8 = { encoding: 'utf8' } as const;

/**
 * keytar's five functions over a given backend (default: the process default). Each is one
 * call of {@link Keychain}: `set` adds, or changes only the secret of the existing item, as
 * keytar's SecKeychainItemModifyAttributesAndData did; the others map "nothing there" to
 * null, false and [] as keytar did.
 */
export function createKeytar(backend?: Backend | (() => Backend)): KeytarApi {
  const kc = new Keychain(backend === undefined ? {} : { backend });
  return {
    getPassword: (service, account) => kc.get(entry(service, account), UTF8),
    setPassword: (service, account, password) => kc.set(entry(service, account), required(password, 'Password')),
    deletePassword: (service, account) => kc.delete(entry(service, account)),
    findPassword: (service) => kc.get(entry(service, NO_ACCOUNT), UTF8),
    findCredentials: (service) => kc.find(entry(service, NO_ACCOUNT), { data: true })
      .then((items) => items.map((item) => ({ account: item.account, password: (item.data ?? Buffer.alloc(0)).toString('utf8') }))),
  };
}

const defaultKeytar = createKeytar();

export const getPassword = defaultKeytar.getPassword;
export const setPassword = defaultKeytar.setPassword;
export const deletePassword = defaultKeytar.deletePassword;
export const findPassword = defaultKeytar.findPassword;
export const findCredentials = defaultKeytar.findCredentials;

export default defaultKeytar;
