import { types } from 'node:util';
import { paramError, SecError, Status } from '../errors.js';
import { fail, type Failure } from './failure.js';

/** The token access group: readable, never writable. */
// spec/semantics.md 8.3
export const TOKEN_GROUP = 'com.apple.token';

/** The caller's access groups as the data protection keychain sees them (spec 8.1, 8.3, 8.6). */
export interface AccessGroups {
  /** Used by SecItemCopyMatching. */
  readonly readable: readonly string[];
  /** Used by SecItemAdd/Update/Delete; the first is the default group for adds (8.2). */
  readonly writable: readonly string[];
}

/**
 * Builds the group lists from the app's keychain-access-groups entitlement. A process without
 * entitlements (plain `node`) gets only the token group, so its data protection searches find
 * nothing and its writes fail with errSecMissingEntitlement (8.6, with the token feature on —
 * the case Apple's source calls normal).
 */
export function accessGroupsFor(app: { accessGroups: readonly string[] } | undefined): AccessGroups {
  const entitled = app ? app.accessGroups.filter((g) => g !== TOKEN_GROUP) : [];
  return { readable: [...entitled, TOKEN_GROUP], writable: entitled };
}

/**
 * The app identity an emulator runs as, read once into a frozen copy. `app` comes from the
 * caller: anything but an object whose `accessGroups` is an array of non-empty strings is
 * errSecParam — also a Proxy (whose traps are not run), and a getter that throws.
 */
export function validateAppIdentity(app: unknown): { accessGroups: readonly string[] } | undefined {
  if (app === undefined) return undefined;
  const bad = () => paramError('app.accessGroups must be an array of non-empty strings');
  if (app === null || typeof app !== 'object' || types.isProxy(app)) throw bad();
  const groups = read(() => (app as { accessGroups?: unknown }).accessGroups);
  if (typeof groups !== 'object' || groups === null || types.isProxy(groups) || !Array.isArray(groups)) throw bad();
  const copy: string[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = read(() => groups[i] as unknown);
    if (typeof g !== 'string' || g === '') throw bad();
    copy.push(g);
  }
  return { accessGroups: Object.freeze(copy) };
}

function read<T>(get: () => T): T {
  try {
    return get();
  } catch (error) {
    throw new SecError(Status.errSecParam, 'app.accessGroups could not be read: a getter threw', { cause: error });
  }
}

/** SecEntitlementError (spec 8.4): the relevant list is empty. */
export function requireEntitlement(groups: readonly string[]): void {
  if (groups.length === 0) {
    throw fail('errSecMissingEntitlement',
      'this process has no keychain-access-groups entitlement, so the data protection keychain refuses it');
  }
}

/** SecEntitlementErrorForExplicitAccessGroup (spec 8.4). */
export function requireGroup(group: string, groups: readonly string[]): void {
  if (!groups.includes(group)) {
    throw fail('errSecMissingEntitlement', `access group ${JSON.stringify(group)} is not among this app's keychain-access-groups`);
  }
}

/** The device's lock state, which decides which accessibility classes can be decrypted (9.2). */
export type LockState = 'unlocked' | 'locked' | 'beforeFirstUnlock';

export const ACCESSIBILITY_VALUES = ['ak', 'ck', 'dk', 'aku', 'cku', 'dku', 'akpu'] as const;
export type Accessibility = (typeof ACCESSIBILITY_VALUES)[number];

export function isAccessibility(v: unknown): v is Accessibility {
  return typeof v === 'string' && (ACCESSIBILITY_VALUES as readonly string[]).includes(v);
}

/**
 * Whether an item's class key is available (spec 9.2): WhenUnlocked classes only while
 * unlocked, AfterFirstUnlock classes once the device was unlocked after boot, Always always.
 */
export function classKeyAvailable(pdmn: string, state: LockState): boolean {
  switch (pdmn) {
    case 'ak':
    case 'aku':
    case 'akpu':
      return state === 'unlocked';
    case 'ck':
    case 'cku':
      return state !== 'beforeFirstUnlock';
    default:
      return true;
  }
}

export function lockedError(pdmn: string): Failure {
  return fail('errSecInteractionNotAllowed',
    `the item's accessibility (${pdmn}) needs the device unlocked and it is locked`);
}
