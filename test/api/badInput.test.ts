/**
 * DESIGN.md principle 5 over the raw layer and its companions: every argument of every raw call
 * (bound over an emulator and over the process default), SecCopyErrorMessageString and
 * SecError, LAContext and its setters, createEmulator and the Emulator's own methods,
 * openBackend and setDefaultBackend, given each bad value of test/fixtures/badValues.ts, is
 * errSecParam — never a TypeError, never errSecInternalComponent, never a hang.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argumentRules, RAW_CALLS } from '../../src/arguments.js';
import { openBackend, setDefaultBackend } from '../../src/api/default.js';
import { Emulator, createEmulator } from '../../src/api/emulator.js';
import { LAContext } from '../../src/api/laContext.js';
import { defaultCalls } from '../../src/api/default.js';
import * as c from '../../src/constants.js';
import { SecCopyErrorMessageString, SecError } from '../../src/errors.js';
import type { SecHandle } from '../../src/handles.js';
import { rows, expectRefused, type Position } from '../fixtures/badValues.js';

type Any = never;
const emu = createEmulator({ app: { accessGroups: ['TEAM.app'] } });
afterAll(() => emu.close());

/** A valid value for each argument rule, so one argument at a time can be made bad. */
let valid: Record<string, unknown>;
beforeAll(async () => {
  const key = await emu.SecKeyCreateRandomKey({ [c.kSecAttrKeyType]: c.kSecAttrKeyTypeECSECPrimeRandom, [c.kSecAttrKeySizeInBits]: 256 });
  valid = {
    dictionary: { [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecAttrAccount]: 'a' },
    data: Buffer.from('data'),
    string: 's',
    nonEmptyString: 's',
    integer: 1,
    flags: 0,
    SecKey: key,
    SecAccessControl: await emu.SecAccessControlCreateWithFlags(c.kSecAttrAccessibleWhenUnlocked, 0),
    LAContext: new LAContext({ backend: emu }),
  };
});

function rawPositions(target: string, calls: Record<string, (...args: unknown[]) => Promise<unknown>>): Position[] {
  return RAW_CALLS.flatMap((call) => argumentRules[call].map(([name], i): Position => ({
    name: `${target}.${call}(${name})`,
    mode: 'async',
    run: (bad) => {
      const args = argumentRules[call].map(([, rule]) => valid[rule]);
      args[i] = bad;
      return calls[call]!(...args);
    },
  })));
}

const ctx = () => valid.LAContext as LAContext;
const ac = () => valid.SecAccessControl as SecHandle;

const laContextPositions: Position[] = [
  { name: 'new LAContext(options)', mode: 'sync', valid: ['undefined'], run: (bad) => new LAContext(bad as Any) },
  { name: 'new LAContext({ backend })', mode: 'sync', valid: ['undefined'], run: (bad) => new LAContext({ backend: bad as Any }) },
  { name: 'canEvaluatePolicy(policy)', mode: 'async', run: (bad) => ctx().canEvaluatePolicy(bad as Any) },
  { name: 'evaluatePolicy(policy)', mode: 'async', run: (bad) => ctx().evaluatePolicy(bad as Any, 'why') },
  { name: 'evaluatePolicy(localizedReason)', mode: 'async', run: (bad) => ctx().evaluatePolicy(2, bad as Any) },
  { name: 'evaluatePolicy(options)', mode: 'async', valid: ['undefined'], run: (bad) => ctx().evaluatePolicy(2, 'why', bad as Any) },
  { name: 'evaluatePolicy(options.signal)', mode: 'async', valid: ['undefined'], run: (bad) => ctx().evaluatePolicy(2, 'why', { signal: bad as Any }) },
  { name: 'evaluateAccessControl(accessControl)', mode: 'async', run: (bad) => ctx().evaluateAccessControl(bad as Any, 1, 'why') },
  { name: 'evaluateAccessControl(operation)', mode: 'async', run: (bad) => ctx().evaluateAccessControl(ac(), bad as Any, 'why') },
  { name: 'evaluateAccessControl(localizedReason)', mode: 'async', run: (bad) => ctx().evaluateAccessControl(ac(), 1, bad as Any) },
  { name: 'evaluateAccessControl(options)', mode: 'async', valid: ['undefined'], run: (bad) => ctx().evaluateAccessControl(ac(), 1, 'why', bad as Any) },
  { name: 'evaluateAccessControl(options.signal)', mode: 'async', valid: ['undefined'], run: (bad) => ctx().evaluateAccessControl(ac(), 1, 'why', { signal: bad as Any }) },
  { name: 'touchIDAuthenticationAllowableReuseDuration =', mode: 'sync', run: (bad) => { ctx().touchIDAuthenticationAllowableReuseDuration = bad as Any; } },
  { name: 'localizedReason =', mode: 'sync', run: (bad) => { ctx().localizedReason = bad as Any; } },
  // null is Apple's nil: the default title.
  { name: 'localizedCancelTitle =', mode: 'sync', valid: ['null'], run: (bad) => { ctx().localizedCancelTitle = bad as Any; } },
  { name: 'localizedFallbackTitle =', mode: 'sync', valid: ['null'], run: (bad) => { ctx().localizedFallbackTitle = bad as Any; } },
  { name: 'interactionNotAllowed =', mode: 'sync', run: (bad) => { ctx().interactionNotAllowed = bad as Any; } },
];

const emulatorPositions: Position[] = [
  { name: 'createEmulator(options)', mode: 'sync', valid: ['undefined'], run: (bad) => createEmulator(bad as Any).close() },
  { name: 'createEmulator({ path })', mode: 'sync', valid: ['undefined'], run: (bad) => createEmulator({ path: bad as Any }).close() },
  { name: 'createEmulator({ createDirectory })', mode: 'sync', valid: ['undefined'], run: (bad) => createEmulator({ createDirectory: bad as Any }).close() },
  { name: 'createEmulator({ app })', mode: 'sync', valid: ['undefined'], run: (bad) => createEmulator({ app: bad as Any }).close() },
  { name: 'createEmulator({ app: { accessGroups } })', mode: 'sync', run: (bad) => createEmulator({ app: { accessGroups: bad as Any } }).close() },
  { name: 'createEmulator({ app: { accessGroups: [group] } })', mode: 'sync', run: (bad) => createEmulator({ app: { accessGroups: [bad as Any] } }).close() },
  { name: 'new Emulator(backend)', mode: 'sync', run: (bad) => new Emulator(bad as Any) },
  { name: 'Emulator.passcodeSet =', mode: 'sync', run: (bad) => { emu.passcodeSet = bad as Any; } },
  { name: 'Emulator.laContextBiometryType(context)', mode: 'sync', run: (bad) => emu.laContextBiometryType(bad as Any) },
  { name: 'Emulator.laContextGet(context)', mode: 'sync', run: (bad) => emu.laContextGet(bad as Any, 'localizedReason') },
  { name: 'Emulator.laContextGet(property)', mode: 'sync', run: (bad) => emu.laContextGet(ctx(), bad as Any) },
  { name: 'Emulator.laContextSet(context)', mode: 'sync', run: (bad) => emu.laContextSet(bad as Any, 'localizedReason', 'r') },
  { name: 'Emulator.laContextSet(property)', mode: 'sync', run: (bad) => emu.laContextSet(ctx(), bad as Any, 'r' as Any) },
  { name: 'Emulator.laContextSet(value)', mode: 'sync', run: (bad) => emu.laContextSet(ctx(), 'localizedReason', bad as Any) },
  { name: 'Emulator.laContextInvalidate(context)', mode: 'sync', run: (bad) => emu.laContextInvalidate(bad as Any) },
];

const selectPositions: Position[] = [
  { name: 'openBackend(options)', mode: 'sync', run: (bad) => openBackend(bad as Any) },
  { name: 'openBackend({ backend })', mode: 'sync', run: (bad) => openBackend({ backend: bad as Any }) },
  { name: 'openBackend({ path })', mode: 'sync', valid: ['undefined'], run: (bad) => openBackend({ backend: 'emulator', path: bad as Any }).close() },
  { name: 'openBackend({ app })', mode: 'sync', valid: ['undefined'], run: (bad) => openBackend({ backend: 'emulator', app: bad as Any }).close() },
  // undefined is valid: back to the environment's choice.
  { name: 'setDefaultBackend(next)', mode: 'sync', valid: ['undefined'], run: (bad) => setDefaultBackend(bad as Any) },
  { name: 'setDefaultBackend({ backend })', mode: 'sync', run: (bad) => setDefaultBackend({ backend: bad as Any }) },
  { name: 'setDefaultBackend({ path })', mode: 'sync', valid: ['undefined'], run: (bad) => setDefaultBackend({ backend: 'emulator', path: bad as Any }) },
];

const errorPositions: Position[] = [
  { name: 'SecCopyErrorMessageString(status)', mode: 'sync', run: (bad) => SecCopyErrorMessageString(bad as Any) },
  { name: 'new SecError(status)', mode: 'sync', run: (bad) => new SecError(bad as Any) },
  { name: 'new SecError(status, detail)', mode: 'sync', valid: ['undefined'], run: (bad) => new SecError(-25300, bad as Any) },
  { name: 'new SecError(status, detail, options)', mode: 'sync', valid: ['undefined'], run: (bad) => new SecError(-25300, 'd', bad as Any) },
  { name: 'new SecError(…, { laErrorCode })', mode: 'sync', valid: ['undefined'], run: (bad) => new SecError(-128, 'd', { laErrorCode: bad as Any }) },
];

describe('bad input to the raw layer is errSecParam (DESIGN.md principle 5)', () => {
  it.each(rows(rawPositions('emulator', emu as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  // The arguments are checked before the default backend is even chosen.
  it.each(rows(rawPositions('top-level', defaultCalls as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it.each(rows(laContextPositions))('LAContext %s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it.each(rows(emulatorPositions))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it.each(rows(selectPositions))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
    setDefaultBackend(undefined);
  });

  it.each(rows(errorPositions))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it('the emulator was not changed by any refused call', async () => {
    expect(emu.passcodeSet).toBe(true);
    expect(emu.prompts).toEqual([]);
    await expect(emu.SecItemCopyMatching({ [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecMatchLimit]: c.kSecMatchLimitAll }))
      .rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });
});

describe('what the refusals say', () => {
  it('SecCopyErrorMessageString(Object.create(null)) is errSecParam naming status', () => {
    expect(() => SecCopyErrorMessageString(Object.create(null) as Any)).toThrow(expect.objectContaining({ status: -50, message: expect.stringContaining('status') }));
    expect(() => SecCopyErrorMessageString(-25300.5)).toThrow(expect.objectContaining({ status: -50 }));
    expect(() => SecCopyErrorMessageString(2 ** 31)).toThrow(expect.objectContaining({ status: -50 }));
    expect(SecCopyErrorMessageString(-(2 ** 31))).toBe(`OSStatus ${-(2 ** 31)}`);
  });

  it('a dictionary nested 10,000 deep is errSecParam naming the path, not a stack overflow', async () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { k: deep };
    await expect(emu.SecItemAdd({ [c.kSecClass]: c.kSecClassGenericPassword, gena: deep } as Any))
      .rejects.toMatchObject({ status: -50, message: expect.stringMatching(/kSecAttrGeneric \("gena"\)(\.k){32} is nested more than 32 levels deep/) });
  });

  it('a throwing getter in a dictionary is errSecParam naming the key', async () => {
    const dict = { [c.kSecClass]: c.kSecClassGenericPassword, get acct(): string { throw new Error('boom'); } };
    await expect(emu.SecItemAdd(dict)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('kSecAttrAccount ("acct") could not be read') });
  });

  it('setDefaultBackend and openBackend name the bad option', () => {
    expect(() => openBackend({ backend: 5n as Any })).toThrow(/options\.backend.*5n/);
    expect(() => setDefaultBackend({ backend: 'emulator', app: { accessGroups: 5n as Any } })).toThrow(/accessGroups/);
  });
});
