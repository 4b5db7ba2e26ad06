/**
 * `diagnose()`: why a keychain call prompts or fails, in one report — what the process is
 * (signature, entitlements), which keychains it can use, whether its calls may prompt, and,
 * for an item, which keychain holds it and whether reading it will prompt, each with a verdict
 * in plain words. The process, default keychain and ACL fields come from the backend
 * (backend/diagnosis.ts), which marks what it could not read; everything else is learned
 * through the ordinary SecItem calls of the binding, so both backends are asked alike.
 */
import { randomUUID } from 'node:crypto';
import { readOptions } from '../arguments.js';
import type { Backend } from '../backend/backend.js';
import {
  fileItemNotRead, type DefaultKeychainFacts, type FileItemAccessFacts, type ProcessFacts,
} from '../backend/diagnosis.js';
import {
  kSecAttrAccessGroup, kSecAttrService, kSecClass, kSecClassGenericPassword, kSecMatchLimit, kSecMatchLimitAll,
  kSecReturnAttributes, kSecReturnData, kSecReturnPersistentRef, kSecReturnRef, kSecUseAuthenticationUI,
  kSecUseAuthenticationUIFail, kSecUseDataProtectionKeychain, kSecValueData, kSecValuePersistentRef, kSecValueRef,
} from '../constants.js';
import { paramError, SecError, Status, statusName } from '../errors.js';
import { checkDictionary, type CFDictionary, type CFResult } from '../values.js';
import { bind, dispatch, requireBackend, unbound } from './bind.js';
import { isNonInteractive } from './interaction.js';
import { defaultBackend, defaultInteraction } from './select.js';

/** Whether the process can write to the data protection keychain, and why. */
export interface DataProtectionAvailability {
  /** true: a write there is allowed; false: refused (errSecMissingEntitlement); null: the probe answered something else. */
  readonly available: boolean | null;
  /** The access group asked about; null: the default group. */
  readonly accessGroup: string | null;
  /** Why, in plain words. */
  readonly reason: string;
  /** What the probe answered: SecItemDelete of an item that cannot exist, in that keychain (and group). */
  readonly status: number;
  readonly source: string;
}

/** One item the query matched. */
export interface ItemFinding {
  readonly keychain: 'dataProtection' | 'file';
  /** The attributes the keychain returned (kSecReturnAttributes), without the secret. */
  readonly attributes: Readonly<Record<string, CFResult>>;
  /** Whether reading the secret will prompt this process: null when it cannot be told. */
  readonly prompts: boolean | null;
  /** A file-based item's ACL (backend/diagnosis.ts); absent for a data protection item. */
  readonly access?: FileItemAccessFacts;
  readonly verdict: string;
}

export interface ItemDiagnosis {
  /** The keychains the query found items in. */
  readonly foundIn: readonly ('dataProtection' | 'file')[];
  readonly items: readonly ItemFinding[];
  /** More items matched than the report lists (it lists the first 20 of each keychain). */
  readonly truncated: boolean;
}

/** What `diagnose()` resolves to. */
export interface DiagnosisReport {
  /** "native" or "emulator". */
  readonly backend: string;
  readonly process: ProcessFacts;
  readonly dataProtectionKeychain: DataProtectionAvailability;
  readonly defaultKeychain: DefaultKeychainFacts;
  /** Whether this binding's calls may prompt, and what the environment (and on macOS the security session) would choose for the process default. */
  readonly interaction: { readonly interactive: boolean; readonly reason: string; readonly environment: { readonly interactive: boolean; readonly reason: string } };
  /** Present when a query was given. */
  readonly item?: ItemDiagnosis;
  /** The findings in plain words, most important first. */
  readonly verdicts: readonly string[];
  /** For each field, the macOS call it comes from (docs/why-it-prompts.md). */
  readonly sources: Readonly<Record<string, string>>;
}

const PROBE_SOURCE = 'SecItemDelete({ kSecClass: genericPassword, kSecUseDataProtectionKeychain: true, kSecAttrService: <a fresh UUID>[, kSecAttrAccessGroup] }): errSecItemNotFound = allowed, errSecMissingEntitlement = refused (the entitlement is checked before the search)';

/** Where each field of the report comes from on macOS. */
export const REPORT_SOURCES: Readonly<Record<string, string>> = {
  'process.signed': 'SecCodeCopySelf, SecCodeCheckValidity',
  'process.adHoc': 'SecCodeCopySigningInformation: kSecCodeInfoFlags & kSecCodeSignatureAdhoc',
  'process.teamIdentifier': 'SecCodeCopySigningInformation: kSecCodeInfoTeamIdentifier',
  'process.signingIdentifier': 'SecCodeCopySigningInformation: kSecCodeInfoIdentifier',
  'process.entitlements': 'SecTaskCreateFromSelf, SecTaskCopyValueForEntitlement',
  'dataProtectionKeychain': PROBE_SOURCE,
  'defaultKeychain': 'SecKeychainCopyDefault, SecKeychainGetPath, SecKeychainGetStatus',
  'item.items[].attributes': 'SecItemCopyMatching with kSecUseDataProtectionKeychain true, then false',
  'item.items[].access': 'SecKeychainItemCopyAccess, SecAccessCopyACLList, SecACLCopyContents, SecACLCopyAuthorizations',
  'item.items[].prompts': 'data protection: SecItemCopyMatching with kSecUseAuthenticationUIFail; file-based: the ACL',
  'interaction.environment': 'SECURITY_FRAMEWORK_INTERACTIVE, the CI and SSH variables, then on the native backend SessionGetInfo(callerSecuritySession): sessionHasGraphicAccess, sessionIsRemote',
};

export interface DiagnoseOptions {
  /** The backend to diagnose; default the process default (`keychain()`). */
  backend?: Backend;
  /** The access group to check the data protection keychain for; default the app's default group. */
  accessGroup?: string;
}

const LISTED = 20;

function statusOf(error: unknown): number {
  if (error instanceof SecError) return error.status;
  throw error;
}

/**
 * Asks the data protection keychain whether this process may write there (in `accessGroup`):
 * a delete of an item that cannot exist checks the entitlement first (spec 8.4) and then finds
 * nothing, so it changes nothing and never prompts.
 */
export async function probeDataProtection(backend: Backend, process: ProcessFacts, accessGroup?: string): Promise<DataProtectionAvailability> {
  const b = bind(backend);
  const query: CFDictionary = {
    [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: true,
    [kSecAttrService]: `security-framework.probe.${randomUUID()}`, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail,
    ...(accessGroup === undefined ? {} : { [kSecAttrAccessGroup]: accessGroup }),
  };
  let status = 0;
  try {
    await b.SecItemDelete(query);
  } catch (error) {
    status = statusOf(error);
  }
  const group = accessGroup ?? null;
  const groups = process.entitlements?.['keychain-access-groups'];
  const where = accessGroup === undefined ? '' : ` in access group ${JSON.stringify(accessGroup)}`;
  const base = { accessGroup: group, status, source: PROBE_SOURCE };
  if (status === Status.errSecItemNotFound || status === 0) {
    return { ...base, available: true, reason: `this process can use the data protection keychain${where}: a write there passed the entitlement check` };
  }
  if (status === Status.errSecMissingEntitlement) {
    let because: string;
    if (groups && groups.length === 0) {
      because = 'it has no keychain-access-groups entitlement' + (process.signed === false ? ' (it is not signed with any entitlements, as a plain node process is not)' : '');
    } else if (groups && accessGroup !== undefined && !groups.includes(accessGroup)) {
      because = `access group ${JSON.stringify(accessGroup)} is not among its keychain-access-groups (${groups.join(', ')})`;
    } else {
      because = `the keychain refused it${where} with errSecMissingEntitlement (-34018): the process is not signed with a keychain-access-groups entitlement${accessGroup === undefined ? '' : ' that lists this group'}`;
    }
    return {
      ...base, available: false,
      reason: `this process cannot use the data protection keychain${where} because ${because}. It needs a code signature with a keychain-access-groups entitlement, which macOS honours only with a provisioning profile (a signed app bundle)`,
    };
  }
  return { ...base, available: null, reason: `the data protection keychain answered ${statusName(status)} (${status}) to a write check, so its availability is unknown` };
}

/** The query as a search of one keychain: its own return, limit and keychain keys replaced. */
function searchOf(query: CFDictionary, dataProtection: boolean): CFDictionary {
  const search: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    if (k.startsWith('r_') || k === kSecMatchLimit || k === kSecUseDataProtectionKeychain || k === kSecValueData) continue;
    search[k] = v;
  }
  return {
    ...search, [kSecUseDataProtectionKeychain]: dataProtection, [kSecReturnAttributes]: true, [kSecReturnPersistentRef]: true,
    [kSecMatchLimit]: kSecMatchLimitAll, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail,
  } as CFDictionary;
}

async function search(backend: Backend, query: CFDictionary, dataProtection: boolean): Promise<Record<string, CFResult>[]> {
  try {
    const found = await bind(backend).SecItemCopyMatching(searchOf(query, dataProtection));
    return (Array.isArray(found) ? found : [found]) as Record<string, CFResult>[];
  } catch (error) {
    const status = statusOf(error);
    if (status === Status.errSecItemNotFound || status === Status.errSecMissingEntitlement) return [];
    throw error;
  }
}

function describe(attributes: Readonly<Record<string, CFResult>>): string {
  const named = ['svce', 'srvr', 'acct', 'labl'].filter((k) => typeof attributes[k] === 'string').map((k) => `${k}=${JSON.stringify(attributes[k])}`);
  return named.length > 0 ? `the item ${named.join(' ')}` : 'the item';
}

/**
 * A data protection item: read its secret with kSecUseAuthenticationUIFail, which never
 * prompts (spec 10.5): success means no prompt; errSecInteractionNotAllowed means its access
 * control needs the user, or its accessibility needs the device unlocked (9.2).
 */
async function dataProtectionFinding(backend: Backend, cls: CFResult, attributes: Record<string, CFResult>): Promise<ItemFinding> {
  const { v_PersistentRef: ref, ...shown } = attributes;
  let status = 0;
  try {
    const secret = await bind(backend).SecItemCopyMatching({
      [kSecClass]: cls as string, [kSecValuePersistentRef]: ref as Buffer, [kSecReturnData]: true, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail,
    });
    if (Buffer.isBuffer(secret)) secret.fill(0);
  } catch (error) {
    status = statusOf(error);
  }
  const what = describe(shown);
  if (status === 0) {
    return { keychain: 'dataProtection', attributes: shown, prompts: false, verdict: `${what} is in the data protection keychain and reads without a prompt` };
  }
  if (status === Status.errSecInteractionNotAllowed) {
    return {
      keychain: 'dataProtection', attributes: shown, prompts: true,
      verdict: `${what} is in the data protection keychain and will prompt for this process because its access control needs the user (Touch ID or the login password) — or it cannot be read until the device is unlocked; in non-interactive mode the read fails with errSecInteractionNotAllowed instead`,
    };
  }
  return { keychain: 'dataProtection', attributes: shown, prompts: null, verdict: `${what} is in the data protection keychain; reading it answered ${statusName(status)} (${status})` };
}

/**
 * A file-based item's ACL; a call that fails (an ACL entry that is not in simple form,
 * errSecACLNotSimple; an item gone since the search) leaves that item's section not read, with
 * the status, instead of failing the whole report.
 */
async function readFileItem(raw: Backend, ref: Buffer): Promise<FileItemAccessFacts> {
  try {
    return await raw.diagnoseFileItem(ref);
  } catch (error) {
    if (!(error instanceof SecError) || error.status === Status.errSecNotAvailable) throw error;
    return { read: false, note: `not read: reading the ACL answered ${statusName(error.status)} (${error.status})`, acl: null };
  }
}

/** A file-based item: its ACL from the backend, judged for this process. */
async function fileFinding(backend: Backend, attributes: Record<string, CFResult>, interactive: boolean): Promise<ItemFinding> {
  const { v_PersistentRef: ref, ...shown } = attributes;
  const raw = unbound(backend);
  const access = Buffer.isBuffer(ref) ? await readFileItem(raw, ref) : fileItemNotRead(backend.name);
  const what = describe(shown);
  const headless = interactive ? '' : '; non-interactive mode does not stop that dialog (the file-based keychain does not honour kSecUseAuthenticationUI), so set a timeout';
  if (!access.read || !access.acl) {
    return {
      keychain: 'file', attributes: shown, access, prompts: null,
      verdict: `${what} is in the file-based keychain; its ACL was not read (${access.note}). A file-based item trusts the code signature of the application that created it: it will prompt for this process if this is not that application, or if the application was rebuilt, updated or re-signed since${headless}`,
    };
  }
  const use = access.acl.find((entry) => entry.authorizations.includes('decrypt') || entry.authorizations.includes('any'));
  if (!use || use.trustedApplications === null) {
    return { keychain: 'file', attributes: shown, access, prompts: false, verdict: `${what} is in the file-based keychain and its ACL lets any application read it without a prompt` };
  }
  const self = use.trustedApplications.find((a) => a.isThisProcess);
  if (self) {
    return { keychain: 'file', attributes: shown, access, prompts: false, verdict: `${what} is in the file-based keychain and its ACL trusts this application (${self.path}), so it reads without a prompt` };
  }
  const trusted = use.trustedApplications.map((a) => a.path).join(', ') || 'no application';
  return {
    keychain: 'file', attributes: shown, access, prompts: use.promptsOthers,
    verdict: `${what} is in the file-based keychain and will ${use.promptsOthers ? 'prompt for' : 'be refused to'} this process because its ACL trusts only ${trusted}, and this process does not match (a rebuilt, updated or re-signed application no longer meets the code requirement recorded when the item was created)${headless}`,
  };
}

async function diagnoseItem(backend: Backend, query: CFDictionary, interactive: boolean): Promise<ItemDiagnosis> {
  const cls = query[kSecClass];
  const [dp, fb] = await Promise.all([search(backend, query, true), search(backend, query, false)]);
  const items: ItemFinding[] = [];
  for (const attributes of dp.slice(0, LISTED)) items.push(await dataProtectionFinding(backend, (cls ?? attributes.class) as CFResult, attributes));
  for (const attributes of fb.slice(0, LISTED)) items.push(await fileFinding(backend, attributes, interactive));
  const foundIn = [...(dp.length ? ['dataProtection' as const] : []), ...(fb.length ? ['file' as const] : [])];
  return { foundIn, items, truncated: dp.length > LISTED || fb.length > LISTED };
}

/** The report for `backend` (and, with a query, for the items it matches). */
export async function diagnoseBackend(backend: Backend, query?: CFDictionary, accessGroup?: string): Promise<DiagnosisReport> {
  const raw = unbound(backend);
  const facts = await raw.diagnoseProcess();
  const dataProtectionKeychain = await probeDataProtection(backend, facts.process, accessGroup);
  const interactive = !isNonInteractive(raw);
  const interaction = {
    interactive,
    reason: interactive ? 'calls may show a prompt (interactive mode)' : 'calls carry kSecUseAuthenticationUIFail and LAContexts forbid interaction (interactive: false)',
    environment: defaultInteraction(),
  };
  const item = query === undefined ? undefined : await diagnoseItem(backend, query, interactive);
  const fileItems = item?.items.some((i) => i.keychain === 'file') ?? false;
  const verdicts = [
    ...(facts.process.read ? [] : [`The code signature and entitlements were not read: ${facts.process.note}.`]),
    `${dataProtectionKeychain.reason[0]!.toUpperCase()}${dataProtectionKeychain.reason.slice(1)}.`,
    interactive ? 'Calls may prompt; where no one can answer (CI, SSH), use interactive: false.' : 'Calls never wait for a prompt: a read that needs one fails with errSecInteractionNotAllowed.',
    ...(item ? (item.items.length === 0 ? ['The query matched no item in either keychain.'] : item.items.map((i) => `${i.verdict[0]!.toUpperCase()}${i.verdict.slice(1)}.`)) : []),
    ...(fileItems && dataProtectionKeychain.available === true
      ? ['To end file-based prompts for these items, move them to the data protection keychain: migrateToDataProtection(query, { accessGroup }) or secitem migrate (docs/data-protection-migration.md).']
      : []),
  ];
  return {
    backend: backend.name, process: facts.process, dataProtectionKeychain, defaultKeychain: facts.defaultKeychain, interaction,
    ...(item ? { item } : {}), verdicts, sources: REPORT_SOURCES,
  };
}

/** Reads `diagnose`'s arguments: a query dictionary or undefined, and the options (`backend` only where `withBackend`). */
export function readDiagnoseArguments(query: unknown, options: unknown, withBackend: boolean): { query: CFDictionary | undefined; backend: Backend | undefined; accessGroup: string | undefined } {
  const checked = query === undefined ? undefined : checkDictionary(query, 'query');
  if (checked && (kSecValueRef in checked || kSecReturnRef in checked)) throw paramError('query must describe items by attributes or kSecValuePersistentRef, not kSecValueRef');
  const o = readOptions(options, 'options', withBackend ? ['backend', 'accessGroup'] : ['accessGroup']);
  if (o.accessGroup !== undefined && (typeof o.accessGroup !== 'string' || o.accessGroup === '')) throw paramError('options.accessGroup must be a non-empty string');
  const backend = 'backend' in o && o.backend !== undefined ? requireBackend(o.backend, 'options.backend') : undefined;
  return { query: checked, backend, accessGroup: o.accessGroup as string | undefined };
}

/**
 * The doctor: what this process is, which keychains it can use, whether calls may prompt, and,
 * given a query, which keychain holds the matching items and whether reading them will prompt
 * (docs/why-it-prompts.md). Over the process default unless `options.backend` is given.
 */
export function diagnose(query?: CFDictionary, options?: DiagnoseOptions): Promise<DiagnosisReport> {
  return dispatch(() => {
    const given = readDiagnoseArguments(query, options, true);
    return diagnoseBackend(given.backend ?? defaultBackend(), given.query, given.accessGroup);
  });
}
