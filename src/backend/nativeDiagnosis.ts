/**
 * diagnose()'s facts on macOS (backend/diagnosis.ts), read through the addon's code signing,
 * SecTask and file-keychain calls (native/sec_code.mm, sec_task.mm, sec_keychain.mm,
 * sec_keychain_item_access.mm) and turned into ProcessFacts, DefaultKeychainFacts and
 * FileItemAccessFacts. None of these calls prompts; a call that fails marks its section
 * `read: false` with the status in the note.
 */
import { realpathSync } from 'node:fs';
import {
  kSecClass, kSecClassCertificate, kSecClassGenericPassword, kSecClassInternetPassword, kSecClassKey, kSecReturnRef,
  kSecUseAuthenticationUI, kSecUseAuthenticationUIFail, kSecValuePersistentRef,
} from '../constants.js';
import { SecError, Status, statusName } from '../errors.js';
import type { NativeAddon, NativeHandle, NativeSigningInformation } from './addon.js';
import type { AclEntry, DefaultKeychainFacts, FileItemAccessFacts, ProcessFacts } from './diagnosis.js';

/** CSCommon.h, SecCodeSignatureFlags: "must be used without signer". */
const kSecCodeSignatureAdhoc = 0x0002;
/** SecKeychain.h, SecKeychainStatus bits. */
const kSecUnlockStateStatus = 1;
const kSecReadPermStatus = 2;
const kSecWritePermStatus = 4;
/** SecACL.h, SecKeychainPromptSelector: the bits that decide whether an unlisted client is asked. */
const kSecKeychainPromptUnsigned = 0x0010;
const kSecKeychainPromptUnsignedAct = 0x0020;
const kSecKeychainPromptInvalid = 0x0040;
const kSecKeychainPromptInvalidAct = 0x0080;
/** CSCommon.h: what SecCodeCheckValidity answers for code securityd treats as invalidly signed. */
const INVALID_CODE = new Set([-67061 /* errSecCSSignatureFailed */, -67063 /* errSecCSGuestInvalid */, -67068 /* errSecCSStaticCodeNotFound */]);

/**
 * Whether securityd asks this process, which the entry does not list, rather than refusing it
 * (securityd/src/acl_keychain.cpp, KeychainPromptAclSubject::validateExplicitly). An entry that
 * lists applications ends in a keychain prompt subject (ACL.cpp, ACL::parse). A validly signed
 * client is always asked. For unsigned and invalidly signed code securityd starts from its
 * default mode, which asks both (main.cpp, keychainAclDefault), and an *Act bit of the selector
 * replaces that default with the selector's own bit; any other validity failure is refused.
 */
function promptsThisProcess(selector: number, validity: number): boolean {
  if (validity === 0) return true;
  let mode = kSecKeychainPromptUnsigned | kSecKeychainPromptInvalid;
  if (selector & kSecKeychainPromptUnsignedAct) mode = (mode & ~kSecKeychainPromptUnsigned) | (selector & kSecKeychainPromptUnsigned);
  if (selector & kSecKeychainPromptInvalidAct) mode = (mode & ~kSecKeychainPromptInvalid) | (selector & kSecKeychainPromptInvalid);
  if (validity === -67062 /* errSecCSUnsigned */) return (mode & kSecKeychainPromptUnsigned) !== 0;
  if (INVALID_CODE.has(validity)) return (mode & kSecKeychainPromptInvalid) !== 0;
  return false;
}

/** CSCommon.h: the code signing statuses SecCodeCheckValidity answers most (the package's error table has SecBase.h's). */
const CODE_SIGNING_STATUS: Readonly<Record<number, string>> = {
  0: 'errSecSuccess', [-67062]: 'errSecCSUnsigned', [-67061]: 'errSecCSSignatureFailed', [-67050]: 'errSecCSReqFailed',
  [-67045]: 'errSecCSSignatureInvalid',
};

type ToError = (error: unknown) => SecError;

const failure = (error: SecError) => `${statusName(error.status)} (${error.status}): ${error.message}`;

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The process's code signature and entitlements. */
export async function readProcess(addon: NativeAddon, toError: ToError): Promise<ProcessFacts> {
  let validity: number;
  let information: NativeSigningInformation;
  const entitlement = async (name: string) => addon.secTaskCopyValueForEntitlement(name);
  let groups: unknown;
  let appId: unknown;
  let appGroups: unknown;
  try {
    validity = await addon.secCodeCheckValidity();
    information = await addon.secCodeCopySigningInformation();
    groups = await entitlement('keychain-access-groups');
    // macOS names it com.apple.application-identifier; application-identifier is iOS's name.
    appId = (await entitlement('com.apple.application-identifier')) ?? (await entitlement('application-identifier'));
    appGroups = await entitlement('com.apple.security.application-groups');
  } catch (error) {
    return {
      read: false, note: `not read: ${failure(toError(error))}`,
      signed: null, adHoc: null, teamIdentifier: null, signingIdentifier: null, entitlements: null,
    };
  }
  const signed = validity === 0 && information.identifier !== undefined;
  return {
    read: true,
    note: `SecCodeCopySelf; SecCodeCheckValidity answered ${CODE_SIGNING_STATUS[validity] ?? statusName(validity)} (${validity}); ` +
      'SecCodeCopySigningInformation with kSecCSSigningInformation (kSecCodeInfoIdentifier, kSecCodeInfoFlags, ' +
      'kSecCodeInfoTeamIdentifier); SecTaskCreateFromSelf and SecTaskCopyValueForEntitlement for each entitlement',
    signed,
    adHoc: information.flags !== undefined && (information.flags & kSecCodeSignatureAdhoc) !== 0,
    teamIdentifier: information.teamIdentifier ?? null,
    signingIdentifier: information.identifier ?? null,
    entitlements: {
      'keychain-access-groups': strings(groups),
      'application-identifier': typeof appId === 'string' ? appId : null,
      'com.apple.security.application-groups': strings(appGroups),
    },
  };
}

/** The default file-based keychain: its path and lock state. */
export async function readDefaultKeychain(addon: NativeAddon, toError: ToError): Promise<DefaultKeychainFacts> {
  try {
    const { path, status } = await addon.secKeychainCopyDefault();
    return {
      read: true, note: 'SecKeychainCopyDefault, SecKeychainGetPath and SecKeychainGetStatus',
      path, unlocked: (status & kSecUnlockStateStatus) !== 0, readable: (status & kSecReadPermStatus) !== 0,
      writable: (status & kSecWritePermStatus) !== 0,
    };
  } catch (error) {
    return { read: false, note: `not read: SecKeychainCopyDefault: ${failure(toError(error))}`, path: null, unlocked: null, readable: null, writable: null };
  }
}

/** The running executable, with symbolic links resolved, to compare trusted application paths with. */
function executable(): string {
  try {
    return realpathSync(process.execPath);
  } catch {
    return process.execPath;
  }
}

function resolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** The item a persistent reference names, as a reference (never its data: no prompt for the secret). */
async function itemReference(addon: NativeAddon, persistentRef: Uint8Array): Promise<NativeHandle> {
  const query = (cls?: string) => ({
    ...(cls === undefined ? {} : { [kSecClass]: cls }),
    [kSecValuePersistentRef]: Buffer.from(persistentRef), [kSecReturnRef]: true,
    [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail,
  });
  // A persistent reference names its item on its own; should the framework still want a class,
  // each file-based class is tried in turn.
  let first: unknown;
  for (const cls of [undefined, kSecClassGenericPassword, kSecClassInternetPassword, kSecClassKey, kSecClassCertificate]) {
    try {
      return (await addon.secItemCopyMatching(query(cls))) as NativeHandle;
    } catch (error) {
      first ??= error;
      const status = (error as { status?: unknown }).status;
      if (status !== Status.errSecParam && !(cls !== undefined && status === Status.errSecItemNotFound)) throw error;
    }
  }
  throw first;
}

/** A file-based item's ACL, judged against this process's executable. */
export async function readFileItem(addon: NativeAddon, toError: ToError, persistentRef: Uint8Array): Promise<FileItemAccessFacts> {
  let item: NativeHandle | undefined;
  try {
    item = await itemReference(addon, persistentRef);
    const { keychain, acl } = await addon.secKeychainItemCopyAccess(item);
    if (acl === null) {
      return {
        read: false, acl: null,
        note: `not read: the item's keychain ${keychain.path} is locked, and reading its ACL could ask to unlock it (SecKeychainGetStatus)`,
      };
    }
    const self = executable();
    const validity = await addon.secCodeCheckValidity();
    const entries: AclEntry[] = acl.map((entry) => ({
      authorizations: entry.authorizations,
      trustedApplications: entry.applications === null ? null : entry.applications.map((path) => ({
        path,
        // The public headers declare no call that returns a trusted application's code requirement.
        requirement: null,
        isThisProcess: resolved(path) === self,
      })),
      // An entry without a list lets every application in; nobody is asked.
      promptsOthers: entry.applications !== null && promptsThisProcess(entry.promptSelector, validity),
    }));
    return {
      read: true, acl: entries,
      note: `in ${keychain.path}: SecItemCopyMatching (kSecValuePersistentRef, kSecReturnRef), SecKeychainItemCopyAccess, ` +
        'SecAccessCopyACLList, SecACLCopyAuthorizations, SecACLCopyContents and SecTrustedApplicationCopyData; ' +
        'isThisProcess compares each path with this executable; promptsOthers applies securityd\'s rule for an unlisted client ' +
        `to this process's SecCodeCheckValidity answer (${validity}) and each entry's prompt selector; code requirements are not read (no public call returns them)`,
    };
  } catch (error) {
    throw toError(error);
  } finally {
    item?.release();
  }
}
