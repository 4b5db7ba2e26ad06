/**
 * The fuzz part's calls: every public call of an emulator — the raw SecItem, SecKey and
 * SecAccessControl calls, LAContext, the typed Keychain and the keytar facade — as fast-check
 * arbitraries of steps, and how to make each call. A step's `mode` says how it may fail:
 * 'async' calls return a Promise and reject (a synchronous throw is a violation: DESIGN.md,
 * "never a synchronous throw"); 'sync' ones (constructors, setters, controls) throw; keytar's
 * functions throw keytar's own argument errors synchronously (a missing or non-string
 * argument), as keytar did, and otherwise reject.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import {
  createEmulator, Keychain, LAContext, openBackend, SecCopyErrorMessageString, SecError, SecHandle, SecItemAdd, SecItemCopyMatching,
  SecItemDelete, SecItemUpdate, setDefaultBackend, type Emulator,
} from '../../../src/index.js';
import { createKeytar, type KeytarApi } from '../../../src/typed/keytar.js';
import {
  anyAlgorithm, anyChanges, anyData, anyDictionary, anyQuery, coherentKeyCalls, ItemQuery, anyScalar, anyString, anyValue, callOptions, exchangeParameters, flags, importAttributes, keyOrAnything, keyParameters,
  keytarArgument, policy, protection, reason, Ref, secretValue, typedItem,
} from './arbitraries.js';

/** Stands for the sequence's emulator in a generated argument. */
export const BACKEND = Symbol('the emulator under test');

/** Stands for a function returning `value` (resolved): a Keychain's `backend` may be one. */
export class ReturnsFn {
  constructor(readonly value: unknown) {}
}

/**
 * Objects that look like a backend to a quick check but are not one: a caller's half-done
 * Backend implementation, or the wrong object passed by mistake.
 */
const PARTIAL_BACKENDS: (() => unknown)[] = [
  () => ({ SecItemAdd: async () => undefined }),
  () => ({ laContextCreate: () => ({}) }),
  () => ({ name: 'partial', SecItemAdd: async () => undefined, SecItemCopyMatching: async () => undefined, laContextCreate: () => ({}) }),
];

export type Mode = 'async' | 'sync' | 'keytar';

export interface Step {
  call: string;
  args: unknown[];
}

/** What a sequence has made so far, for later steps to use. */
export interface Pools {
  key: SecHandle[];
  ecPrivate: SecHandle[];
  ecPublic: SecHandle[];
  rsaPrivate: SecHandle[];
  rsaPublic: SecHandle[];
  accessControl: SecHandle[];
  context: LAContext[];
  /** Bytes calls returned (signatures, ciphertexts, exported keys, persistent references), newest first. */
  result: Buffer[];
  /** The identifying attributes of items added so far. */
  item: Record<string, unknown>[];
  keychain: Keychain[];
}

export interface RunContext {
  emulator: Emulator;
  keytar: KeytarApi;
  pools: Pools;
  /** Where createEmulator steps may put their files. */
  dir: string;
}

interface CallDef {
  mode: Mode;
  /** A documented failure that is not a SecError (a Keychain call given an aborted signal rejects with its reason). */
  documented?(args: unknown[], error: unknown): boolean;
  /** How long the call may take to settle; key generation may take seconds (RSA up to 4096 bits). */
  timeoutMs?: number;
  run(ctx: RunContext, args: unknown[]): unknown;
}

const raw = (name: string): CallDef => ({
  mode: 'async',
  ...(name === 'SecKeyCreateRandomKey' ? { timeoutMs: 15_000 } : {}),
  run: (ctx, args) => (ctx.emulator as unknown as Record<string, (...a: unknown[]) => unknown>)[name]!(...args),
});

const context = (ctx: RunContext, args: unknown[]): LAContext => {
  const la = ctx.pools.context[(args[0] as number) % Math.max(1, ctx.pools.context.length)];
  if (!la) throw new Skip();
  return la;
};
const keychain = (ctx: RunContext, args: unknown[]): Keychain => {
  const kc = ctx.pools.keychain[(args[0] as number) % Math.max(1, ctx.pools.keychain.length)];
  if (!kc) throw new Skip();
  return kc;
};
type KeychainMethod = (...a: unknown[]) => unknown;
/** docs: Keychain methods reject "with the signal's reason when options.signal is aborted". */
const abortedWith = (args: unknown[], error: unknown) => args.some((a) => {
  const signal = typeof a === 'object' && a !== null ? (a as { signal?: unknown }).signal : undefined;
  return signal instanceof AbortSignal && signal.aborted && signal.reason === error;
});
const method = (name: string): CallDef => ({
  mode: 'async',
  documented: abortedWith,
  run: (ctx, args) => ((keychain(ctx, args) as unknown as Record<string, KeychainMethod>)[name]!).apply(keychain(ctx, args), args.slice(1)),
});

/** A step that cannot run yet (e.g. no LAContext made so far); it is counted, not judged. */
export class Skip {}

export const CALLS: Record<string, CallDef> = {
  SecItemAdd: raw('SecItemAdd'),
  SecItemCopyMatching: raw('SecItemCopyMatching'),
  SecItemUpdate: raw('SecItemUpdate'),
  SecItemDelete: raw('SecItemDelete'),
  SecKeyCreateRandomKey: raw('SecKeyCreateRandomKey'),
  SecKeyCopyPublicKey: raw('SecKeyCopyPublicKey'),
  SecKeyCopyAttributes: raw('SecKeyCopyAttributes'),
  SecKeyCopyExternalRepresentation: raw('SecKeyCopyExternalRepresentation'),
  SecKeyCreateWithData: raw('SecKeyCreateWithData'),
  SecKeyCreateSignature: raw('SecKeyCreateSignature'),
  SecKeyVerifySignature: raw('SecKeyVerifySignature'),
  SecKeyCreateEncryptedData: raw('SecKeyCreateEncryptedData'),
  SecKeyCreateDecryptedData: raw('SecKeyCreateDecryptedData'),
  SecKeyCopyKeyExchangeResult: raw('SecKeyCopyKeyExchangeResult'),
  SecKeyIsAlgorithmSupported: raw('SecKeyIsAlgorithmSupported'),
  SecAccessControlCreateWithFlags: raw('SecAccessControlCreateWithFlags'),
  // The top-level functions, over the process default (an emulator on a file in the run's directory).
  'SecItemAdd (default backend)': { mode: 'async', run: (_ctx, a) => SecItemAdd(a[0] as never) },
  'SecItemCopyMatching (default backend)': { mode: 'async', run: (_ctx, a) => SecItemCopyMatching(a[0] as never) },
  'SecItemUpdate (default backend)': { mode: 'async', run: (_ctx, a) => SecItemUpdate(a[0] as never, a[1] as never) },
  'SecItemDelete (default backend)': { mode: 'async', run: (_ctx, a) => SecItemDelete(a[0] as never) },
  openBackend: { mode: 'sync', run: (_ctx, [options]) => openBackend(options as never).close() },
  setDefaultBackend: { mode: 'sync', run: (_ctx, [options]) => setDefaultBackend(options as never) },
  SecCopyErrorMessageString: { mode: 'sync', run: (_ctx, [status]) => SecCopyErrorMessageString(status as never) },
  'new SecError': { mode: 'sync', run: (_ctx, [status, detail]) => new SecError(status as never, detail as never) },
  createEmulator: {
    mode: 'sync',
    run: (_ctx, [options]) => createEmulator(options as never).close(),
  },
  'new LAContext': {
    mode: 'sync',
    run: (ctx, [options]) => ctx.pools.context.push(new LAContext(options as never)),
  },
  'LAContext.canEvaluatePolicy': { mode: 'async', run: (ctx, args) => context(ctx, args).canEvaluatePolicy(args[1] as never) },
  'LAContext.evaluatePolicy': { mode: 'async', run: (ctx, args) => context(ctx, args).evaluatePolicy(args[1] as never, args[2] as never, args[3] as never) },
  'LAContext.evaluateAccessControl': {
    mode: 'async',
    run: (ctx, args) => context(ctx, args).evaluateAccessControl(args[1] as never, args[2] as never, args[3] as never, args[4] as never),
  },
  'LAContext set': {
    mode: 'sync',
    run: (ctx, args) => ((context(ctx, args) as unknown as Record<string, unknown>)[args[1] as string] = args[2]),
  },
  'LAContext.biometryType': { mode: 'sync', run: (ctx, args) => context(ctx, args).biometryType },
  'LAContext.invalidate': { mode: 'sync', run: (ctx, args) => context(ctx, args).invalidate() },
  'new Keychain': {
    mode: 'sync',
    run: (ctx, [options]) => ctx.pools.keychain.push(new Keychain(options as never)),
  },
  'Keychain.set': method('set'),
  'Keychain.add': method('add'),
  'Keychain.get': method('get'),
  'Keychain.getItem': method('getItem'),
  'Keychain.update': method('update'),
  'Keychain.delete': method('delete'),
  'Keychain.find': method('find'),
  'Keychain.list': method('list'),
  'keytar.getPassword': { mode: 'keytar', run: (ctx, a) => ctx.keytar.getPassword(a[0] as never, a[1] as never) },
  'keytar.setPassword': { mode: 'keytar', run: (ctx, a) => ctx.keytar.setPassword(a[0] as never, a[1] as never, a[2] as never) },
  'keytar.deletePassword': { mode: 'keytar', run: (ctx, a) => ctx.keytar.deletePassword(a[0] as never, a[1] as never) },
  'keytar.findPassword': { mode: 'keytar', run: (ctx, a) => ctx.keytar.findPassword(a[0] as never) },
  'keytar.findCredentials': { mode: 'keytar', run: (ctx, a) => ctx.keytar.findCredentials(a[0] as never) },
  // The emulator's controls (lock state, the simulated user), so calls meet every state.
  control: {
    mode: 'sync',
    run: (ctx, [what, value]) => {
      const e = ctx.emulator;
      if (what === 'lock') e.lock();
      else if (what === 'unlock') e.unlock();
      else if (what === 'restart') e.restart();
      else if (what === 'passcodeSet') e.passcodeSet = value as boolean;
      else if (what === 'response') e.user.response = value as 'approve';
      else e.user.biometryEnrolled = value as boolean;
    },
  },
};

const step = (call: string, ...args: fc.Arbitrary<unknown>[]): fc.Arbitrary<Step> =>
  fc.tuple(...args).map((a) => ({ call, args: a }));
const pick = fc.nat(7);
const backendOptions = fc.oneof(
  { arbitrary: fc.constant({ backend: BACKEND }), weight: 6 },
  { arbitrary: fc.record({ backend: fc.constant(BACKEND), keychain: fc.oneof(fc.constantFrom('file', 'dataProtection'), anyScalar) }), weight: 3 },
  { arbitrary: fc.record({ backend: fc.oneof(fc.constant(new ReturnsFn(BACKEND)), anyValue.map((v) => new ReturnsFn(v))) }), weight: 1 },
  { arbitrary: fc.record({ backend: fc.constantFrom(...PARTIAL_BACKENDS).map((make) => make()) }), weight: 1 },
  { arbitrary: fc.oneof(anyValue, fc.record({ backend: anyValue })), weight: 1 },
);
/** openBackend / setDefaultBackend options: never an emulator on a path (it would be made where the path says). */
const selectOptions = fc.oneof(
  fc.constantFrom<unknown>({ backend: 'emulator' }, { backend: 'native' }, undefined),
  fc.record({ backend: fc.oneof(fc.constant('emulator'), anyScalar), app: anyValue }),
  fc.record({ backend: fc.constant('emulator'), path: anyScalar.filter((p) => typeof p !== 'string') }),
  anyScalar.filter((o) => typeof o !== 'object' || o === null),
);
const emulatorOptions = (dir: string) => fc.oneof(
  fc.record({ path: fc.stringMatching(/^[a-z0-9-]{1,8}$/).map((name) => join(dir, `made-${name}.sqlite`)) }),
  fc.record({ app: fc.oneof(fc.constant({ accessGroups: ['TEAM.fuzz'] }), fc.record({ accessGroups: anyValue }), anyValue) }),
  fc.record({ path: anyScalar.filter((p) => typeof p !== 'string') }),
  anyScalar.filter((o) => typeof o !== 'string' && !(typeof o === 'object' && o !== null)),
);

/** One step of a sequence, every public call weighted by how much there is to find in it. */
export function anyStep(dir: string): fc.Arbitrary<Step> {
  return fc.oneof(
    { arbitrary: step('SecItemAdd', anyDictionary), weight: 10 },
    { arbitrary: step('SecItemCopyMatching', anyQuery), weight: 10 },
    { arbitrary: step('SecItemUpdate', anyQuery, anyChanges), weight: 6 },
    { arbitrary: step('SecItemDelete', anyQuery), weight: 4 },
    { arbitrary: coherentKeyCalls, weight: 6 },
    { arbitrary: step('SecKeyCreateRandomKey', keyParameters), weight: 2 },
    { arbitrary: step('SecKeyCopyPublicKey', keyOrAnything), weight: 1 },
    { arbitrary: step('SecKeyCopyAttributes', keyOrAnything), weight: 1 },
    { arbitrary: step('SecKeyCopyExternalRepresentation', keyOrAnything), weight: 1 },
    { arbitrary: step('SecKeyCreateWithData', anyData, importAttributes), weight: 2 },
    { arbitrary: step('SecKeyCreateSignature', keyOrAnything, anyAlgorithm, anyData), weight: 3 },
    { arbitrary: step('SecKeyVerifySignature', keyOrAnything, anyAlgorithm, anyData, anyData), weight: 2 },
    { arbitrary: step('SecKeyCreateEncryptedData', keyOrAnything, anyAlgorithm, anyData), weight: 2 },
    { arbitrary: step('SecKeyCreateDecryptedData', keyOrAnything, anyAlgorithm, anyData), weight: 2 },
    { arbitrary: step('SecKeyCopyKeyExchangeResult', keyOrAnything, anyAlgorithm, keyOrAnything, exchangeParameters), weight: 2 },
    { arbitrary: step('SecKeyIsAlgorithmSupported', keyOrAnything, fc.oneof(fc.nat(5), anyScalar), anyAlgorithm), weight: 1 },
    { arbitrary: step('SecAccessControlCreateWithFlags', protection, flags), weight: 2 },
    { arbitrary: step('createEmulator', emulatorOptions(dir)), weight: 1 },
    { arbitrary: step('SecItemAdd (default backend)', anyDictionary), weight: 1 },
    { arbitrary: step('SecItemCopyMatching (default backend)', anyQuery), weight: 1 },
    { arbitrary: step('SecItemUpdate (default backend)', anyQuery, anyChanges), weight: 1 },
    { arbitrary: step('SecItemDelete (default backend)', anyQuery), weight: 1 },
    { arbitrary: step('openBackend', selectOptions), weight: 1 },
    { arbitrary: step('setDefaultBackend', selectOptions), weight: 1 },
    { arbitrary: step('SecCopyErrorMessageString', fc.oneof(fc.integer({ min: -70000, max: 110000 }), anyScalar)), weight: 1 },
    { arbitrary: step('new SecError', fc.oneof(fc.integer({ min: -70000, max: 0 }), anyScalar), fc.oneof(fc.constant(undefined), anyString, anyScalar)), weight: 1 },
    { arbitrary: step('new LAContext', backendOptions), weight: 1 },
    { arbitrary: step('LAContext.canEvaluatePolicy', pick, policy), weight: 1 },
    { arbitrary: step('LAContext.evaluatePolicy', pick, policy, reason, fc.oneof(fc.constant(undefined), callOptions)), weight: 2 },
    { arbitrary: step('LAContext.evaluateAccessControl', pick, fc.oneof(fc.constant(new Ref('accessControl', 0)), anyValue), fc.oneof(fc.nat(6), anyScalar), reason, fc.constant(undefined)), weight: 2 },
    {
      arbitrary: step('LAContext set', pick, fc.constantFrom('touchIDAuthenticationAllowableReuseDuration', 'localizedReason', 'localizedCancelTitle', 'localizedFallbackTitle', 'interactionNotAllowed'), fc.oneof(fc.boolean(), fc.constantFrom(0, 10, 301), anyString, anyScalar)),
      weight: 1,
    },
    { arbitrary: step('LAContext.biometryType', pick), weight: 1 },
    { arbitrary: step('LAContext.invalidate', pick), weight: 1 },
    { arbitrary: step('new Keychain', backendOptions), weight: 1 },
    { arbitrary: step('Keychain.set', pick, typedItem, secretValue, callOptions), weight: 4 },
    { arbitrary: step('Keychain.add', pick, typedItem, secretValue, callOptions), weight: 2 },
    { arbitrary: step('Keychain.get', pick, typedItem, callOptions), weight: 3 },
    { arbitrary: step('Keychain.getItem', pick, typedItem, callOptions), weight: 1 },
    { arbitrary: step('Keychain.update', pick, typedItem, fc.oneof(typedItem, fc.record({ value: secretValue })), callOptions), weight: 2 },
    { arbitrary: step('Keychain.delete', pick, typedItem, callOptions), weight: 2 },
    { arbitrary: step('Keychain.find', pick, typedItem, callOptions), weight: 2 },
    { arbitrary: step('Keychain.list', pick, fc.oneof(fc.constantFrom(undefined, 'genericPassword', ['internetPassword']), anyValue), callOptions), weight: 1 },
    { arbitrary: step('keytar.getPassword', keytarArgument, keytarArgument), weight: 2 },
    { arbitrary: step('keytar.setPassword', keytarArgument, keytarArgument, keytarArgument), weight: 2 },
    { arbitrary: step('keytar.deletePassword', keytarArgument, keytarArgument), weight: 1 },
    { arbitrary: step('keytar.findPassword', keytarArgument), weight: 1 },
    { arbitrary: step('keytar.findCredentials', keytarArgument), weight: 1 },
    {
      arbitrary: step('control', fc.constantFrom('lock', 'unlock', 'restart', 'passcodeSet', 'response', 'biometryEnrolled'),
        fc.constantFrom<unknown>(true, false, 'approve', 'cancel', 'fail')),
      weight: 2,
    },
  );
}

/** Replaces the stand-ins in a generated argument by what the sequence made (in place, copied). */
export function resolve(value: unknown, ctx: RunContext, seen = new Map<object, unknown>()): unknown {
  if (value === BACKEND) return ctx.emulator;
  if (value instanceof ReturnsFn) {
    const returned = resolve(value.value, ctx, seen);
    return () => returned;
  }
  if (value instanceof ItemQuery) {
    const items = ctx.pools.item;
    const item = items.length > 0 ? items[value.index % items.length]! : { class: 'genp', svce: 'never added' };
    return { ...item, ...(resolve(value.extra, ctx, seen) as object) };
  }
  if (value instanceof Ref) {
    const pool = ctx.pools[value.pool] as unknown[];
    if (value.pool === 'item') return pool.length > 0 ? { ...(pool[value.index % pool.length] as object) } : undefined;
    return pool.length > 0 ? pool[value.index % pool.length] : value.pool === 'result' ? Buffer.from('nothing returned yet') : undefined;
  }
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  // Typed arrays, handles and odd objects stay as they are; plain objects (fast-check also makes
  // null-prototype ones) and arrays are copied with their stand-ins replaced.
  if (!Array.isArray(value) && proto !== Object.prototype && proto !== null) return value;
  if (seen.has(value)) return seen.get(value); // keep cycles cyclic
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (const v of value) out.push(resolve(v, ctx, seen));
    return out;
  }
  const out = (proto === null ? Object.create(null) : {}) as Record<string, unknown>;
  seen.set(value, out);
  for (const key of Object.keys(value)) {
    Object.defineProperty(out, key, { value: resolve((value as Record<string, unknown>)[key], ctx, seen), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const IDENTITY = ['class', 'svce', 'srvr', 'acct', 'ptcl', 'port', 'path', 'nleg', 'agrp', 'sync'];

/** Remembers an item a SecItemAdd stored, by its identifying attributes, for later searches. */
export function rememberItem(attributes: unknown, pools: Pools): void {
  if (typeof attributes !== 'object' || attributes === null || pools.item.length >= 16) return;
  const a = attributes as Record<string, unknown>;
  pools.item.push(Object.fromEntries(IDENTITY.filter((k) => Object.hasOwn(a, k)).map((k) => [k, a[k]])));
}

/** Keeps what a call returned that later steps can use: keys, access controls, bytes. */
export function harvest(result: unknown, pools: Pools, depth = 0): void {
  if (depth > 3 || result === null || typeof result !== 'object') return;
  if (result instanceof SecHandle) {
    if (result.kind === 'SecKey' && pools.key.length < 16) pools.key.push(result);
    if (result.kind === 'SecAccessControl' && pools.accessControl.length < 8) pools.accessControl.push(result);
    return;
  }
  if (Buffer.isBuffer(result)) {
    if (pools.result.length < 16) pools.result.unshift(result);
    return;
  }
  for (const v of Object.values(result)) harvest(v, pools, depth + 1);
}

export function newRunContext(emulator: Emulator, dir: string): RunContext {
  const pools: Pools = {
    key: [], ecPrivate: [], ecPublic: [], rsaPrivate: [], rsaPublic: [], accessControl: [], context: [], result: [], item: [],
    keychain: [new Keychain({ backend: emulator })],
  };
  return { emulator, keytar: createKeytar(emulator), pools, dir };
}
