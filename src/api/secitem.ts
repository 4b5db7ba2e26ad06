import type { Backend } from '../backend/backend.js';
import { keychain } from '../backend/select.js';
import { SecError, secError } from '../errors.js';
import { checkDictionary, type CFDictionary, type CFResult } from '../values.js';

/**
 * Runs a call: validates the dictionaries (errSecParam naming the key, before anything
 * reaches a backend), then dispatches. Anything thrown becomes a rejected Promise carrying a
 * SecError, never a synchronous throw and never another error type.
 */
export async function dispatch<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof SecError) throw error;
    throw secError('errSecInternalComponent', `unexpected failure: ${String(error)}`, { cause: error });
  }
}

/**
 * SecItem calls bound to one backend; the top-level functions use `keychain()`. Dictionaries
 * are checked before the backend is chosen, so bad input is errSecParam on every backend.
 */
export function secItemCalls(backend: () => Backend) {
  return {
    SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined> {
      return dispatch(() => {
        const a = checkDictionary(attributes, 'attributes');
        return backend().SecItemAdd(a);
      });
    },
    SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined> {
      return dispatch(() => {
        const q = checkDictionary(query, 'query');
        return backend().SecItemCopyMatching(q);
      });
    },
    SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void> {
      return dispatch(() => {
        const q = checkDictionary(query, 'query');
        const a = checkDictionary(attributesToUpdate, 'attributesToUpdate');
        return backend().SecItemUpdate(q, a);
      });
    },
    SecItemDelete(query: CFDictionary): Promise<void> {
      return dispatch(() => {
        const q = checkDictionary(query, 'query');
        return backend().SecItemDelete(q);
      });
    },
  };
}

const defaultCalls = secItemCalls(keychain);

/** Adds an item. Resolves to the value the return keys ask for, or undefined. */
export const SecItemAdd = defaultCalls.SecItemAdd;
/** Finds items; the result's shape follows Apple's return-type and match-limit rules. */
export const SecItemCopyMatching = defaultCalls.SecItemCopyMatching;
/** Updates the items a query matches. */
export const SecItemUpdate = defaultCalls.SecItemUpdate;
/** Deletes the items a query matches. */
export const SecItemDelete = defaultCalls.SecItemDelete;
