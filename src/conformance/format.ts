/**
 * The conformance scenario format (docs/conformance.md; JSON Schema in
 * conformance/scenarios/scenario.schema.json): data, not code. A scenario is an ordered list of
 * raw calls on a backend, each with its dictionaries and the expected status and result.
 *
 * Values in dictionaries are JSON with a few tagged objects for what JSON lacks:
 *   {"$utf8": "text"} / {"$hex": "00ff"} / {"$base64": "AAE="}  CFData (a certificate's DER, a .p12)
 *   {"$date": "2001-01-01T00:00:00Z"}     CFDate
 *   {"$ref": "name"} / {"$ref": "name.key"} / {"$ref": "name[0].key"}  a result saved by an
 *                                          earlier step (`"save": "name"`)
 * and, in strings and inside $utf8, the placeholder `{{p}}` for the run's unique prefix.
 */
import { errorTable } from '../errorTable.js';
import type { CFValue } from '../values.js';

export type ItemCallName = 'SecItemAdd' | 'SecItemCopyMatching' | 'SecItemUpdate' | 'SecItemDelete';
/** SecKey calls: positional `args` in Apple's argument order. */
export const KEY_CALLS = [
  'SecKeyCreateRandomKey', 'SecKeyCopyPublicKey', 'SecKeyCopyAttributes', 'SecKeyCopyExternalRepresentation',
  'SecKeyCreateWithData', 'SecKeyCreateSignature', 'SecKeyVerifySignature', 'SecKeyCreateEncryptedData',
  'SecKeyCreateDecryptedData', 'SecKeyCopyKeyExchangeResult', 'SecKeyIsAlgorithmSupported',
] as const;
export type KeyCallName = (typeof KEY_CALLS)[number];
/** SecCertificate, SecIdentity and SecPKCS12Import: positional `args` too. */
export const CERTIFICATE_CALLS = [
  'SecCertificateCreateWithData', 'SecCertificateCopyData', 'SecCertificateCopySubjectSummary', 'SecCertificateCopyKey',
  'SecIdentityCopyCertificate', 'SecIdentityCopyPrivateKey', 'SecPKCS12Import',
] as const;
export type CertificateCallName = (typeof CERTIFICATE_CALLS)[number];
export type CallName = ItemCallName | 'SecAccessControlCreateWithFlags' | KeyCallName | CertificateCallName;

export function isKeyCall(call: CallName): call is KeyCallName {
  return (KEY_CALLS as readonly string[]).includes(call);
}

export function isCertificateCall(call: CallName): call is CertificateCallName {
  return (CERTIFICATE_CALLS as readonly string[]).includes(call);
}

/** A call whose arguments are the step's positional `args` (SecKey and certificate calls). */
export function isPositionalCall(call: CallName): call is KeyCallName | CertificateCallName {
  return isKeyCall(call) || isCertificateCall(call);
}

/**
 * Emulator-only controls: the device (spec/semantics.md section 9) and the simulated user who
 * answers authentication prompts (section 10). Scenarios that use them skip on native.
 */
export type ControlName =
  | 'lock' | 'unlock' | 'restart' | 'passcodeOff' | 'passcodeOn'
  | 'userApprove' | 'userCancel' | 'userFail' | 'biometryOff' | 'biometryOn';

/** A JSON value as written in a scenario file. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface Expectation {
  /** 0, an OSStatus number, or its Apple name ("errSecDuplicateItem"). */
  status: number | string;
  /** A matcher for the result; absent = not checked; null = no result (undefined). */
  result?: Json;
}

export interface CallStep {
  call: CallName;
  /** SecItemAdd's dictionary. */
  attributes?: Record<string, Json>;
  /** The query of SecItemCopyMatching, SecItemUpdate and SecItemDelete. */
  query?: Record<string, Json>;
  /** SecItemUpdate's second dictionary. */
  attributesToUpdate?: Record<string, Json>;
  /** SecAccessControlCreateWithFlags's protection (a kSecAttrAccessible value). */
  protection?: Json;
  /** SecAccessControlCreateWithFlags's flags (kSecAccessControl* bits). */
  flags?: number;
  /** A SecKey or certificate call's arguments in Apple's order (handles as {"$ref": …}, data as {"$utf8"|"$hex"|"$base64": …}). */
  args?: Json[];
  expect: Expectation;
  /** Keeps the result under this name for `$ref` in later steps. */
  save?: string;
  /** Why this step is here, shown in reports. */
  note?: string;
}

export interface ControlStep {
  control: ControlName;
  note?: string;
}

/** Emulator-only check: how many authentication prompts the scenario has shown so far. */
export interface PromptStep {
  prompts: number;
  note?: string;
}

export type Step = CallStep | ControlStep | PromptStep;

export interface Scenario {
  id: string;
  title: string;
  /** The rule of spec/semantics.md, e.g. "3.11". */
  rule: string;
  /** The Apple source the rule cites; defaults to conformance/scenarios/sources.json for the rule. */
  source?: string;
  /** The emulator's app identity; absent = a plain unsigned process. */
  app?: { accessGroups: string[] };
  /** Why this scenario cannot run on a real keychain (device controls, …). */
  emulatorOnly?: string;
  /** A documented emulator limit: the scenario is reported, not counted as a failure. */
  knownDifference?: string;
  steps: Step[];
}

/** A corpus file: one spec section's scenarios. */
export interface ScenarioFile {
  section: string;
  scenarios: Scenario[];
}

/** A scenario as loaded: its file and resolved source. */
export interface LoadedScenario extends Scenario {
  file: string;
  source: string;
}

export function isCallStep(step: Step): step is CallStep {
  return 'call' in step;
}

export function isPromptStep(step: Step): step is PromptStep {
  return 'prompts' in step;
}

const statusByName = new Map<string, number>();
for (const [status, [name]] of errorTable) statusByName.set(name, status);

/** The OSStatus an expectation names; throws for an unknown name (a corpus error). */
export function expectedStatus(status: number | string): number {
  if (typeof status === 'number') return status;
  const found = statusByName.get(status);
  if (found === undefined) throw new Error(`unknown OSStatus name ${JSON.stringify(status)}`);
  return found;
}

/** The placeholder replaced by the run prefix. */
export const PREFIX_PLACEHOLDER = '{{p}}';

export function substitutePrefix(text: string, prefix: string): string {
  return text.split(PREFIX_PLACEHOLDER).join(prefix);
}

/** Results saved by earlier steps, by name. */
export type Saved = ReadonlyMap<string, unknown>;

/** Follows "name", "name.key" or "name[0].key" through saved results. */
export function resolveRef(path: string, saved: Saved): unknown {
  const parts = path.match(/[^.[\]]+/g) ?? [];
  const [name, ...rest] = parts;
  if (name === undefined || !saved.has(name)) throw new Error(`$ref ${JSON.stringify(path)}: no saved result ${JSON.stringify(name)}`);
  let value: unknown = saved.get(name);
  for (const part of rest) {
    if (value === null || typeof value !== 'object') {
      throw new Error(`$ref ${JSON.stringify(path)}: ${JSON.stringify(part)} is not in the saved result`);
    }
    value = (value as Record<string, unknown>)[part];
  }
  if (value === undefined) throw new Error(`$ref ${JSON.stringify(path)}: the saved result has no such value`);
  return value;
}

function singleTag(value: { [key: string]: Json }): [string, Json] | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1 || !keys[0]!.startsWith('$')) return undefined;
  return [keys[0]!, value[keys[0]!]!];
}

/**
 * Turns a scenario dictionary value into the CF value a backend receives: tagged objects
 * into Buffers, Dates and saved results, `{{p}}` into the prefix.
 */
export function decodeValue(value: Json, prefix: string, saved: Saved): CFValue {
  if (value === null) throw new Error('null is not a CF value; leave the key out');
  if (typeof value === 'string') return substitutePrefix(value, prefix);
  if (typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => decodeValue(v, prefix, saved));
  const tag = singleTag(value);
  if (tag) {
    const [name, arg] = tag;
    switch (name) {
      case '$utf8':
        return Buffer.from(substitutePrefix(String(arg), prefix), 'utf8');
      case '$hex':
        return Buffer.from(String(arg), 'hex');
      case '$base64':
        return Buffer.from(String(arg), 'base64');
      case '$date':
        return new Date(String(arg));
      case '$ref':
        return resolveRef(String(arg), saved) as CFValue;
      default:
        throw new Error(`${name} is not a value encoding (use $utf8, $hex, $base64, $date or $ref)`);
    }
  }
  const out: Record<string, CFValue> = {};
  for (const [k, v] of Object.entries(value)) out[k] = decodeValue(v, prefix, saved);
  return out;
}

export function decodeDictionary(dict: Record<string, Json>, prefix: string, saved: Saved): Record<string, CFValue> {
  return decodeValue(dict, prefix, saved) as Record<string, CFValue>;
}

/** The dictionaries a call step passes, in Apple's argument order (none for non-SecItem calls). */
export function stepDictionaries(step: CallStep): Record<string, Json>[] {
  if (isPositionalCall(step.call)) return [];
  switch (step.call) {
    case 'SecAccessControlCreateWithFlags':
      return [];
    case 'SecItemAdd':
      return [step.attributes ?? {}];
    case 'SecItemUpdate':
      return [step.query ?? {}, step.attributesToUpdate ?? {}];
    default:
      return [step.query ?? {}];
  }
}
