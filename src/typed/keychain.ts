import { types } from 'node:util';
import * as c from '../constants.js';
import { readOptions, readRecord, requireSignal } from '../arguments.js';
import { requireBackend, unbound, type BoundCalls } from '../api/bind.js';
import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../api/select.js';
import { callBehaviour } from '../api/behaviour.js';
import { requireInteractive } from '../api/interaction.js';
import { requireTimeout } from '../api/timeout.js';
import { paramError, SecError, Status } from '../errors.js';
import { checkDictionary, describeValue, isBytes, proxyError, readCallerValue, viewBytes, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { decodeItem, encodeAttributes, encodeItem, encodeRef, nonKeyAttributes, primaryKeyQuery, readDescription, schemaOf } from './codec.js';
import { PASSWORD_CLASSES, schemas, type ClassSchema } from './schema.js';
import type {
  AnyItemQuery, AnyPasswordQuery, CallOptions, ClassItems, FindOptions, ItemChanges, ItemClassName, ItemOf,
  ItemSpec, KeychainKind, PasswordClassName, RefClassName,
} from './types.js';

/** A secret: bytes, or a string stored as its UTF-8 bytes. */
export type Secret = Uint8Array | string;

export interface KeychainOptions {
  /** The backend to use, or a function returning it; default `keychain()` (the process default). */
  backend?: Backend | (() => Backend);
  /** The keychain for descriptions that do not name one; default Apple's routing. */
  // spec/semantics.md 1.2
  keychain?: KeychainKind;
  /**
   * false: no call may prompt; a read that needs a person fails at once with
   * errSecInteractionNotAllowed (docs/ci-and-ssh.md). Default: as the backend is.
   */
  interactive?: boolean;
  /** Milliseconds after which a call rejects with errSecInteractionRequired (SecTimeoutError); default none. */
  timeout?: number;
}

type Dict = Record<string, CFValue>;

/**
 * A limit large enough to mean "all". FB rejects kSecReturnData with kSecMatchLimitAll for
 * passwords but accepts any numeric limit (spec/semantics.md 4.7), so a search that needs the
 * secrets of several items uses this number instead of kSecMatchLimitAll.
 */
const NUMERIC_ALL = 0x7fffffff;

function secret(value: unknown, what: string): Uint8Array {
  if (typeof value === 'string') return Buffer.from(value, 'utf8');
  if (isBytes(value)) return viewBytes(value);
  throw paramError(`${what} must be a string or a Uint8Array, not ${describeValue(value)}`);
}

function isStatus(error: unknown, status: number): boolean {
  return error instanceof SecError && error.status === status;
}

/** The options every method takes (CallOptions), and the ones only some take. */
const CALL_OPTIONS = ['signal', 'prompt', 'raw'] as const;
type MethodOption = 'encoding' | 'data' | 'limit' | 'keychain';

/** A method's options, read once (arguments.ts readOptions) and checked. */
interface ReadOptions {
  /** kSecUseOperationPrompt and the raw escape hatch, merged (a raw key wins); undefined when neither was given. */
  readonly use: CFDictionary | undefined;
  readonly signal: AbortSignal | undefined;
  readonly more: { readonly [P in MethodOption]?: unknown };
}

/**
 * Reads a method's options: the common ones and `more`. A signal already aborted rejects
 * with its reason here, before anything else is looked at.
 */
const NO_OPTIONS: ReadOptions = { use: undefined, signal: undefined, more: {} };

function readCallOptions(options: unknown, more: readonly MethodOption[] = []): ReadOptions {
  if (options === undefined) return NO_OPTIONS;
  const o = readOptions(options, 'options', more.length === 0 ? CALL_OPTIONS : [...CALL_OPTIONS, ...more]);
  const signal = requireSignal(o.signal, 'options.signal');
  signal?.throwIfAborted();
  const { prompt, raw } = o;
  if (prompt !== undefined && typeof prompt !== 'string') throw paramError(`options.prompt must be a string, not ${describeValue(prompt)}`);
  let use: Dict | undefined = prompt === undefined ? undefined : { [c.kSecUseOperationPrompt]: prompt };
  if (raw !== undefined) {
    if (raw !== null && typeof raw === 'object' && types.isProxy(raw)) throw proxyError('options.raw');
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw paramError('options.raw must be a dictionary of Apple keys');
    use = { ...use, ...checkDictionary(raw, 'options.raw') };
  }
  return { use, signal, more: o };
}

function checkKeychain(value: unknown, what: string): KeychainKind | undefined {
  if (value !== undefined && value !== 'file' && value !== 'dataProtection') {
    throw paramError(`${what} must be "file" or "dataProtection", not ${describeValue(value)}`);
  }
  return value;
}

function checkLimit(value: unknown): number | 'all' {
  if (value === undefined || value === 'all') return 'all';
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw paramError(`options.limit must be a positive integer or "all", not ${describeValue(value)}`);
  }
  return value;
}

function checkFlag(value: unknown, what: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw paramError(`${what} must be a boolean, not ${describeValue(value)}`);
  return value === true;
}

/**
 * The backend a `backend` option function returns, checked on each call. A SecError it throws
 * (keychain() off macOS with SECURITY_FRAMEWORK_BACKEND=native, say) is the answer; anything
 * else it throws is errSecParam naming it.
 */
function resolved(get: () => Backend): Backend {
  let backend: unknown;
  try {
    backend = get();
  } catch (error) {
    if (error instanceof SecError) throw error;
    throw new SecError(Status.errSecParam, 'options.backend() threw instead of returning a backend (see the cause)', { cause: error });
  }
  return requireBackend(backend, 'options.backend()');
}

type SecItemCalls = Pick<BoundCalls, 'SecItemAdd' | 'SecItemCopyMatching' | 'SecItemUpdate' | 'SecItemDelete'>;

/**
 * The backend's SecItem calls for the dictionaries this layer builds. Each value in them was
 * checked once already — the typed attributes when they were encoded (codec.ts), the raw
 * escape hatch by rawOption — so they go to the backend without a second check. Backends
 * reject only with SecError (backend.ts); the methods below are async, so even a backend
 * that throws synchronously gives a rejection.
 */
function secItemCalls(backend: () => Backend): SecItemCalls {
  const b = () => unbound(backend());
  return {
    SecItemAdd: (attributes) => b().SecItemAdd(attributes),
    SecItemCopyMatching: (query) => b().SecItemCopyMatching(query),
    SecItemUpdate: (query, attributesToUpdate) => b().SecItemUpdate(query, attributesToUpdate),
    SecItemDelete: (query) => b().SecItemDelete(query),
  };
}

/** Attribute keys are Apple's four-character names (spec/semantics.md 2.1); anything else is a search/return/use/value key. */
function isAttributeKey(key: string): boolean {
  return key.length === 4 && key !== c.kSecUseDataProtectionKeychain;
}

/**
 * The keychain as typed items: one object over any backend (native or emulator). Each method
 * builds Apple's dictionaries from the class's table, so what you pass cannot be misspelled,
 * and maps Apple's "nothing there" statuses to plain values (null, false, []).
 *
 * Every method returns a Promise and rejects with a SecError, or with the signal's reason
 * when `options.signal` is aborted before the keychain is called.
 */
export class Keychain {
  readonly #backend: () => Backend;
  readonly #calls: SecItemCalls;
  readonly #keychain: KeychainKind | undefined;

  constructor(options?: KeychainOptions) {
    const { backend: b, keychain, interactive, timeout } = readOptions(options, 'options', ['backend', 'keychain', 'interactive', 'timeout']);
    const adjust = callBehaviour(requireInteractive(interactive, 'options.interactive'), requireTimeout(timeout, 'options.timeout'));
    if (typeof b === 'function') {
      const get = b as () => Backend;
      this.#backend = () => adjust(resolved(get));
    } else if (b !== undefined) {
      const given = adjust(requireBackend(b, 'options.backend'));
      this.#backend = () => given;
    } else {
      this.#backend = () => adjust(defaultBackend());
    }
    this.#calls = secItemCalls(this.#backend);
    this.#keychain = checkKeychain(keychain, 'options.keychain');
  }

  /** The backend calls go to. */
  get backend(): Backend {
    return this.#backend();
  }

  /**
   * Stores `item` with the secret: adds it, or, when an item with the same primary key exists
   * (errSecDuplicateItem), updates that item's secret and attributes in place. The item is
   * never deleted and re-added, so no reader sees it missing. The update names the item by
   * its primary key in the keychain the add went to; in the data protection keychain give
   * `accessGroup` when the app has several groups, or same-key items of its other groups are
   * updated too (a search sees every group of the app).
   */
  // spec/semantics.md 8.5
  async set<C extends PasswordClassName>(item: ItemSpec<C>, value: Secret, options?: CallOptions): Promise<void> {
    const { use: raw, signal } = readCallOptions(options);
    const given = readDescription(item, 'item');
    const schema = passwordSchema(given, 'item', 'set');
    const attributes = encodeItem(given, 'add', 'item', this.#keychain);
    attributes[c.kSecValueData] = secret(value, 'value');
    try {
      await this.#calls.SecItemAdd(raw === undefined ? attributes : { ...attributes, ...raw });
      return;
    } catch (error) {
      if (!isStatus(error, Status.errSecDuplicateItem)) throw error;
    }
    signal?.throwIfAborted();
    const query = primaryKeyQuery(schema, attributes);
    const changes = nonKeyAttributes(schema, attributes);
    for (const [k, v] of Object.entries(raw ?? {})) {
      if (isAttributeKey(k)) changes[k] = v;
      else query[k] = v;
    }
    await this.#calls.SecItemUpdate(query, changes);
  }

  /**
   * Adds a new item; errSecDuplicateItem if one with the same primary key exists. A password
   * item takes its secret; a key, certificate or identity item is its `ref` (kSecValueRef), and
   * the keychain derives its attributes from the object (an identity adds its certificate and
   * private key).
   */
  // spec/semantics.md 15.2
  add<C extends PasswordClassName>(item: ItemSpec<C>, value: Secret, options?: CallOptions): Promise<void>;
  add<C extends RefClassName>(item: ItemSpec<C>, options?: CallOptions): Promise<void>;
  async add(item: unknown, valueOrOptions?: unknown, options?: CallOptions): Promise<void> {
    const given = readDescription(item, 'item');
    const schema = schemaOf(given, 'item');
    if (schema.byRef !== undefined) {
      const { use } = readCallOptions(valueOrOptions);
      const attributes = { ...encodeItem(given, 'add', 'item', this.#keychain), ...encodeRef(schema, given, 'item') };
      await this.#calls.SecItemAdd({ ...attributes, ...use });
      return;
    }
    const { use } = readCallOptions(options);
    const attributes = { ...encodeItem(given, 'add', 'item', this.#keychain), [c.kSecValueData]: secret(valueOrOptions, 'value') };
    await this.#calls.SecItemAdd({ ...attributes, ...use });
  }

  /** The secret of the first item the query matches, or null when none does. */
  get(query: AnyPasswordQuery, options: CallOptions & { encoding: 'utf8' }): Promise<string | null>;
  get(query: AnyPasswordQuery, options?: CallOptions): Promise<Buffer | null>;
  async get(query: AnyPasswordQuery, options?: CallOptions & { encoding?: 'utf8' }): Promise<Buffer | string | null> {
    const { use, more: { encoding } } = readCallOptions(options, ['encoding']);
    if (encoding !== undefined && encoding !== 'utf8') throw paramError(`options.encoding must be "utf8" or absent, not ${describeValue(encoding)}`);
    const given = readDescription(query, 'query');
    passwordSchema(given, 'query', 'get');
    const dict = encodeItem(given, 'query', 'query', this.#keychain);
    dict[c.kSecReturnData] = true;
    dict[c.kSecMatchLimit] = c.kSecMatchLimitOne;
    if (use !== undefined) Object.assign(dict, use);
    let result: CFResult | undefined;
    try {
      result = await this.#calls.SecItemCopyMatching(dict);
    } catch (error) {
      if (isStatus(error, Status.errSecItemNotFound)) return null;
      throw error;
    }
    // An item stored without a secret has no data (spec/semantics.md 4.4): an empty secret.
    const bytes = Buffer.isBuffer(result) ? result : Buffer.alloc(0);
    return encoding === 'utf8' ? bytes.toString('utf8') : bytes;
  }

  /** The first item the query matches, with its attributes and (if `data`) its secret, or null. */
  async getItem<Q extends AnyItemQuery>(query: Q, options?: CallOptions & { data?: boolean }): Promise<ItemOf<Q> | null> {
    // Read once here; find checks each value.
    const items = await this.find(query, { ...readOptions(options, 'options', [...CALL_OPTIONS, 'data']), limit: 1 } as FindOptions);
    return items[0] ?? null;
  }

  /**
   * Changes every item the query matches: attributes in `changes`, and the secret if `value`
   * is given. Resolves true if something matched, false if nothing did.
   */
  async update<Q extends AnyItemQuery>(query: Q, changes: ItemChanges<Q['class']> & { value?: Secret }, options?: CallOptions): Promise<boolean> {
    const { use } = readCallOptions(options);
    const given = readDescription(query, 'query');
    const schema = schemaOf(given, 'query');
    const { value, ...attributes } = readRecord(changes, 'changes', 'an object');
    if ('class' in attributes || 'keychain' in attributes) throw paramError('changes cannot move an item to another class or keychain');
    if (schema.byRef !== undefined && (value !== undefined || 'ref' in attributes)) throw paramError(`changes of a ${schema.name} item cannot replace its object; delete it and add the new one`);
    const toUpdate: Dict = encodeAttributes(schema, attributes, 'update', 'changes');
    if (value !== undefined) toUpdate[c.kSecValueData] = secret(value, 'changes.value');
    const dict: Dict = {
      ...encodeItem(given, 'query', 'query', this.#keychain),
      // The file-based keychain updates only the first match unless told otherwise (5.3).
      [c.kSecMatchLimit]: c.kSecMatchLimitAll,
      ...use,
    };
    try {
      await this.#calls.SecItemUpdate(dict, toUpdate);
      return true;
    } catch (error) {
      if (isStatus(error, Status.errSecItemNotFound)) return false;
      throw error;
    }
  }

  /** Deletes every item the query matches. Resolves true if something was deleted, false if nothing matched. */
  async delete(query: AnyItemQuery, options?: CallOptions): Promise<boolean> {
    const { use } = readCallOptions(options);
    const dict: Dict = {
      ...encodeItem(query, 'query', 'query', this.#keychain),
      // The file-based keychain deletes only the first match unless told otherwise (6.2).
      [c.kSecMatchLimit]: c.kSecMatchLimitAll,
      ...use,
    };
    try {
      await this.#calls.SecItemDelete(dict);
      return true;
    } catch (error) {
      if (isStatus(error, Status.errSecItemNotFound)) return false;
      throw error;
    }
  }

  /** The items the query matches (attributes, and secrets if `data`), in the keychain's order; [] when none. */
  async find<Q extends AnyItemQuery>(query: Q, options?: FindOptions): Promise<ItemOf<Q>[]> {
    const { use, more } = readCallOptions(options, ['limit', 'data']);
    const given = readDescription(query, 'query');
    const schema = schemaOf(given, 'query');
    const limit = checkLimit(more.limit);
    const withData = checkFlag(more.data, 'options.data');
    if (withData && schema.byRef !== undefined) throw paramError(`options.data is for password items; a ${schema.name} item has its ref`);
    const dict: Dict = {
      ...encodeItem(given, 'query', 'query', this.#keychain),
      [c.kSecReturnAttributes]: true,
      ...(withData ? { [c.kSecReturnData]: true } : {}),
      // A key, certificate or identity comes with its object, for the raw calls.
      ...(schema.byRef !== undefined ? { [c.kSecReturnRef]: true } : {}),
      // Limit one would give a bare dictionary; a numeric limit ≥ 2 or "all" gives an array
      // (4.3). Ask for one more than wanted when the limit is 1 and trim, so the shape is
      // always an array.
      [c.kSecMatchLimit]: limit === 'all' ? (withData ? NUMERIC_ALL : c.kSecMatchLimitAll) : Math.max(limit, 2),
      ...use,
    };
    let result: CFResult | undefined;
    try {
      result = await this.#calls.SecItemCopyMatching(dict);
    } catch (error) {
      if (isStatus(error, Status.errSecItemNotFound)) return [];
      throw error;
    }
    const list = Array.isArray(result) ? result : result === undefined ? [] : [result];
    const items = list.filter(isDictionary).map((d) => decodeItem(schema, d) as ItemOf<Q>);
    return limit === 'all' ? items : items.slice(0, limit);
  }

  /** Every item of the given classes (default: the password classes), attributes only unless `data`. */
  async list<C extends ItemClassName = PasswordClassName>(classes: C | readonly C[] = PASSWORD_CLASSES as readonly C[], options?: FindOptions & { keychain?: KeychainKind }): Promise<ClassItems[C][]> {
    const names = classNames(classes);
    // Read once; checked here, before the first search, as find checks them.
    const { keychain: given, ...findOptions } = readOptions(options, 'options', [...CALL_OPTIONS, 'limit', 'data', 'keychain']);
    const { more } = readCallOptions(findOptions, ['limit', 'data']);
    checkLimit(more.limit);
    checkFlag(more.data, 'options.data');
    const keychain = checkKeychain(given, 'options.keychain');
    const out: ClassItems[C][] = [];
    for (const name of names) {
      const query = { class: name, ...(keychain ? { keychain } : {}), synchronizable: 'any' } as AnyItemQuery;
      out.push(...await this.find(query, findOptions as FindOptions) as ClassItems[C][]); // find checks each value
    }
    return out;
  }
}

/** The schema of a password description; errSecParam saying what to use instead for another class. */
function passwordSchema(given: { readonly class?: unknown }, what: string, method: string): ClassSchema {
  const schema = schemaOf(given, what);
  if (schema.byRef !== undefined) {
    throw paramError(`${method} works with password items; a ${schema.name} item has no secret of yours: use add({ class: '${schema.name}', ref }) and find`);
  }
  return schema;
}

/** `list`'s classes: a class name or an array of them, each known; errSecParam naming `classes` otherwise. */
function classNames(classes: unknown): ItemClassName[] {
  const known = (name: unknown, what: string): ItemClassName => {
    const schema: ClassSchema | undefined = typeof name === 'string' && Object.hasOwn(schemas, name) ? schemas[name as ItemClassName] : undefined;
    if (schema === undefined) throw paramError(`${what} must be one of ${Object.keys(schemas).map((n) => JSON.stringify(n)).join(', ')}, not ${describeValue(name)}`);
    return schema.name;
  };
  if (typeof classes === 'string') return [known(classes, 'classes')];
  if (classes !== null && typeof classes === 'object' && types.isProxy(classes)) throw proxyError('classes');
  if (!Array.isArray(classes)) throw paramError(`classes must be an item class name or an array of them, not ${describeValue(classes)}`);
  const list = classes as readonly unknown[];
  const out: ItemClassName[] = [];
  for (let i = 0; i < list.length; i++) out.push(known(readCallerValue(`classes[${i}]`, () => list[i]), `classes[${i}]`));
  return out;
}

function isDictionary(value: CFResult): value is { [key: string]: CFResult } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value) && !(value instanceof Date) && Object.getPrototypeOf(value) === Object.prototype;
}
