import { types } from 'node:util';
import type { Backend } from '../backend/backend.js';
import { Status } from '../errors.js';
import { Keychain } from './keychain.js';

/**
 * `security-framework/keytar`: keytar's API with keytar's semantics, over this library's
 * keychain.
 *
 * Storage is the one keytar used on macOS (atom/node-keytar, src/keytar_mac.cc): a generic
 * password in the file-based login keychain (keytar used the SecKeychain* calls, which only
 * know that keychain) with `kSecAttrService` = service, `kSecAttrAccount` = account and the
 * secret as UTF-8 bytes; its label is the service, the value the file-based keychain gives a
 * generic password added without one. Every call here therefore passes
 * `kSecUseDataProtectionKeychain: false`, so an app that switches its import reads exactly what
 * keytar wrote, entitled or not.
 */
// spec/semantics.md 3.11 (the label), 1.1 (kSecUseDataProtectionKeychain)
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
 * What keytar threw for a bad argument, as it threw it, with this library's errSecParam on top:
 * a plain `Error` "Service is required." (keytar's `checkRequired`, atom/node-keytar
 * lib/keytar.js) or a `TypeError` "Parameter 'service' must be a string" (keytar's addon,
 * src/main.cc there), carrying `status: -50` and `code: 'errSecParam'` as extra properties.
 * It is thrown synchronously, before a Promise exists, as keytar threw it; it is not a
 * `SecError`. The table of calls and messages: docs/migrating-from-keytar.md.
 */
export type KeytarArgumentError = (Error | TypeError) & { readonly status: -50; readonly code: 'errSecParam' };

function argumentError(Type: ErrorConstructor | TypeErrorConstructor, message: string): KeytarArgumentError {
  return Object.assign(new Type(message), { status: Status.errSecParam as -50, code: 'errSecParam' as const });
}

/** The built-in getter of a typed array's (and so a Buffer's) `length`. */
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, 'length')?.get;

/**
 * The `length` keytar's `checkRequired` compares with 0, read without running the caller's
 * code: a Proxy or a getter of the caller's counts as having none (keytar would have run the
 * trap or the getter), and so does a length whose comparison would call a valueOf.
 */
function safeLength(value: object): unknown {
  for (let o: object | null = value; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (types.isProxy(o)) return undefined;
    const d = Object.getOwnPropertyDescriptor(o, 'length');
    if (d === undefined) continue;
    if (d.get !== undefined && d.get === typedArrayLength) return types.isTypedArray(value) ? Reflect.apply(d.get, value, []) : undefined;
    if (!('value' in d)) return undefined;
    return d.value === null || ['number', 'bigint', 'string', 'boolean'].includes(typeof d.value) ? d.value : undefined;
  }
  return undefined;
}

/** keytar's `checkRequired`: `!val || val.length <= 0`. */
function missing(value: unknown): boolean {
  if (!value) return true;
  const length = typeof value === 'string' ? value.length : (typeof value === 'object' || typeof value === 'function') ? safeLength(value) : undefined;
  return (length as number) <= 0;
}

/** keytar's names for the arguments: `checkRequired`'s, then its addon's. */
const NAMES = {
  service: ['Service', 'service'],
  account: ['Account', 'username'],
  password: ['Password', 'password'],
} as const;

/**
 * keytar's argument checks, in keytar's order: first lib/keytar.js `checkRequired` on every
 * argument (a falsy value, or one whose length is 0: `Error` "Account is required."), then
 * its addon's type check on every argument (not a string: `TypeError` "Parameter 'username'
 * must be a string"). Each throws synchronously, as keytar did.
 */
function checked<const T extends readonly (keyof typeof NAMES)[]>(names: T, values: readonly unknown[]): { [K in keyof T]: string } {
  names.forEach((name, i) => {
    if (missing(values[i])) throw argumentError(Error, `${NAMES[name][0]} is required.`);
  });
  names.forEach((name, i) => {
    if (typeof values[i] !== 'string') throw argumentError(TypeError, `Parameter '${NAMES[name][1]}' must be a string`);
  });
  return values as { [K in keyof T]: string };
}

/**
 * The item keytar used: a generic password in the file-based keychain. No label is given: the
 * file-based keychain makes it the service (spec/semantics.md 3.11), as it did for keytar.
 * findPassword and findCredentials give no account.
 */
function entry(service: string, account?: string) {
  return { class: 'genericPassword', keychain: 'file', service, ...(account === undefined ? {} : { account }) } as const;
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
    getPassword(service, account) {
      const [s, a] = checked(['service', 'account'], [service, account]);
      return kc.get(entry(s, a), UTF8);
    },
    setPassword(service, account, password) {
      const [s, a, p] = checked(['service', 'account', 'password'], [service, account, password]);
      return kc.set(entry(s, a), p);
    },
    deletePassword(service, account) {
      const [s, a] = checked(['service', 'account'], [service, account]);
      return kc.delete(entry(s, a));
    },
    findPassword(service) {
      const [s] = checked(['service'], [service]);
      return kc.get(entry(s), UTF8);
    },
    findCredentials(service) {
      const [s] = checked(['service'], [service]);
      return kc.find(entry(s), { data: true })
        .then((items) => items.map((item) => ({ account: item.account, password: (item.data ?? Buffer.alloc(0)).toString('utf8') })));
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
