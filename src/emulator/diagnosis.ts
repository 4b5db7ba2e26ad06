/**
 * The emulator's answers for `diagnose()` (backend/diagnosis.ts): the emulated process is the
 * app identity it was created with, and its one Mac has one file-based login keychain.
 */
import type { AclEntry, DefaultKeychainFacts, FileItemAccessFacts, ProcessFacts } from '../backend/diagnosis.js';
import { fail, paramFailure } from './failure.js';
import { LOGIN_KEYCHAIN, parseFileBasedRef } from './persistentRef.js';
import type { Store } from './store.js';

/**
 * A keychain-access-groups entry starts with the team identifier, ten characters, and a dot
 * (Apple, "Sharing access to keychain items among a collection of apps": the group names are
 * prefixed with the App ID prefix, the team ID).
 */
const TEAM_PREFIX = /^([A-Z0-9]{10})\./;

export function emulatedProcess(app: { readonly accessGroups: readonly string[] } | undefined): { process: ProcessFacts; defaultKeychain: DefaultKeychainFacts } {
  const defaultKeychain: DefaultKeychainFacts = {
    read: true,
    note: 'emulated: the login keychain is always unlocked; the emulator does not model its lock (spec/semantics.md 9.6)',
    path: LOGIN_KEYCHAIN, unlocked: true, readable: true, writable: true,
  };
  if (app === undefined) {
    return {
      process: {
        read: true, note: 'emulated: a plain unsigned process with no entitlements (createEmulator without app), as node is on a Mac',
        signed: false, adHoc: false, teamIdentifier: null, signingIdentifier: null,
        entitlements: { 'keychain-access-groups': [], 'application-identifier': null, 'com.apple.security.application-groups': [] },
      },
      defaultKeychain,
    };
  }
  const team = app.accessGroups.map((g) => TEAM_PREFIX.exec(g)?.[1]).find((t) => t !== undefined) ?? null;
  return {
    process: {
      read: true,
      note: 'emulated: a signed app with the keychain-access-groups of createEmulator({ app }); the team identifier is the prefix of its access groups, and the emulated identity has no signing identifier or application identifier',
      signed: true, adHoc: false, teamIdentifier: team, signingIdentifier: null,
      entitlements: { 'keychain-access-groups': [...app.accessGroups], 'application-identifier': null, 'com.apple.security.application-groups': [] },
    },
    defaultKeychain,
  };
}

/** kSecACLAuthorization* values (SecACL.h) of the operations that reveal or use the secret. */
const SECRET_USE = ['decrypt', 'derive', 'export_clear', 'export_wrapped', 'mac', 'sign'] as const;

/**
 * The ACL an item gets when SecItemAdd creates it without kSecAttrAccess: SecAccessCreate with
 * no trusted-application list, so "the application that creates the access is the sole trusted
 * application" (SecAccess.h) — anyone may encrypt, the creator may use the secret, and any
 * other application is prompted. The emulator models one application, which created every
 * item, so it is always this process (docs/emulator-differences.md).
 */
export function emulatedFileItemAccess(store: Store, persistentRef: Uint8Array): FileItemAccessFacts {
  const ref = parseFileBasedRef(persistentRef);
  if (!ref) throw paramFailure('persistentRef is not a persistent reference of the file-based keychain');
  if (!store.selectByPrimaryKey('fb', ref.cls, ref.pk, 'attributes')) throw fail('errSecItemNotFound', 'no file-based item has this persistent reference');
  const thisProcess = { path: process.execPath, requirement: null, isThisProcess: true };
  const acl: AclEntry[] = [
    { authorizations: ['encrypt'], trustedApplications: null, promptsOthers: false },
    { authorizations: [...SECRET_USE], trustedApplications: [thisProcess], promptsOthers: true },
    { authorizations: ['change_acl'], trustedApplications: [], promptsOthers: true },
  ];
  return { read: true, note: 'emulated: the default ACL of an item this process added (SecAccessCreate with no trusted list)', acl };
}
