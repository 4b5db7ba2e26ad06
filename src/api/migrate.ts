/**
 * `migrateToDataProtection(query, { accessGroup, accessible?, dryRun? })`: moves the
 * file-based password items a query matches into the data protection keychain, where items
 * belong to an access group instead of an ACL bound to one binary's signature — the lasting
 * fix for "it prompts after every update" (docs/data-protection-migration.md).
 *
 * For each item: copy it (its attributes and secret) into the data protection keychain with
 * the group and accessibility chosen, read the copy back and compare it byte for byte, and
 * only then delete the original. Every step is an ordinary SecItem call over the binding,
 * each keychain addressed with kSecUseDataProtectionKeychain (spec/semantics.md 1.1), so it
 * runs alike on both backends. No step can lose an item: a run stopped anywhere leaves every
 * item in the file-based keychain, in the data protection keychain, or in both with the same
 * bytes — and the next run finds the copy (errSecDuplicateItem), checks it, and deletes the
 * original, so nothing is duplicated either.
 */
import { readOptions } from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import {
  kSecAttrAccessGroup, kSecAttrAccessible, kSecClass, kSecClassGenericPassword, kSecClassInternetPassword,
  kSecMatchLimit, kSecMatchLimitAll, kSecReturnAttributes, kSecReturnData, kSecReturnPersistentRef,
  kSecUseAuthenticationUI, kSecUseAuthenticationUIFail, kSecUseDataProtectionKeychain, kSecValueData, kSecValuePersistentRef,
} from '../constants.js';
import { paramError, SecError, secError, Status, statusName } from '../errors.js';
import { checkDictionary, describeValue, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { bind, dispatch, requireBackend, unbound } from './bind.js';
import { probeDataProtection } from './doctor.js';
import { defaultBackend } from './select.js';

export interface MigrationOptions {
  /** The access group the copies go to: one of the app's keychain-access-groups. Required. */
  accessGroup: string;
  /** The copies' kSecAttrAccessible; default Apple's, kSecAttrAccessibleWhenUnlocked. */
  accessible?: string;
  /** true: list what would move, change nothing (no secret is read). */
  dryRun?: boolean;
}

/** What happened to one matched item. */
export interface MigratedItem {
  /** kSecClass of the item. */
  readonly class: string;
  /** Its attributes as the file-based keychain returned them. */
  readonly attributes: Readonly<Record<string, CFResult>>;
  /**
   * 'moved': copied, verified, original deleted. 'resumed': a copy with the same bytes was
   * already there (an earlier run stopped before deleting), original deleted. 'wouldMove':
   * dry run. 'skipped': left where it was; `status` and `reason` say why.
   */
  readonly outcome: 'moved' | 'resumed' | 'wouldMove' | 'skipped';
  readonly status?: number;
  readonly reason?: string;
}

export interface MigrationResult {
  readonly dryRun: boolean;
  readonly accessGroup: string;
  readonly accessible: string | null;
  readonly items: readonly MigratedItem[];
  /** How many items each outcome has. */
  readonly counts: Readonly<Record<MigratedItem['outcome'], number>>;
}

const CLASSES: readonly string[] = [kSecClassGenericPassword, kSecClassInternetPassword];
const ACCESSIBLE = ['ak', 'ck', 'dk', 'aku', 'cku', 'dku', 'akpu'];
/** What the file-based keychain returns that is not an attribute to copy (14.3). */
const NOT_COPIED = new Set(['class', 'cdat', 'mdat', kSecValuePersistentRef, 'v_Ref', kSecValueData]);
/** A read that needs the user: the item is left where it is and reported (docs/data-protection-migration.md). */
const NEEDS_USER = new Set<number>([Status.errSecInteractionNotAllowed, Status.errSecAuthFailed, Status.errSecUserCanceled]);

function statusOf(error: unknown): number {
  if (error instanceof SecError) return error.status;
  throw error;
}

function readMigrationArguments(query: unknown, options: unknown, backend: unknown) {
  const checked = checkDictionary(query, 'query');
  const cls = checked[kSecClass];
  if (typeof cls !== 'string' || !CLASSES.includes(cls)) {
    throw paramError(`query.kSecClass must be kSecClassGenericPassword or kSecClassInternetPassword (password items are what can be migrated), not ${describeValue(cls)}`);
  }
  for (const key of ['accc', kSecAttrAccessGroup, kSecAttrAccessible, 'sync', kSecUseDataProtectionKeychain, kSecValuePersistentRef, 'v_Ref']) {
    if (key in checked) throw paramError(`query must not contain ${key}: it selects file-based items, which have no access group, accessibility, access control or synchronizable, and the keychain is chosen by the migration`);
  }
  if (options === undefined) throw paramError('options is required: { accessGroup }');
  const o = readOptions(options, 'options', ['accessGroup', 'accessible', 'dryRun']);
  if (typeof o.accessGroup !== 'string' || o.accessGroup === '') throw paramError(`options.accessGroup must be a non-empty string (one of the app's keychain-access-groups), not ${describeValue(o.accessGroup)}`);
  if (o.accessible !== undefined && (typeof o.accessible !== 'string' || !ACCESSIBLE.includes(o.accessible))) {
    throw paramError(`options.accessible must be a kSecAttrAccessible value such as kSecAttrAccessibleAfterFirstUnlock, not ${describeValue(o.accessible)}`);
  }
  if (o.dryRun !== undefined && typeof o.dryRun !== 'boolean') throw paramError('options.dryRun must be a boolean');
  const target = backend === undefined ? defaultBackend() : requireBackend(backend, 'backend');
  return { query: checked, cls, accessGroup: o.accessGroup, accessible: o.accessible as string | undefined, dryRun: o.dryRun === true, backend: target };
}

/** The file-based items the query matches: attributes and persistent refs, never secrets (no prompt). */
async function fileBasedMatches(calls: Backend, query: CFDictionary): Promise<Record<string, CFResult>[]> {
  const search: Record<string, CFValue> = {};
  for (const [k, v] of Object.entries(query)) if (!k.startsWith('r_') && k !== kSecMatchLimit && k !== kSecValueData) search[k] = v;
  try {
    const found = await calls.SecItemCopyMatching({
      ...search, [kSecUseDataProtectionKeychain]: false, [kSecReturnAttributes]: true, [kSecReturnPersistentRef]: true, [kSecMatchLimit]: kSecMatchLimitAll,
    });
    return (Array.isArray(found) ? found : [found]) as Record<string, CFResult>[];
  } catch (error) {
    if (statusOf(error) === Status.errSecItemNotFound) return [];
    throw error;
  }
}

/** The copy's data protection items with the same attributes, and their secrets. */
async function existingCopies(calls: Backend, cls: string, copy: Record<string, CFValue>, group: string): Promise<Buffer[]> {
  const { [kSecValueData]: _secret, [kSecAttrAccessible]: _accessible, ...attributes } = copy;
  try {
    const found = await calls.SecItemCopyMatching({
      ...attributes, [kSecClass]: cls, [kSecUseDataProtectionKeychain]: true, [kSecAttrAccessGroup]: group,
      [kSecReturnData]: true, [kSecMatchLimit]: kSecMatchLimitAll, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail,
    });
    return (Array.isArray(found) ? found : [found]) as Buffer[];
  } catch (error) {
    if (statusOf(error) === Status.errSecItemNotFound) return [];
    throw error;
  }
}

async function migrateOne(calls: Backend, cls: string, found: Record<string, CFResult>, group: string, accessible: string | undefined): Promise<MigratedItem> {
  const ref = found[kSecValuePersistentRef] as Buffer;
  const attributes: Record<string, CFResult> = {};
  for (const [k, v] of Object.entries(found)) if (!NOT_COPIED.has(k)) attributes[k] = v;
  const shown = { ...attributes };
  const skipped = (status: number, reason: string): MigratedItem => ({ class: cls, attributes: shown, outcome: 'skipped', status, reason });

  // The secret, read without a prompt: an item that needs the user is not copied silently.
  let secret: Buffer;
  try {
    secret = await calls.SecItemCopyMatching({
      [kSecClass]: cls, [kSecValuePersistentRef]: ref, [kSecUseDataProtectionKeychain]: false,
      [kSecReturnData]: true, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail,
    }) as Buffer;
  } catch (error) {
    const status = statusOf(error);
    if (status === Status.errSecItemNotFound) return skipped(status, 'the item was deleted while the migration ran');
    if (NEEDS_USER.has(status)) {
      return skipped(status, `reading its secret needs the user (${statusName(status)}): its ACL does not let this process read it without a prompt. It stays in the file-based keychain; read it once interactively and add it yourself, or delete it`);
    }
    throw error;
  }
  const copy: Record<string, CFValue> = {
    ...(attributes as Record<string, CFValue>), [kSecValueData]: secret, ...(accessible ? { [kSecAttrAccessible]: accessible } : {}),
  };
  let outcome: 'moved' | 'resumed' = 'moved';
  try {
    await calls.SecItemAdd({ ...copy, [kSecClass]: cls, [kSecUseDataProtectionKeychain]: true, [kSecAttrAccessGroup]: group });
  } catch (error) {
    if (statusOf(error) !== Status.errSecDuplicateItem) throw error;
    outcome = 'resumed';
  }
  // Verify: a data protection item with these attributes holds exactly these bytes.
  const copies = await existingCopies(calls, cls, copy, group);
  if (!copies.some((bytes) => Buffer.isBuffer(bytes) && bytes.equals(secret))) {
    secret.fill(0);
    return outcome === 'resumed'
      ? skipped(Status.errSecDuplicateItem, `a different item with the same key is already in the data protection keychain (group ${JSON.stringify(group)}); the original is left in place`)
      : skipped(Status.errSecDecode, 'the copy read back from the data protection keychain did not match the original byte for byte; the original is left in place');
  }
  secret.fill(0);
  try {
    await calls.SecItemDelete({ [kSecClass]: cls, [kSecValuePersistentRef]: ref, [kSecUseDataProtectionKeychain]: false });
  } catch (error) {
    if (statusOf(error) !== Status.errSecItemNotFound) throw error; // already gone: nothing to undo
  }
  return { class: cls, attributes: shown, outcome };
}

/** The migration over `backend` (the process default when undefined). */
export async function migrateBackend(query: unknown, options: unknown, backend?: unknown): Promise<MigrationResult> {
  const given = readMigrationArguments(query, options, backend);
  const calls = bind(given.backend);
  const raw = unbound(given.backend);
  // Refuse before reading anything when the copies could not be written, and say why.
  const facts = await raw.diagnoseProcess();
  const availability = await probeDataProtection(given.backend, facts.process, given.accessGroup);
  if (availability.available !== true) {
    throw secError(availability.available === false ? 'errSecMissingEntitlement' : 'errSecNotAvailable', `cannot migrate: ${availability.reason}`);
  }
  const matches = await fileBasedMatches(calls, given.query);
  const items: MigratedItem[] = [];
  for (const found of matches) {
    if (given.dryRun) {
      const attributes: Record<string, CFResult> = {};
      for (const [k, v] of Object.entries(found)) if (!NOT_COPIED.has(k)) attributes[k] = v;
      items.push({ class: given.cls, attributes, outcome: 'wouldMove' });
    } else {
      items.push(await migrateOne(calls, given.cls, found, given.accessGroup, given.accessible));
    }
  }
  const counts = { moved: 0, resumed: 0, wouldMove: 0, skipped: 0 };
  for (const item of items) counts[item.outcome]++;
  return { dryRun: given.dryRun, accessGroup: given.accessGroup, accessible: given.accessible ?? null, items, counts };
}

/**
 * Moves the file-based password items `query` matches into the data protection keychain
 * (docs/data-protection-migration.md), over the process default. The query selects by
 * attributes: kSecMatchLimit, kSecReturn* and kSecValueData in it are ignored, and every
 * match moves.
 */
export function migrateToDataProtection(query: CFDictionary, options: MigrationOptions): Promise<MigrationResult> {
  return dispatch(() => migrateBackend(query, options));
}
