import { defaultCalls } from './default.js';

/**
 * SecAccessControlCreateWithFlags(protection, flags): an access control to put in an item's
 * kSecAttrAccessControl (or a key's). `protection` is a kSecAttrAccessible* value; `flags`
 * combines kSecAccessControl* bits (a negative result of `|` is read as unsigned).
 */
export const SecAccessControlCreateWithFlags = defaultCalls.SecAccessControlCreateWithFlags;
