import { defaultCalls } from './default.js';

// The SecItem calls over the process default backend (default.ts), arguments checked once
// (bind.ts): bad input is errSecParam whatever the backend, and every failure is a rejected
// Promise carrying a SecError.

/** Adds an item. Resolves to the value the return keys ask for, or undefined. */
export const SecItemAdd = defaultCalls.SecItemAdd;
/** Finds items; the result's shape follows Apple's return-type and match-limit rules. */
export const SecItemCopyMatching = defaultCalls.SecItemCopyMatching;
/** Updates the items a query matches. */
export const SecItemUpdate = defaultCalls.SecItemUpdate;
/** Deletes the items a query matches. */
export const SecItemDelete = defaultCalls.SecItemDelete;
