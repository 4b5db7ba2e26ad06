/**
 * The data protection keychain (spec/semantics.md, "DP"): the daemon's rules for parsing,
 * uniqueness, matching and result shapes, as reached from macOS after the bridge's
 * translation (routing.ts). Pure functions around the store.
 */
import { createHash, randomBytes } from 'node:crypto';
import { fail, paramFailure, type Failure } from './failure.js';
import { SecHandle } from '../handles.js';
import { describeKey, describeValue, toBuffer, type CFResult, type CFValue } from '../values.js';
import {
  classKeyAvailable, isAccessibility, lockedError, requireEntitlement, requireGroup,
  type AccessGroups, type LockState,
} from './access.js';
import { matchKey, type AccessControlSpec, type Attributes } from './codec.js';
import {
  KNOWN_CLASSES, needFor, accessControlSpec, attributeMatches, itemRefPayload, laterThan, noReturns,
  lookupKeys, readLimit, readReturnKey, requireEmulatedClass, resultValue, returnCount, type EmulatedClass, type Returns,
} from './items.js';
import { authenticate, readNeedsAuthentication, type EmulatedContext, type PromptRecord, type SimulatedUser } from './accessControl.js';
import { handlePayload } from '../handles.js';
import { makeDataProtectionRef, parseDataProtectionRef, type DataProtectionRef } from './persistentRef.js';
import { coerce } from './columnKinds.js';
import { translateForDataProtection, truthy, type Call } from './routing.js';
import { identityItems } from './identityItems.js';
import { expandValueRef, itemValues } from './itemValues.js';
import { classFacts, dataProtectionColumns } from './schemaTables.js';
import { DuplicateKeyError, type ItemRow, type Need, type Store, type StoredItem } from './store.js';
import type { KeychainSide, MovableItem } from './side.js';

export interface DataProtectionContext {
  readonly store: Store;
  readonly groups: AccessGroups;
  readonly lockState: LockState;
  readonly passcodeSet: boolean;
  readonly user: SimulatedUser;
  readonly prompts: PromptRecord[];
  now(): Date;
}

type PasswordClass = EmulatedClass;
type Column = readonly [kind: string, flags: string];

/** An identity query may name any certificate or key attribute (classes.json dataProtectionUnknownAttribute). */
const IDENTITY_COLUMNS: Record<string, Column> = { ...dataProtectionColumns.keys, ...dataProtectionColumns.cert };

function columnsOf(cls: PasswordClass): Record<string, Column> {
  return cls === 'idnt' ? IDENTITY_COLUMNS : dataProtectionColumns[cls] as Record<string, Column>;
}

const KNOWN_USE_KEYS = new Set(['u_OpPrompt', 'u_AuthUI', 'u_NoAuthUI', 'u_AuthCtx', 'u_UserIndependentKeychain', 'u_ItemList']);

/** A dictionary after the daemon's query parser (spec 2.1–2.6). */
interface Parsed {
  cls: PasswordClass;
  attrs: Attributes;
  /** undefined = the implicit `sync = 0` filter (7.1); 'any' = kSecAttrSynchronizableAny. */
  sync: 0 | 1 | 'any' | undefined;
  limit: number;
  returns: Returns;
  data: Buffer | undefined;
  ref: DataProtectionRef | undefined;
  host: string | undefined;
  /** Match keys that reached the daemon with no handler for this call. */
  strayMatchKeys: string[];
  /** kSecUseAuthenticationUI: anything but Fail or Skip counts as Allow (spec 2.4, 10.5). */
  authUI: 'allow' | 'fail' | 'skip';
  /** kSecUseOperationPrompt, shown as the reason of a prompt (spec 10.3). */
  prompt: string;
  /** kSecUseAuthenticationContext: an emulated LAContext (spec 10.4). */
  context: EmulatedContext | undefined;
}

/** Client-side checks that run before anything reaches the daemon (spec 2.7, 2.8, 3.7). */
function clientChecks(dict: Record<string, CFValue>, call: Call): void {
  if (call !== 'copy' && dict.u_AuthUI === 'u_AuthUIS') {
    throw paramFailure('kSecUseAuthenticationUISkip is allowed only in SecItemCopyMatching');
  }
  if ('accc' in dict) {
    const ac = accessControlSpec(dict.accc!);
    if (!ac) throw paramFailure(`${describeKey('accc')} must be a SecAccessControl made by this backend`);
    if ('pdmn' in dict) {
      throw paramFailure('kSecAttrAccessible and kSecAttrAccessControl cannot be given together');
    }
    if (ac.flags !== 0 && dict.sync === true) {
      throw paramFailure('an access control with constraints cannot be synchronizable');
    }
  }
}

function parse(dict: Record<string, CFValue>, call: Call): Parsed {
  let ref: DataProtectionRef | undefined;
  if ('v_PersistentRef' in dict) {
    const v = dict.v_PersistentRef;
    ref = v instanceof Uint8Array ? parseDataProtectionRef(v) : undefined;
    if (!ref) throw paramFailure(`${describeKey('v_PersistentRef')} is not a data protection persistent reference`);
    // Adding with a row-id reference is refused; a UUID one only lends its class (spec 3.3).
    if (call === 'add' && ref.rowid !== undefined) throw paramFailure('a row-id persistent reference cannot be added');
  } else if ('v_Ref' in dict && call !== 'add') {
    const payload = itemRefPayload(dict.v_Ref!);
    if (payload?.kc === 'dp') ref = { cls: payload.cls, uuid: payload.uuid };
  }
  let cls: string;
  if ('class' in dict) {
    const c = dict.class;
    if (typeof c !== 'string' || !(KNOWN_CLASSES as readonly string[]).includes(c)) {
      throw fail('errSecNoSuchClass', `${describeKey('class')} ${describeValue(c)} is not an item class`);
    }
    if (ref && ref.cls !== c) {
      throw fail('errSecNoSuchClass', `kSecClass ${c} contradicts the persistent reference's class ${ref.cls}`);
    }
    cls = c;
  } else if (ref) {
    cls = ref.cls;
  } else {
    throw paramFailure('kSecClass ("class") is required');
  }
  requireEmulatedClass(cls);
  const columns = columnsOf(cls as PasswordClass);

  const parsed: Parsed = {
    cls: cls as PasswordClass, attrs: {}, sync: undefined, limit: 1, returns: noReturns(),
    data: undefined, ref, host: undefined, strayMatchKeys: [], authUI: 'allow', prompt: '', context: undefined,
  };
  for (const [key, value] of Object.entries(dict)) {
    if (key === 'class' || key === 'nleg') continue;
    if (key.length === 4) {
      const column = columns[key];
      if (!column) {
        throw fail('errSecNoSuchAttr', `${describeKey(key)} is not an attribute of class ${cls}`);
      }
      if (key === 'sync' && value === 'syna') {
        if (call === 'copy' || call === 'update' || call === 'delete') parsed.sync = 'any';
        continue; // on add, kSecAttrSynchronizableAny is ignored and yields 0 (spec 7.2)
      }
      const coerced = coerce(column[0], key, value);
      if (key === 'sync') parsed.sync = coerced === 1 ? 1 : 0;
      else parsed.attrs[key] = coerced;
      continue;
    }
    if (key.length < 2) throw paramFailure(`${describeKey(key)} is not a valid dictionary key`);
    switch (key[0]) {
      case 'm':
        if (key === 'm_Limit') parsed.limit = readLimit(value, false);
        else if (key === 'm_HostOrSubdomainOfHost' && call === 'copy') {
          if (cls !== 'inet') throw fail('errSecUnimplemented', 'kSecMatchHostOrSubdomainOfHost applies to internet passwords only');
          if (typeof value !== 'string') throw paramFailure('kSecMatchHostOrSubdomainOfHost must be a string');
          parsed.host = value;
        } else if ((key === 'm_Issuers' || key === 'm_Policy') && call === 'copy') {
          if (cls !== 'cert') throw fail('errSecUnimplemented', `${describeKey(key)} applies to certificates and identities only`);
          throw fail('errSecUnimplemented', `the emulator does not evaluate ${describeKey(key)} yet (docs/emulator-differences.md)`);
        } else if (call !== 'copy') parsed.strayMatchKeys.push(key);
        // other match keys are accepted and ignored by SecItemCopyMatching (spec 2.3, 4.9)
        break;
      case 'r':
        readReturnKey(parsed.returns, key, value, describeKey);
        break;
      case 'u':
        if (!KNOWN_USE_KEYS.has(key)) throw paramFailure(`${describeKey(key)} is not a kSecUse* key the keychain knows`);
        if (key === 'u_ItemList') throw paramFailure('kSecUseItemList is not supported by the data protection keychain');
        if (key === 'u_AuthUI' && (value === 'u_AuthUIF' || value === 'u_AuthUIS')) parsed.authUI = value === 'u_AuthUIF' ? 'fail' : 'skip';
        if (key === 'u_NoAuthUI' && truthy(value)) parsed.authUI = 'fail'; // deprecated spelling of Fail (10.5)
        if (key === 'u_OpPrompt' && typeof value === 'string') parsed.prompt = value;
        if (key === 'u_AuthCtx') {
          const context = value instanceof SecHandle && value.kind === 'LAContext' ? handlePayload<EmulatedContext>(value, 'emulator') : undefined;
          if (!context) throw paramFailure(`${describeKey(key)} must be an LAContext of this emulator`);
          parsed.context = context;
        }
        break;
      case 'v':
        if (key === 'v_Data') {
          if (!(value instanceof Uint8Array)) throw paramFailure(`${describeKey(key)} must be data (a Buffer or Uint8Array), not ${typeof value}`);
          parsed.data = toBuffer(value);
        } else if (key === 'v_Ref') {
          // Keys, certificates and identities arrive expanded (itemValues.ts); passwords cannot (3.8).
          if (call === 'add') throw paramFailure(`${cls === 'genp' || cls === 'inet' ? 'passwords' : `items of class ${cls}`} cannot be added by this kSecValueRef`);
          if (!ref) throw paramFailure(`${describeKey(key)} is not an item of this keychain`);
        } else if (key !== 'v_PersistentRef') {
          throw paramFailure(`${describeKey(key)} is not a kSecValue* key`);
        }
        break;
      case 'f':
        break; // silently ignored (spec 2.1)
      default:
        throw paramFailure(`${describeKey(key)} is not a valid dictionary key`);
    }
  }
  return parsed;
}

/** Canonical primary key: the class's key columns plus agrp, sync, vwht, tkid, musr, ggrp (3.5). */
function primaryKey(cls: PasswordClass, attrs: Attributes): string {
  const parts: string[] = [];
  for (const [col, [, flags]] of Object.entries(columnsOf(cls))) {
    if (!flags.includes('P')) continue;
    const v = attrs[col];
    parts.push(v === undefined ? '-' : matchKey(v, flags.includes('S')));
  }
  return parts.join('|');
}

/** The indexed columns of a data protection item (its canonical primary key and lookup keys). */
export function dataProtectionKeys(cls: string, attrs: Attributes): { pk: string; k1: string | null; k2: string | null } {
  return { pk: primaryKey(cls as PasswordClass, attrs), ...lookupKeys(cls as PasswordClass, attrs) };
}

function rowFor(item: { cls: PasswordClass; uuid: Buffer; attrs: Attributes; data: Buffer | undefined }): ItemRow {
  return {
    kc: 'dp', cls: item.cls, uuid: item.uuid, attrs: item.attrs, data: item.data,
    pk: primaryKey(item.cls, item.attrs), agrp: String(item.attrs.agrp ?? ''),
    ...lookupKeys(item.cls, item.attrs),
  };
}

/** CFAbsoluteTime 0, 2001-01-01: the default of a date in a primary key (keys' sdat and edat). */
const REFERENCE_DATE = 978307200000;

/**
 * Writes `row`, replacing a tombstone that holds its primary key: only a live item makes a
 * duplicate (spec 3.5, 5.7). SecDbItem.c SecDbItemInsert: when the insert collides with an old
 * item that is a tombstone, the new item replaces it.
 */
function replacingTombstone<T>(ctx: DataProtectionContext, row: ItemRow, write: () => T): T {
  try {
    return write();
  } catch (error) {
    if (!(error instanceof DuplicateKeyError)) throw error;
    const old = ctx.store.selectByPrimaryKey('dp', row.cls, row.pk, 'attributes');
    if (old?.attrs.tomb !== 1) throw error;
    ctx.store.delete(old.rowid);
    return write();
  }
}

/** The defaults the daemon fills in on add (spec 3.4; classes.json filledOnAdd). */
function fillDefaults(cls: PasswordClass, attrs: Attributes): void {
  for (const [col, [kind, flags]] of Object.entries(columnsOf(cls))) {
    if (!flags.includes('P') || attrs[col] !== undefined) continue;
    if (flags.includes('E')) attrs[col] = kind === 'Blob' || kind === 'String' ? '' : Buffer.alloc(0);
    else if (flags.includes('Z')) attrs[col] = kind === 'Date' ? new Date(REFERENCE_DATE) : 0;
  }
}

function sha1(data: Buffer): Buffer {
  return createHash('sha1').update(data).digest();
}

// ── results ─────────────────────────────────────────────────────────────────────────────

/** The kSecReturnAttributes dictionary of CopyMatching (spec 14.1, 14.2). */
function copyAttributes(item: StoredItem, withSha1: boolean, withClass: boolean): Record<string, CFResult> {
  const out: Record<string, CFResult> = {};
  if (withClass) out.class = item.cls;
  for (const [k, v] of Object.entries(item.attrs)) out[k] = resultValue(v);
  // The digest of the secret is not stored (it would confirm a guessed secret to anyone with
  // the file): it is computed from the secret when the secret is returned too (spec 14.1).
  if (withSha1 && item.data) out.sha1 = sha1(item.data);
  return out;
}

/** The add result's attribute dictionary: returnable (A-flag) attributes only (spec 3.10). */
function addAttributes(item: StoredItem): Record<string, CFResult> {
  const columns = columnsOf(item.cls as PasswordClass);
  const out: Record<string, CFResult> = {};
  for (const [k, v] of Object.entries(item.attrs)) {
    if (columns[k]?.[1].includes('A')) out[k] = resultValue(v);
  }
  if (item.data && columns.sha1?.[1].includes('A')) out.sha1 = sha1(item.data);
  return out;
}

const NOTHING = Symbol('nothing');

/** One result element (spec 4.4); NOTHING when the item contributes no value. */
function element(item: StoredItem, r: Returns, forAdd: boolean): CFResult | typeof NOTHING {
  const n = returnCount(r);
  if (n === 0) return NOTHING;
  const value = itemValues[item.cls as PasswordClass];
  if (n === 1) {
    if (r.data) return value.data(item, 'dp') ?? NOTHING;
    if (r.persistentRef) return makeDataProtectionRef(item.cls, item.uuid);
    if (r.ref) return value.ref(item, 'dp');
    return forAdd ? addAttributes(item) : copyAttributes(item, false, false);
  }
  const dict = forAdd
    ? (r.attributes ? addAttributes(item) : {})
    : copyAttributes(item, r.data, r.ref);
  const data = r.data ? value.data(item, 'dp') : undefined;
  if (data) dict.v_Data = data;
  if (r.persistentRef) dict.v_PersistentRef = makeDataProtectionRef(item.cls, item.uuid);
  if (r.ref) dict.v_Ref = value.ref(item, 'dp');
  return dict;
}

/** The result container: the limit decides, not the number of matches (spec 4.3). */
function shape(items: StoredItem[], p: Parsed): CFResult | undefined {
  const elements = items.map((i) => element(i, p.returns, false)).filter((e): e is CFResult => e !== NOTHING);
  if (p.limit === 1) return elements[0];
  return elements;
}

// ── matching ────────────────────────────────────────────────────────────────────────────

function candidates(ctx: DataProtectionContext, p: Parsed, visible: readonly string[], need: Need = 'write'): StoredItem[] {
  let items: StoredItem[];
  if (p.cls === 'idnt') {
    // 15.1: private keys joined with certificates; both must be visible to the caller.
    const ref = p.ref?.uuid ? ctx.store.selectByUuid(p.ref.uuid) : undefined;
    const joined = need === 'attributes' ? 'secret' : need; // an identity is named by its certificate's UUID
    const certs = p.ref ? (ref && ref.kc === 'dp' && ref.cls === 'cert' && p.ref.rowid === undefined ? [ref] : []) : ctx.store.select('dp', 'cert', null, null, joined);
    const keys = ctx.store.select('dp', 'keys', null, null, joined).filter((key) => visible.includes(String(key.attrs.agrp)));
    items = identityItems(certs, keys, 'dp');
  } else if (p.ref) {
    const item = p.ref.uuid ? ctx.store.selectByUuid(p.ref.uuid) : undefined;
    items = item && item.kc === 'dp' && item.cls === p.cls ? [item] : [];
    if (p.ref.rowid !== undefined) items = [];
  } else {
    const { k1, k2 } = lookupKeys(p.cls, p.attrs);
    items = ctx.store.select('dp', p.cls, k1, k2, need);
  }
  const columns = items[0] ? columnsOf(items[0].cls as PasswordClass) : undefined;
  return items.filter((item) => {
    if (!visible.includes(String(item.attrs.agrp))) return false; // spec 8.5
    // Tombstones are left out unless the query asks for them (spec 4.12); one that asks
    // (kSecAttrTombstone) is compared like any other attribute below.
    if (item.attrs.tomb === 1 && p.attrs.tomb === undefined) return false;
    if (!p.ref) {
      const sync = item.attrs.sync === 1 ? 1 : 0;
      if (p.sync === undefined ? sync !== 0 : p.sync !== 'any' && sync !== p.sync) return false; // spec 7.1
    } else if (p.sync !== undefined && p.sync !== 'any' && (item.attrs.sync === 1 ? 1 : 0) !== p.sync) {
      return false;
    }
    for (const [k, v] of Object.entries(p.attrs)) {
      if (k === 'accc') continue; // an access control filters nothing in a search (spec 2.7)
      if (k === 'sha1') {
        // The digest of the secret, computed: it is not stored (copyAttributes).
        if (!item.data || !Buffer.isBuffer(v) || !sha1(item.data).equals(v)) return false;
        continue;
      }
      if (!attributeMatches(item.attrs, k, v, columns?.[k]?.[1].includes('S') ?? false)) return false;
    }
    if (p.host !== undefined) {
      const server = String(item.attrs.srvr ?? '');
      if (server !== p.host && !server.endsWith(`.${p.host}`)) return false; // spec 4.9
    }
    return true;
  });
}

/**
 * Reading an item's secret (data or a reference) or updating it decrypts it, so an access
 * control with constraints asks the user first (spec 10.1–10.5, 5.9). Returns false when
 * kSecUseAuthenticationUISkip says to leave the item out.
 */
function mayDecrypt(ctx: DataProtectionContext, item: StoredItem, p: Parsed): boolean {
  const ac = item.attrs.accc as AccessControlSpec | undefined;
  if (!readNeedsAuthentication(ac)) return true;
  // A context that already authenticated answers without a prompt (spec 10.4).
  if (p.context?.authenticated && !p.context.invalidated) return true;
  if (p.authUI === 'skip') return false;
  if (p.authUI === 'fail') {
    throw fail('errSecInteractionNotAllowed', 'the item needs authentication and kSecUseAuthenticationUIFail forbids the prompt');
  }
  // Without a context each call gets a fresh one, so each call prompts (spec 10.4).
  authenticate(ac!, p.prompt || p.context?.localizedReason || '', ctx.user, ctx.passcodeSet, ctx.prompts, p.context);
  return true;
}

function notFound(): Failure {
  return fail('errSecItemNotFound', 'no item matched the query');
}

// ── the four calls ──────────────────────────────────────────────────────────────────────

export function dataProtectionAdd(ctx: DataProtectionContext, given: Record<string, CFValue>): CFResult | undefined {
  const { dict } = expandValueRef(given, 'dp', 'add'); // SecItem.m SecItemAttributesPrepare
  clientChecks(dict, 'add');
  requireEntitlement(ctx.groups.writable); // spec 8.4, before the query is parsed
  const p = parse(dict, 'add');
  if (p.cls === 'idnt') throw paramFailure('an identity is added by reference: a SecIdentity in kSecValueRef (spec 15.2)');
  if (p.strayMatchKeys.length > 0) {
    // A match key that reaches the daemon makes the add report success without inserting
    // anything (spec 3.2; on macOS only keys the bridge does not strip get here).
    return undefined;
  }
  const attrs: Attributes = { ...p.attrs };
  const agrp = attrs.agrp;
  if (agrp !== undefined) requireGroup(String(agrp), ctx.groups.writable);
  else attrs.agrp = ctx.groups.writable[0]!; // spec 8.2
  let protection: string;
  const ac = attrs.accc as AccessControlSpec | undefined;
  if (ac) protection = ac.protection;
  else {
    const pdmn = attrs.pdmn;
    if (pdmn !== undefined && !isAccessibility(pdmn)) {
      throw paramFailure(`${describeKey('pdmn')} ${JSON.stringify(pdmn)} is not an accessibility value`);
    }
    protection = (pdmn as string | undefined) ?? classFacts[p.cls].defaultAccessible; // spec 3.4, 9.1
  }
  if (protection === 'akpu' && !ctx.passcodeSet) {
    throw fail('errSecAuthFailed', 'a WhenPasscodeSetThisDeviceOnly item needs a device passcode');
  }
  if (!classKeyAvailable(protection, ctx.lockState)) throw lockedError(protection); // spec 9.2
  const now = ctx.now();
  attrs.pdmn = protection;
  attrs.accc = ac ?? { protection, flags: 0 };
  attrs.cdat = now;
  attrs.mdat = now;
  attrs.sync = p.sync === 1 ? 1 : 0;
  attrs.tomb = 0;
  attrs.musr = Buffer.alloc(0);
  fillDefaults(p.cls, attrs);
  delete attrs.sha1; // derived from the secret, never stored (copyAttributes)
  const uuid = randomBytes(16);
  const row = rowFor({ cls: p.cls, uuid, attrs, data: p.data });
  let rowid: number;
  try {
    rowid = replacingTombstone(ctx, row, () => ctx.store.insert(row));
  } catch (error) {
    if (error instanceof DuplicateKeyError) throw fail('errSecDuplicateItem', 'an item with the same primary key exists in the data protection keychain');
    throw error;
  }
  // The secret is the caller's own bytes (parse takes a view): a result gets a copy.
  const data = p.returns.data && p.data ? Buffer.from(p.data) : p.data;
  const stored: StoredItem = { rowid, kc: 'dp', cls: p.cls, uuid, attrs, data };
  const result = element(stored, p.returns, true);
  return result === NOTHING ? undefined : result;
}

export function dataProtectionCopyMatching(ctx: DataProtectionContext, given: Record<string, CFValue>): CFResult | undefined {
  const { dict } = expandValueRef(given, 'dp', 'copy');
  clientChecks(dict, 'copy');
  requireEntitlement(ctx.groups.readable);
  const p = parse(dict, 'copy');
  if (p.ref && Object.keys(p.attrs).length > 0) {
    throw paramFailure('a persistent reference cannot be combined with attributes in SecItemCopyMatching');
  }
  if (p.attrs.agrp !== undefined) requireGroup(String(p.attrs.agrp), ctx.groups.readable);
  const found: StoredItem[] = [];
  if (p.limit > 0) {
    for (const item of candidates(ctx, p, ctx.groups.readable, p.attrs.sha1 !== undefined ? 'secret' : needFor(p.returns))) {
      // The first match that cannot be decrypted ends the whole call (spec 9.2, 9.3).
      if (!classKeyAvailable(String(item.attrs.pdmn), ctx.lockState)) throw lockedError(String(item.attrs.pdmn));
      // Attribute-only results never prompt (spec 10.2); nor does a key's reference, whose
      // access control asks when the key is used (keyItems.ts).
      if ((p.returns.data || (p.returns.ref && p.cls !== 'keys' && p.cls !== 'idnt')) && !mayDecrypt(ctx, item, p)) continue;
      found.push(item);
      if (found.length >= p.limit) break;
    }
  }
  if (found.length === 0) throw notFound(); // spec 4.6
  return shape(found, p);
}

/** The attributes-to-update dictionary (spec 5.4, 5.5). */
function parseUpdate(ctx: DataProtectionContext, cls: PasswordClass, dict: Record<string, CFValue>): { attrs: Attributes; data: Buffer | undefined } {
  const columns = columnsOf(cls);
  const attrs: Attributes = {};
  let data: Buffer | undefined;
  for (const [key, value] of Object.entries(dict)) {
    if (key === 'v_Data') {
      if (!(value instanceof Uint8Array)) throw paramFailure(`${describeKey(key)} must be data (a Buffer or Uint8Array), not ${typeof value}`);
      data = toBuffer(value);
      continue;
    }
    if (key === 'nleg' || key === 'musr') continue; // ignored (spec 5.4)
    if (key === 'ggrp') throw paramFailure('kSecAttrSharingGroup cannot be changed by SecItemUpdate');
    const column = key.length === 4 ? columns[key] : undefined;
    if (!column) throw fail('errSecNoSuchAttr', `${describeKey(key)} is not an attribute of class ${cls} and cannot be updated`);
    if (key === 'sync' && value === 'syna') throw paramFailure('kSecAttrSynchronizableAny is not a value an item can have');
    attrs[key] = coerce(column[0], key, value);
  }
  if (attrs.agrp !== undefined) requireGroup(String(attrs.agrp), ctx.groups.writable); // spec 5.5
  if (attrs.pdmn !== undefined && !isAccessibility(attrs.pdmn)) {
    throw paramFailure(`${describeKey('pdmn')} ${JSON.stringify(attrs.pdmn)} is not an accessibility value`);
  }
  return { attrs, data };
}

/** The query of an update or a delete, after the daemon's checks (spec 5.2, 6.3, 8.4, 12.2). */
function writeQuery(ctx: DataProtectionContext, given: Record<string, CFValue>, call: 'update' | 'delete'): Parsed {
  requireEntitlement(ctx.groups.writable);
  const p = parse(expandValueRef(given, 'dp', call).dict, call);
  if (p.strayMatchKeys.length > 0) {
    throw paramFailure(`${p.strayMatchKeys.map(describeKey).join(', ')} cannot be used in ${call === 'update' ? 'SecItemUpdate' : 'SecItemDelete'}`);
  }
  if (p.ref?.rowid !== undefined && Object.keys(p.attrs).length > 0) {
    throw paramFailure('a row-id persistent reference cannot be combined with attributes');
  }
  if (p.attrs.agrp !== undefined) requireGroup(String(p.attrs.agrp), ctx.groups.writable);
  return p;
}

export function dataProtectionUpdate(ctx: DataProtectionContext, query: Record<string, CFValue>, changes: Record<string, CFValue>): void {
  clientChecks(query, 'update');
  clientChecks(changes, 'update');
  const p = writeQuery(ctx, query, 'update');
  const cls = p.cls;
  // The attributes to update are parsed before anything is searched (spec 5.4).
  const update = parseUpdate(ctx, cls, changes);
  const matched = candidates(ctx, p, ctx.groups.writable);
  if (matched.length === 0) throw notFound(); // spec 5.8
  const now = ctx.now();
  // One transaction for every matched item: a collision on any of them rolls back all (5.7).
  for (const item of matched) {
    const pdmn = String(item.attrs.pdmn);
    if (!classKeyAvailable(pdmn, ctx.lockState)) throw lockedError(pdmn); // spec 9.2
    mayDecrypt(ctx, item, p); // the whole item is copied, secret included (spec 5.9)
    const attrs: Attributes = { ...item.attrs, ...update.attrs };
    if (update.attrs.pdmn !== undefined && update.attrs.accc === undefined) {
      const old = item.attrs.accc as AccessControlSpec | undefined;
      attrs.accc = { protection: String(update.attrs.pdmn), flags: old?.flags ?? 0 }; // re-protect (5.6)
    } else if (update.attrs.accc !== undefined) {
      attrs.pdmn = (update.attrs.accc as AccessControlSpec).protection;
    }
    attrs.cdat = item.attrs.cdat!;
    attrs.mdat = laterThan(item.attrs.mdat, now); // spec 5.6
    delete attrs.sha1; // derived from the secret, never stored (copyAttributes)
    const row = rowFor({ cls, uuid: item.uuid, attrs, data: update.data });
    try {
      replacingTombstone(ctx, row, () => ctx.store.update(item, row, update.data === undefined));
    } catch (error) {
      if (error instanceof DuplicateKeyError) throw fail('errSecDuplicateItem', 'the update would give an item the primary key of another item; nothing was changed');
      throw error;
    }
  }
}

export function dataProtectionDelete(ctx: DataProtectionContext, query: Record<string, CFValue>): void {
  clientChecks(query, 'delete');
  const p = writeQuery(ctx, query, 'delete');
  const matched = candidates(ctx, p, ctx.groups.writable);
  if (matched.length === 0) throw notFound(); // spec 6.4
  for (const item of matched) {
    // Deleting a non-synchronizable item does not decrypt it (spec 9.4); a synchronizable one
    // leaves a tombstone, which needs the item's class key.
    if (item.attrs.sync === 1 && !classKeyAvailable(String(item.attrs.pdmn), ctx.lockState)) {
      throw lockedError(String(item.attrs.pdmn));
    }
    ctx.store.delete(item.rowid); // every match, whatever the limit (spec 6.1, 6.3)
  }
}


/** The items an update or delete query reaches, as the bridge copies them (spec 1.5). */
export function dataProtectionMatches(ctx: DataProtectionContext, query: Record<string, CFValue>): MovableItem[] {
  const p = writeQuery(ctx, query, 'update');
  return candidates(ctx, p, ctx.groups.writable).map((item) => {
    const attributes: Record<string, CFValue> = {};
    for (const [k, v] of Object.entries(item.attrs)) {
      if (typeof v === 'string' || typeof v === 'number' || Buffer.isBuffer(v)) attributes[k] = v;
    }
    return { cls: item.cls, attributes, data: item.data, ref: makeDataProtectionRef(item.cls, item.uuid) };
  });
}

/** The data protection keychain as one side of the bridge (side.ts). */
export function dataProtectionSide(ctx: DataProtectionContext): KeychainSide {
  return {
    kind: 'dp',
    reachable: () => ctx.groups.writable.length > 0,
    add: (d) => dataProtectionAdd(ctx, translateForDataProtection(d, 'add')),
    copy: (q) => dataProtectionCopyMatching(ctx, translateForDataProtection(q, 'copy')),
    // One savepoint per call: a collision or a locked item on any match undoes the others (5.7).
    update: (q, changes) => ctx.store.savepoint(() => dataProtectionUpdate(ctx, translateForDataProtection(q, 'update'), changes)),
    delete: (q) => ctx.store.savepoint(() => dataProtectionDelete(ctx, translateForDataProtection(q, 'delete'))),
    matches: (q) => dataProtectionMatches(ctx, translateForDataProtection(q, 'update')),
    primaryKeyOf: (cls) => Object.entries(columnsOf(cls as PasswordClass)).filter(([, [, flags]]) => flags.includes('P')).map(([k]) => k),
  };
}
