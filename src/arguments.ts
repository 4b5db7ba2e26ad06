/**
 * The argument rules of every raw call, in Apple's argument order, as one table. The binding
 * (api/bind.ts) checks each call's arguments against its row once, before anything reaches a
 * backend, so bad input is errSecParam naming the argument whatever the backend; backends
 * receive arguments that already passed.
 */
import type { LAContextSettable } from './backend/backend.js';
import { paramError } from './errors.js';
import { isHandle, type HandleKind, type SecHandle } from './handles.js';
import { types } from 'node:util';
import { checkDictionary, describeValue, isBytes, proxyError, readCallerValue, unreadable, viewBytes } from './values.js';

/** What one argument must be. */
export type ArgumentRule =
  | 'dictionary'
  | 'data'
  | 'string'
  | 'nonEmptyString'
  | 'integer'
  | 'flags'
  | HandleKind;

/** Every raw call and its arguments: [name in Apple's headers, rule]. */
export const argumentRules = {
  SecItemAdd: [['attributes', 'dictionary']],
  SecItemCopyMatching: [['query', 'dictionary']],
  SecItemUpdate: [['query', 'dictionary'], ['attributesToUpdate', 'dictionary']],
  SecItemDelete: [['query', 'dictionary']],
  SecKeyCreateRandomKey: [['parameters', 'dictionary']],
  SecKeyCopyPublicKey: [['key', 'SecKey']],
  SecKeyCopyAttributes: [['key', 'SecKey']],
  SecKeyCopyExternalRepresentation: [['key', 'SecKey']],
  SecKeyCreateWithData: [['keyData', 'data'], ['attributes', 'dictionary']],
  SecKeyCreateSignature: [['key', 'SecKey'], ['algorithm', 'nonEmptyString'], ['dataToSign', 'data']],
  SecKeyVerifySignature: [['key', 'SecKey'], ['algorithm', 'nonEmptyString'], ['signedData', 'data'], ['signature', 'data']],
  SecKeyCreateEncryptedData: [['key', 'SecKey'], ['algorithm', 'nonEmptyString'], ['plaintext', 'data']],
  SecKeyCreateDecryptedData: [['key', 'SecKey'], ['algorithm', 'nonEmptyString'], ['ciphertext', 'data']],
  SecKeyCopyKeyExchangeResult: [['privateKey', 'SecKey'], ['algorithm', 'nonEmptyString'], ['publicKey', 'SecKey'], ['parameters', 'dictionary']],
  SecKeyIsAlgorithmSupported: [['key', 'SecKey'], ['operation', 'integer'], ['algorithm', 'nonEmptyString']],
  SecAccessControlCreateWithFlags: [['protection', 'nonEmptyString'], ['flags', 'flags']],
  SecCertificateCreateWithData: [['data', 'data']],
  SecCertificateCopyData: [['certificate', 'SecCertificate']],
  SecCertificateCopySubjectSummary: [['certificate', 'SecCertificate']],
  SecCertificateCopyKey: [['certificate', 'SecCertificate']],
  SecIdentityCopyCertificate: [['identity', 'SecIdentity']],
  SecIdentityCopyPrivateKey: [['identity', 'SecIdentity']],
  SecPKCS12Import: [['pkcs12Data', 'data'], ['options', 'dictionary']],
  // LAContext's asynchronous methods (LAContext.h), the context first.
  laContextCanEvaluatePolicy: [['context', 'LAContext'], ['policy', 'integer']],
  laContextEvaluatePolicy: [['context', 'LAContext'], ['policy', 'integer'], ['localizedReason', 'nonEmptyString']],
  laContextEvaluateAccessControl: [['context', 'LAContext'], ['accessControl', 'SecAccessControl'], ['operation', 'integer'], ['localizedReason', 'nonEmptyString']],
} as const satisfies Record<string, readonly (readonly [string, ArgumentRule])[]>;

export type RuledCall = keyof typeof argumentRules;

/** The raw calls a backend answers, in the order the public API lists them. */
export const RAW_CALLS = [
  'SecItemAdd', 'SecItemCopyMatching', 'SecItemUpdate', 'SecItemDelete',
  'SecKeyCreateRandomKey', 'SecKeyCopyPublicKey', 'SecKeyCopyAttributes', 'SecKeyCopyExternalRepresentation',
  'SecKeyCreateWithData', 'SecKeyCreateSignature', 'SecKeyVerifySignature', 'SecKeyCreateEncryptedData',
  'SecKeyCreateDecryptedData', 'SecKeyCopyKeyExchangeResult', 'SecKeyIsAlgorithmSupported',
  'SecAccessControlCreateWithFlags',
  'SecCertificateCreateWithData', 'SecCertificateCopyData', 'SecCertificateCopySubjectSummary', 'SecCertificateCopyKey',
  'SecIdentityCopyCertificate', 'SecIdentityCopyPrivateKey', 'SecPKCS12Import',
] as const satisfies readonly RuledCall[];

export type RawCallName = (typeof RAW_CALLS)[number];

/** Checks one argument; returns it (a dictionary as its checked deep copy). */
export function checkArgument(rule: ArgumentRule, value: unknown, name: string): unknown {
  switch (rule) {
    case 'dictionary':
      return checkDictionary(value, name);
    case 'data':
      return requireData(value, name);
    case 'string':
      return requireString(value, name);
    case 'nonEmptyString':
      return requireString(value, name, true);
    case 'integer':
      return requireInteger(value, name);
    case 'flags':
      return requireFlags(value, name);
    default:
      return requireHandle(value, rule, name);
  }
}

/** Checks a call's arguments against its row; errSecParam naming the first bad one. */
export function checkArguments(call: RuledCall, args: readonly unknown[]): unknown[] {
  const rules = argumentRules[call];
  const out = new Array<unknown>(rules.length);
  for (let i = 0; i < rules.length; i++) {
    const [name, rule] = rules[i]!;
    out[i] = checkArgument(rule, args[i], name);
  }
  return out;
}

export function requireHandle(value: unknown, kind: HandleKind, what: string): SecHandle {
  // By identity (handles.ts): no Proxy or look-alike object is read.
  if (!isHandle(value) || value.kind !== kind) {
    throw paramError(`${what} must be a ${kind} handle`);
  }
  return value;
}

export function requireData(value: unknown, what: string): Uint8Array {
  // By the typed array's own slot: a Proxy of a Uint8Array is not bytes, and no trap runs.
  if (!isBytes(value)) throw paramError(`${what} must be a Buffer or Uint8Array`);
  // A view read through the array's slots (not a copy): a getter the caller put on it never runs.
  return viewBytes(value);
}

export function requireString(value: unknown, what: string, nonEmpty = false): string {
  if (typeof value !== 'string' || (nonEmpty && value === '')) {
    throw paramError(`${what} must be a ${nonEmpty ? 'non-empty ' : ''}string`);
  }
  return value;
}

export function requireInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw paramError(`${what} must be an integer`);
  return value;
}

/**
 * A SecAccessControlCreateFlags mask: an integer that fits in 32 bits, signed (what `|` gives
 * once kSecAccessControlApplicationPassword, 1 << 31, is set) or unsigned. Anything wider
 * would lose bits on the way to the framework.
 */
export function requireFlags(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x80000000 || value > 0xffffffff) {
    throw paramError(`${what} must be a 32-bit SecAccessControlCreateFlags mask, not ${describeValue(value)}`);
  }
  return value;
}

/**
 * An options object, read once: undefined is `{}`; null, a primitive, an array, a function or a
 * Proxy is errSecParam naming it; each of `keys` is read once (a getter that throws is
 * errSecParam naming it) and the others are not read at all. The result is a plain object
 * without the keys that were undefined.
 */
export function readOptions<K extends string>(value: unknown, what: string, keys: readonly K[]): { [P in K]?: unknown } {
  if (value === undefined) return {};
  if (value !== null && typeof value === 'object' && types.isProxy(value)) throw proxyError(what);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw paramError(`${what} must be an object, not ${describeValue(value)}`);
  }
  const out: { [P in K]?: unknown } = {};
  let key: K | undefined;
  try {
    // One guard for the whole read: the key's path is built only if reading it throws.
    for (key of keys) {
      const v = (value as Record<K, unknown>)[key];
      if (v !== undefined) out[key] = v;
    }
  } catch (error) {
    throw unreadable(`${what}.${String(key)}`, error);
  }
  return out;
}

/**
 * A description the caller built (an item, a query, changes), read once: its own enumerable
 * string keys and their values, as a plain object. Not an object, or a Proxy, is errSecParam
 * (`expected` says what it should be); a getter that throws is errSecParam naming its key.
 */
export function readRecord(value: unknown, what: string, expected: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object') throw paramError(`${what} must be ${expected}, not ${describeValue(value)}`);
  if (types.isProxy(value)) throw proxyError(what);
  const out: Record<string, unknown> = {};
  let key = '';
  try {
    for (key of Object.keys(value)) out[key] = (value as Record<string, unknown>)[key];
  } catch (error) {
    throw unreadable(`${what}.${key}`, error);
  }
  return out;
}

/** An AbortSignal option (`undefined` when absent); anything else is errSecParam naming it. */
export function requireSignal(value: unknown, what: string): AbortSignal | undefined {
  if (value === undefined) return undefined;
  // A Proxy is refused first: `instanceof` would run its getPrototypeOf trap.
  if (value === null || typeof value !== 'object' || types.isProxy(value) || !(value instanceof AbortSignal)) {
    throw paramError(`${what} must be an AbortSignal`);
  }
  return value;
}

/** What each LAContext property a caller sets takes (LAContext.h). */
// spec/semantics.md 17.3
export const laContextProperties = {
  touchIDAuthenticationAllowableReuseDuration: 'seconds',
  localizedReason: 'string',
  localizedCancelTitle: 'stringOrNil',
  localizedFallbackTitle: 'stringOrNil',
  interactionNotAllowed: 'boolean',
} as const satisfies Record<keyof LAContextSettable, string>;

/** An LAContext property name, or errSecParam. */
export function requireLAContextProperty(value: unknown, what: string): keyof LAContextSettable {
  if (typeof value !== 'string' || !Object.hasOwn(laContextProperties, value)) {
    throw paramError(`${what} must be one of ${Object.keys(laContextProperties).join(', ')}, not ${describeValue(value)}`);
  }
  return value as keyof LAContextSettable;
}

/**
 * A value for an LAContext property, or errSecParam naming the property. The reuse duration is
 * any non-negative number of seconds (LAContext caps it at five minutes, 17.3); the titles
 * take null, Apple's nil, for the default title.
 */
export function requireLAContextValue<K extends keyof LAContextSettable>(property: K, value: unknown): LAContextSettable[K] {
  switch (laContextProperties[property]) {
    case 'seconds':
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw paramError(`${property} must be a non-negative number of seconds, not ${describeValue(value)}`);
      }
      break;
    case 'string':
      requireString(value, property);
      break;
    case 'stringOrNil':
      if (value !== null && typeof value !== 'string') throw paramError(`${property} must be a string, or null for the default title`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') throw paramError(`${property} must be a boolean`);
      break;
  }
  return value as LAContextSettable[K];
}
