/**
 * The argument rules of every raw call, in Apple's argument order, as one table. The binding
 * (api/bind.ts) checks each call's arguments against its row once, before anything reaches a
 * backend, so bad input is errSecParam naming the argument whatever the backend; backends
 * receive arguments that already passed.
 */
import { paramError } from './errors.js';
import { SecHandle, type HandleKind } from './handles.js';
import { checkDictionary, describeValue } from './values.js';

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
  if (!(value instanceof SecHandle) || value.kind !== kind) {
    throw paramError(`${what} must be a ${kind} handle`);
  }
  return value;
}

export function requireData(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw paramError(`${what} must be a Buffer or Uint8Array`);
  return value;
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
