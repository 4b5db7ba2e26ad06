import * as c from '../constants.js';
import { secItemCalls } from '../api/secitem.js';
import type { Backend } from '../backend/backend.js';
import { keychain } from '../backend/select.js';
import { paramError, SecError, Status } from '../errors.js';
import type { CFResult } from '../values.js';

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

/** FB rejects kSecReturnData with kSecMatchLimitAll but takes a numeric limit (spec/semantics.md 4.7). */
const NUMERIC_ALL = 0x7fffffff;

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

function notFound(error: unknown): boolean {
  return error instanceof SecError && error.status === Status.errSecItemNotFound;
}

function text(value: CFResult | undefined): string {
  return Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : '';
}

/** keytar's five functions over a given backend (default: `keychain()`, the process default). */
export function createKeytar(backend: Backend | (() => Backend) = keychain): KeytarApi {
  const calls = secItemCalls(typeof backend === 'function' ? backend : () => backend);
  const item = (service: string, account?: string) => ({
    [c.kSecClass]: c.kSecClassGenericPassword,
    [c.kSecUseDataProtectionKeychain]: false,
    [c.kSecAttrService]: service,
    ...(account === undefined ? {} : { [c.kSecAttrAccount]: account }),
  });

  return {
    getPassword(service, account) {
      const query = { ...item(required(service, 'Service'), required(account, 'Account')), [c.kSecReturnData]: true };
      return calls.SecItemCopyMatching(query).then(text, (error: unknown) => {
        if (notFound(error)) return null;
        throw error;
      });
    },

    setPassword(service, account, password) {
      const key = item(required(service, 'Service'), required(account, 'Account'));
      const data = Buffer.from(required(password, 'Password'), 'utf8');
      const add = { ...key, [c.kSecAttrLabel]: service, [c.kSecValueData]: data };
      // keytar changes only the secret of an existing item (SecKeychainItemModifyAttributesAndData
      // with no attributes): update in place, never delete and re-add.
      return calls.SecItemAdd(add).then(() => undefined, (error: unknown) => {
        if (error instanceof SecError && error.status === Status.errSecDuplicateItem) {
          return calls.SecItemUpdate(key, { [c.kSecValueData]: data });
        }
        throw error;
      });
    },

    deletePassword(service, account) {
      const query = item(required(service, 'Service'), required(account, 'Account'));
      return calls.SecItemDelete(query).then(() => true, (error: unknown) => {
        if (notFound(error)) return false;
        throw error;
      });
    },

    findPassword(service) {
      const query = { ...item(required(service, 'Service')), [c.kSecReturnData]: true, [c.kSecMatchLimit]: c.kSecMatchLimitOne };
      return calls.SecItemCopyMatching(query).then(text, (error: unknown) => {
        if (notFound(error)) return null;
        throw error;
      });
    },

    findCredentials(service) {
      const query = {
        ...item(required(service, 'Service')),
        [c.kSecReturnAttributes]: true,
        [c.kSecReturnData]: true,
        [c.kSecMatchLimit]: NUMERIC_ALL,
      };
      return calls.SecItemCopyMatching(query).then((result) => {
        const list = Array.isArray(result) ? result : result === undefined ? [] : [result];
        return list.flatMap((entry) => {
          if (typeof entry !== 'object' || entry === null || Array.isArray(entry) || Buffer.isBuffer(entry) || entry instanceof Date) return [];
          const dict = entry as { [key: string]: CFResult };
          return [{ account: text(dict[c.kSecAttrAccount]), password: text(dict[c.kSecValueData]) }];
        });
      }, (error: unknown) => {
        if (notFound(error)) return [];
        throw error;
      });
    },
  };
}

const defaultKeytar = createKeytar();

export const getPassword = defaultKeytar.getPassword;
export const setPassword = defaultKeytar.setPassword;
export const deletePassword = defaultKeytar.deletePassword;
export const findPassword = defaultKeytar.findPassword;
export const findCredentials = defaultKeytar.findCredentials;

export default defaultKeytar;
