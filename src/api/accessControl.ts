import { keychain } from '../backend/select.js';
import type { SecHandle } from '../handles.js';
import { capability, requireFlags, requireString } from './capabilities.js';
import { dispatch } from './secitem.js';

/**
 * SecAccessControlCreateWithFlags(protection, flags): an access control to put in an item's
 * kSecAttrAccessControl (or a key's). `protection` is a kSecAttrAccessible* value; `flags`
 * combines kSecAccessControl* bits (a negative result of `|` is read as unsigned).
 */
export function SecAccessControlCreateWithFlags(protection: string, flags: number): Promise<SecHandle> {
  return dispatch(() => {
    const args = [requireString(protection, 'protection', true), requireFlags(flags, 'flags')] as const;
    return capability(keychain(), 'SecAccessControlCreateWithFlags')(...args);
  });
}
