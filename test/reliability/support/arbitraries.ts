/**
 * fast-check arbitraries for the fuzz part: dictionaries whose keys are Apple's (every string
 * constant of src/constants.ts) or anything else, and whose values are every type that can
 * cross the API and many that cannot — bigint (in and out of the 64-bit range), null,
 * undefined, NaN, ±Infinity, symbols, functions, invalid Dates, typed arrays that are not
 * Uint8Array, Maps, class instances, null-prototype and cyclic objects, forged handles, lone
 * surrogates, huge strings and buffers, nested arrays and objects.
 *
 * Handles (keys, access controls, LAContexts) and earlier results (persistent references,
 * signatures, exported keys) exist only while a sequence runs, so an arbitrary names them
 * with a {@link Ref} (an added item with an {@link ItemQuery}), which `resolve` in fuzzSteps.ts
 * replaces by the real one when the step runs.
 */
import fc from 'fast-check';
import * as constants from '../../../src/constants.js';
import { SecHandle } from '../../../src/index.js';

/** Pools of things a sequence makes: handles, returned bytes, and the items it added. */
export type PoolName = 'key' | 'ecPrivate' | 'ecPublic' | 'rsaPrivate' | 'rsaPublic' | 'accessControl' | 'context' | 'result' | 'item';

/** A stand-in for something the sequence made earlier: the `index`th of that pool (modulo its size). */
export class Ref {
  constructor(readonly pool: PoolName, readonly index: number) {}
}

/** A query for an item the sequence added (its identifying attributes), with more entries. */
export class ItemQuery {
  constructor(readonly index: number, readonly extra: Record<string, unknown>) {}
}

const values = Object.values(constants) as unknown[];
export const STRING_CONSTANTS = [...new Set(values.filter((v): v is string => typeof v === 'string'))];
export const NUMBER_CONSTANTS = [...new Set(values.filter((v): v is number => typeof v === 'number'))];
const named = (prefix: string) => Object.entries(constants).filter(([k, v]) => k.startsWith(prefix) && typeof v === 'string').map(([, v]) => v as string);
export const ALGORITHMS = named('kSecKeyAlgorithm');
export const ACCESSIBILITIES = named('kSecAttrAccessible');
const FLAGS = Object.entries(constants).filter(([k, v]) => k.startsWith('kSecAccessControl') && typeof v === 'number').map(([, v]) => v as number);
const POLICIES = Object.entries(constants).filter(([k]) => k.startsWith('LAPolicy')).map(([, v]) => v as number);

const HUGE_STRING = 'x'.repeat(1 << 20);
const HUGE_BUFFER = Buffer.alloc(1 << 20, 7);
const cyclic: Record<string, unknown> = { a: 1 };
cyclic.self = cyclic;
const cyclicArray: unknown[] = [1];
cyclicArray.push(cyclicArray);
class Custom {
  field = 'value';
}
const forged = (kind: string, backend: unknown) => Reflect.construct(SecHandle, [kind, backend]) as unknown;

/** Strings, with the awkward ones over-represented. */
export const anyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 12 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 12 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }), weight: 1 },
  { arbitrary: fc.constantFrom(...STRING_CONSTANTS), weight: 3 },
  { arbitrary: fc.constantFrom('', ' ', '\uD800', '\uDFFF', 'a\uD83Db', '\uDE00\uD83D', 'nul\0byte', 'ü', '🔑', '0', '-1', '1e3', '__proto__'), weight: 2 },
  { arbitrary: fc.constant(HUGE_STRING), weight: 1 },
  { arbitrary: fc.nat(60_000).map((n) => 'é'.repeat(10_000 + n)), weight: 1 },
);

/** A dictionary key: Apple's keys mostly, anything sometimes. */
export const anyKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...STRING_CONSTANTS), weight: 6 },
  { arbitrary: fc.string({ maxLength: 8 }), weight: 2 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', ''), weight: 1 },
);

export const anyRef: fc.Arbitrary<Ref> = fc.tuple(fc.constantFrom<Ref['pool']>('key', 'accessControl', 'context', 'result'), fc.nat(7))
  .map(([pool, i]) => new Ref(pool, i));

/** Values that are not containers. */
export const anyScalar: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: anyString, weight: 5 },
  { arbitrary: fc.integer(), weight: 2 },
  { arbitrary: fc.constantFrom(0, -0, 1, -1, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 63), Number.MAX_SAFE_INTEGER, 65535, 65536, ...NUMBER_CONSTANTS), weight: 2 },
  { arbitrary: fc.double(), weight: 2 }, // NaN, ±Infinity, -0 included
  { arbitrary: fc.bigInt(), weight: 1 },
  { arbitrary: fc.constantFrom(2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 0n, -1n), weight: 1 },
  { arbitrary: fc.boolean(), weight: 2 },
  { arbitrary: fc.constantFrom(null, undefined), weight: 1 },
  { arbitrary: fc.constantFrom(Symbol('fuzz'), Symbol.iterator, () => 1, async () => 1, class {}), weight: 1 },
  { arbitrary: fc.date({ noInvalidDate: false }), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)), weight: 2 },
  { arbitrary: fc.constant(HUGE_BUFFER), weight: 1 },
  {
    arbitrary: fc.constantFrom<() => unknown>(
      () => new ArrayBuffer(4), () => new DataView(new ArrayBuffer(4)), () => new Uint16Array(3), () => new Float64Array(2),
      () => new Map([['acct', 'x']]), () => new Set(['x']), () => /x/, () => new Custom(), () => Object.create(null) as object,
      () => Object.assign(Object.create(null) as object, { acct: 'nullproto' }), () => cyclic, () => cyclicArray,
      () => new Error('not a value'), () => Promise.resolve(1), () => new String('boxed'), () => new Number(3), () => new Boolean(true),
      () => forged('SecKey', 'emulator'), () => forged('SecAccessControl', 'emulator'), () => forged('LAContext', 'emulator'),
      () => forged('SecKeychainItem', 'emulator'), () => forged('SecKey', 'native'), () => forged('nonsense', undefined),
      () => Object.create(SecHandle.prototype) as object, () => ({ kind: 'SecKey', backend: 'emulator' }),
    ).map((make) => make()),
    weight: 2,
  },
  { arbitrary: anyRef, weight: 3 },
);

/** Any value: scalars, and arrays and objects of values, nested. */
export const anyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: anyScalar, weight: 8 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(anyKey, tie('value'), { maxKeys: 4 }), weight: 1 },
  ),
})).value;

const small = fc.constantFrom('a', 'b', 'c', 'ü', '\uD800', '');
const groups = fc.constantFrom('TEAM.fuzz', 'TEAM.other', 'com.apple.token', '');

/** Sets a key on a copy, `__proto__` included (as an own property, the way a parsed JSON object has it). */
function withEntry(record: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const out = { ...record };
  Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/**
 * A dictionary that is right (so the call reaches deep into the keychain), or right but for one
 * key or one value, or anything at all.
 */
function nearly(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 6 },
    { arbitrary: fc.tuple(valid, anyKey, anyValue).map(([d, k, v]) => withEntry(d, k, v)), weight: 2 },
    {
      arbitrary: fc.tuple(valid, fc.nat(), anyValue).map(([d, i, v]) => {
        const keys = Object.keys(d);
        return keys.length === 0 ? d : withEntry(d, keys[i % keys.length]!, v);
      }),
      weight: 2,
    },
    { arbitrary: fc.dictionary(anyKey, anyValue, { maxKeys: 6 }), weight: 1 },
    { arbitrary: anyValue, weight: 1 },
  );
}

/** An optional entry of an item dictionary: a key and a value of its type. */
const itemExtra: fc.Arbitrary<[string, unknown]> = fc.oneof(
  ...Object.entries({
    v_Data: fc.oneof(fc.uint8Array({ maxLength: 16 }), small), nleg: fc.boolean(), sync: fc.constantFrom(true, false, 'syna'),
    pdmn: fc.constantFrom(...ACCESSIBILITIES), agrp: groups, labl: small, icmt: small, crtr: fc.constantFrom(0x61626364, 1),
    gena: fc.uint8Array({ maxLength: 8 }), ptcl: fc.constantFrom('htps', 'ftp ', 'ssh '), port: fc.constantFrom(0, 443, 8080), path: small,
    accc: fc.constant(new Ref('accessControl', 0)), u_AuthCtx: fc.constant(new Ref('context', 0)),
    u_AuthUI: fc.constantFrom('u_AuthUIA', 'u_AuthUIF', 'u_AuthUIS'), u_OpPrompt: small,
    r_Data: fc.boolean(), r_Attributes: fc.boolean(), r_PersistentRef: fc.boolean(), r_Ref: fc.boolean(),
    m_Limit: fc.constantFrom('m_LimitOne', 'm_LimitAll', 1, 2, 0x7fffffff),
    v_PersistentRef: fc.constant(new Ref('result', 0)), v_Ref: fc.constant(new Ref('key', 0)),
  }).map(([key, value]) => fc.tuple(fc.constant(key), value as fc.Arbitrary<unknown>)),
);

/**
 * A well-formed SecItem dictionary: a password class, its identifying attributes, and up to
 * four other entries — the shapes that reach deep into the keychains (some combinations are
 * still refused, as Apple refuses them).
 */
export const validItem: fc.Arbitrary<Record<string, unknown>> = fc.tuple(
  fc.constantFrom('genp', 'genp', 'genp', 'inet', 'inet', 'keys'),
  fc.record({ service: small, account: small }, { requiredKeys: [] }),
  fc.array(itemExtra, { maxLength: 4 }),
).map(([cls, { service, account }, extras]) => ({
  class: cls,
  ...(service === undefined ? {} : cls === 'inet' ? { srvr: service } : { svce: service }),
  ...(account === undefined ? {} : { acct: account }),
  ...Object.fromEntries(extras),
}));

/** The attributes a SecItemUpdate changes: one to three of the changeable ones. */
export const validChanges: fc.Arbitrary<Record<string, unknown>> = fc.array(fc.oneof(
  ...Object.entries({
    v_Data: fc.oneof(fc.uint8Array({ maxLength: 16 }), small), labl: small, icmt: small, acct: small, svce: small,
    gena: fc.uint8Array({ maxLength: 8 }), sync: fc.boolean(), pdmn: fc.constantFrom(...ACCESSIBILITIES), accc: fc.constant(new Ref('accessControl', 0)),
  }).map(([key, value]) => fc.tuple(fc.constant(key), value as fc.Arbitrary<unknown>)),
), { minLength: 1, maxLength: 3 }).map((entries) => Object.fromEntries(entries));
export const anyChanges: fc.Arbitrary<unknown> = nearly(validChanges);

/** What a dictionary argument of SecItemAdd gets. */
export const anyDictionary: fc.Arbitrary<unknown> = nearly(validItem);

/** A search for an item the sequence added (found, mostly), with what a search may add. */
const queryExtra: fc.Arbitrary<[string, unknown]> = fc.oneof(
  ...Object.entries({
    r_Data: fc.boolean(), r_Attributes: fc.boolean(), r_PersistentRef: fc.boolean(), r_Ref: fc.boolean(),
    m_Limit: fc.constantFrom('m_LimitOne', 'm_LimitAll', 1, 5), u_AuthUI: fc.constantFrom('u_AuthUIA', 'u_AuthUIF', 'u_AuthUIS'),
    u_AuthCtx: fc.constant(new Ref('context', 0)), u_OpPrompt: small, sync: fc.constantFrom(true, false, 'syna'), labl: small,
  }).map(([key, value]) => fc.tuple(fc.constant(key), value as fc.Arbitrary<unknown>)),
);
export const anyQuery: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.tuple(fc.nat(15), fc.array(queryExtra, { maxLength: 3 })).map(([i, extra]) => new ItemQuery(i, Object.fromEntries(extra))), weight: 5 },
  { arbitrary: anyDictionary, weight: 4 },
);

/** SecKeyCreateRandomKey parameters: small EC and RSA keys (a 4096-bit RSA key takes seconds). */
export const keyParameters: fc.Arbitrary<unknown> = nearly(fc.record({
  type: fc.constantFrom('73', '73', '42'), bsiz: fc.constantFrom(256, 384, 521, 1024), perm: fc.boolean(), nleg: fc.boolean(),
  accc: fc.constant(new Ref('accessControl', 0)), labl: small, atag: fc.uint8Array({ maxLength: 4 }),
  private: fc.record({ labl: small, perm: fc.boolean() }, { requiredKeys: [] }), public: fc.record({ labl: small }, { requiredKeys: [] }),
  tkid: fc.constant('com.apple.setoken'),
}, { requiredKeys: ['type', 'bsiz'] }));

/** SecKeyCreateWithData attributes: the key's type and class. */
export const importAttributes: fc.Arbitrary<unknown> = nearly(fc.record({
  type: fc.constantFrom('73', '42'), kcls: fc.constantFrom('0', '1', '2'), bsiz: fc.constantFrom(256, 1024),
}, { requiredKeys: ['type', 'kcls'] }));

/** SecKeyCopyKeyExchangeResult parameters. */
export const exchangeParameters: fc.Arbitrary<unknown> = nearly(fc.record({
  requestedSize: fc.constantFrom(16, 32, 0, 1 << 20), sharedInfo: fc.uint8Array({ maxLength: 8 }),
}, { requiredKeys: [] }));

/** Algorithms: the everyday ones for the keys the sequences hold (EC P-256, RSA 1024) often, any of Apple's, anything. */
export const anyAlgorithm: fc.Arbitrary<unknown> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      'algid:sign:ECDSA:message-X962:SHA256', 'algid:sign:ECDSA:digest-X962', 'algid:sign:RSA:message-PKCS1v15:SHA256',
      'algid:sign:RSA:message-PSS:SHA256:SHA256:32', 'algid:encrypt:RSA:OAEP:SHA256', 'algid:encrypt:RSA:PKCS1', 'algid:encrypt:RSA:raw',
      'algid:encrypt:ECIES:ECDH:KDFX963:SHA256:AESGCM', 'algid:keyexchange:ECDH', 'algid:keyexchange:ECDH:KDFX963:SHA256',
    ),
    weight: 5,
  },
  { arbitrary: fc.constantFrom(...ALGORITHMS), weight: 3 },
  { arbitrary: anyValue, weight: 1 },
);
export const anyData: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.uint8Array({ maxLength: 64 }), weight: 4 },
  { arbitrary: fc.nat(15).map((i) => new Ref('result', i)), weight: 3 },
  { arbitrary: anyValue, weight: 1 },
);
export const keyOrAnything: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: fc.nat(15).map((i) => new Ref('key', i)), weight: 6 }, { arbitrary: anyValue, weight: 1 });

/**
 * Key calls whose arguments fit together (the right kind of key for the algorithm, the bytes
 * an earlier call returned), so they get past the checks to the cryptography.
 */
const ref = (pool: PoolName) => fc.constant(new Ref(pool, 0));
const latest = fc.nat(2).map((i) => new Ref('result', i));
const message = fc.oneof(fc.uint8Array({ maxLength: 200 }), fc.constant(HUGE_BUFFER));
export const coherentKeyCalls: fc.Arbitrary<{ call: string; args: unknown[] }> = fc.oneof(
  fc.tuple(ref('ecPrivate'), fc.constantFrom('algid:sign:ECDSA:message-X962:SHA256', 'algid:sign:ECDSA:message-RFC4754:SHA384', 'algid:sign:ECDSA:digest-X962'), message).map((args) => ({ call: 'SecKeyCreateSignature', args })),
  fc.tuple(ref('rsaPrivate'), fc.constantFrom('algid:sign:RSA:message-PKCS1v15:SHA256', 'algid:sign:RSA:message-PSS:SHA256:SHA256:32', 'algid:sign:RSA:raw'), message).map((args) => ({ call: 'SecKeyCreateSignature', args })),
  fc.tuple(ref('ecPublic'), fc.constant('algid:sign:ECDSA:message-X962:SHA256'), message, latest).map((args) => ({ call: 'SecKeyVerifySignature', args })),
  fc.tuple(ref('rsaPublic'), fc.constantFrom('algid:encrypt:RSA:OAEP:SHA256', 'algid:encrypt:RSA:PKCS1', 'algid:encrypt:RSA:raw', 'algid:encrypt:RSA:OAEP:SHA1:AESGCM'), message).map((args) => ({ call: 'SecKeyCreateEncryptedData', args })),
  fc.tuple(ref('ecPublic'), fc.constantFrom('algid:encrypt:ECIES:ECDH:KDFX963:SHA256:AESGCM', 'algid:encrypt:ECIES:ECDHC:KDFX963:SHA256:AESGCM-KDFIV'), message).map((args) => ({ call: 'SecKeyCreateEncryptedData', args })),
  fc.tuple(ref('rsaPrivate'), fc.constantFrom('algid:encrypt:RSA:OAEP:SHA256', 'algid:encrypt:RSA:PKCS1', 'algid:encrypt:RSA:raw'), latest).map((args) => ({ call: 'SecKeyCreateDecryptedData', args })),
  fc.tuple(ref('ecPrivate'), fc.constant('algid:encrypt:ECIES:ECDH:KDFX963:SHA256:AESGCM'), latest).map((args) => ({ call: 'SecKeyCreateDecryptedData', args })),
  fc.tuple(ref('ecPrivate'), fc.constantFrom('algid:keyexchange:ECDH', 'algid:keyexchange:ECDHC:KDFX963:SHA256'), ref('ecPublic'), exchangeParameters).map((args) => ({ call: 'SecKeyCopyKeyExchangeResult', args })),
  fc.tuple(fc.constantFrom(new Ref('ecPublic', 0), new Ref('rsaPublic', 0), new Ref('ecPrivate', 0))).map((args) => ({ call: 'SecKeyCopyExternalRepresentation', args })),
  fc.tuple(latest, fc.constantFrom({ type: '73', kcls: '0' }, { type: '73', kcls: '1' }, { type: '42', kcls: '0' }, { type: '42', kcls: '1' })).map((args) => ({ call: 'SecKeyCreateWithData', args })),
);
export const flags: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.subarray(FLAGS).map((fs) => fs.reduce((a, b) => a | b, 0)), weight: 6 },
  { arbitrary: anyScalar, weight: 1 },
);
export const protection: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: fc.constantFrom(...ACCESSIBILITIES), weight: 6 }, { arbitrary: anyScalar, weight: 1 });
export const policy: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: fc.constantFrom(...POLICIES), weight: 6 }, { arbitrary: anyScalar, weight: 1 });
export const reason: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: fc.constantFrom('Unlock', 'Sign in'), weight: 6 }, { arbitrary: anyScalar, weight: 1 });

const typedCommon = {
  keychain: fc.constantFrom('file', 'dataProtection'), account: small, label: small, comment: small, creator: fc.constantFrom('abcd', 1234),
  accessGroup: groups, accessible: fc.constantFrom('whenUnlocked', 'afterFirstUnlockThisDeviceOnly'),
  synchronizable: fc.constantFrom(true, false, 'any'), accessControl: fc.constant(new Ref('accessControl', 0)),
};
/** A typed item (docs/typed-api.md): its class's attributes with the right types, or right but for one, or anything. */
export const typedItem: fc.Arbitrary<unknown> = nearly(fc.oneof(
  fc.record({ class: fc.constant('genericPassword'), service: small, generic: fc.oneof(small, fc.uint8Array({ maxLength: 4 })), ...typedCommon }, { requiredKeys: ['class'] }),
  fc.record({ class: fc.constant('internetPassword'), server: small, protocol: fc.constantFrom('https', 'ssh'), port: fc.constantFrom(443, 0), path: small, ...typedCommon }, { requiredKeys: ['class'] }),
));

export const secretValue: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: fc.oneof(small, fc.uint8Array({ maxLength: 16 })), weight: 6 }, { arbitrary: anyValue, weight: 1 });

/** Options of a Keychain call (CallOptions, FindOptions, get's encoding). */
export const callOptions: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 6 },
  {
    arbitrary: nearly(fc.record({
      raw: fc.constantFrom({}, { u_OpPrompt: 'why' }, { nleg: false }), prompt: small, limit: fc.constantFrom('all', 1, 2),
      data: fc.boolean(), encoding: fc.constant('utf8'),
      signal: fc.constantFrom(() => AbortSignal.abort(), () => new AbortController().signal).map((f) => f()),
    }, { requiredKeys: [] })),
    weight: 3,
  },
);

export const keytarArgument: fc.Arbitrary<unknown> = fc.oneof({ arbitrary: small, weight: 6 }, { arbitrary: anyValue, weight: 1 });
