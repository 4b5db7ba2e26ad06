import { describe, expect, it } from 'vitest';
import {
  RAW_CALLS, argumentRules, checkArgument, checkArguments, type ArgumentRule, type RuledCall,
} from '../src/arguments.js';
import { SecError } from '../src/errors.js';
import { makeHandle, type HandleKind } from '../src/handles.js';

// DESIGN.md principle 5 and spec 2.9: bad input is errSecParam with a message that names the
// offending argument, before anything reaches a backend.

const HANDLE_KINDS: HandleKind[] = ['SecKey', 'SecCertificate', 'SecIdentity', 'SecAccessControl', 'SecKeychainItem', 'LAContext'];
const handle = (kind: HandleKind) => makeHandle(kind, 'emulator', {});

/** A value that passes each rule. */
function validFor(rule: ArgumentRule): unknown {
  switch (rule) {
    case 'dictionary': return { class: 'genp' };
    case 'data': return Buffer.from('bytes');
    case 'string': return 'text';
    case 'nonEmptyString': return 'text';
    case 'integer': return 3;
    case 'flags': return 1;
    default: return handle(rule);
  }
}

/** Values each rule must refuse, with a name for the test title. */
function wrongFor(rule: ArgumentRule): [string, unknown][] {
  const common: [string, unknown][] = [['undefined', undefined], ['null', null], ['a symbol', Symbol('s')], ['a function', () => 1]];
  switch (rule) {
    case 'dictionary':
      return [...common, ['a string', 'genp'], ['a number', 1], ['an array', [{ class: 'genp' }]], ['a Buffer', Buffer.from('x')],
        ['a Date', new Date(0)], ['a Map', new Map()], ['a handle', handle('SecKey')]];
    case 'data':
      return [...common, ['a string', 'bytes'], ['an array of numbers', [1, 2]], ['an ArrayBuffer', new ArrayBuffer(2)], ['a dictionary', {}]];
    case 'string':
      return [...common, ['a number', 1], ['a Buffer', Buffer.from('x')], ['a boolean', true]];
    case 'nonEmptyString':
      return [...common, ['the empty string', ''], ['a number', 1], ['a Buffer', Buffer.from('x')], ['a String object', new String('x')]];
    case 'integer':
      return [...common, ['a non-integer', 1.5], ['NaN', Number.NaN], ['Infinity', Number.POSITIVE_INFINITY], ['a numeric string', '1'], ['a bigint', 1n]];
    case 'flags':
      return [...common, ['a bigint', 1n], ['a non-integer', 0.5], ['a numeric string', '1'], ['2^32', 2 ** 32], ['-2^31 - 1', -(2 ** 31) - 1], ['NaN', Number.NaN]];
    default:
      return [...common, ['a plain object', {}], ['a string', rule],
        ...HANDLE_KINDS.filter((k) => k !== rule).map((k): [string, unknown] => [`a ${k} handle`, handle(k)])];
  }
}

/** The SecError `fn` throws; fails the test if it returns. */
function secErrorOf(fn: () => unknown): SecError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecError);
    return error as SecError;
  }
  throw new Error('expected a SecError');
}

const rows = Object.entries(argumentRules) as [RuledCall, readonly (readonly [string, ArgumentRule])[]][];

const cases = rows.flatMap(([call, args]) =>
  args.flatMap(([name, rule], index) =>
    wrongFor(rule).map(([what, value]) => ({ call, name, rule, index, what, value }))));

/** `checked` is a fresh Buffer over the same memory as `given` (not a copy, not the caller's object). */
function expectView(checked: unknown, given: Uint8Array): void {
  expect(Buffer.isBuffer(checked)).toBe(true);
  const view = checked as Buffer;
  expect(view).not.toBe(given);
  expect(view.buffer).toBe(given.buffer);
  expect([view.byteOffset, view.byteLength]).toEqual([given.byteOffset, given.byteLength]);
}

describe('argumentRules (spec 2.9; DESIGN principle 5)', () => {
  it.each(rows.map(([call]) => call))('2.9: %s accepts valid arguments and returns them in order', (call) => {
    const args = argumentRules[call].map(([, rule]) => validFor(rule));
    const checked = checkArguments(call, args);
    expect(checked).toHaveLength(args.length);
    argumentRules[call].forEach(([, rule], i) => {
      if (rule === 'dictionary') expect(checked[i]).toEqual(args[i]);
      else if (rule === 'data') expectView(checked[i], args[i] as Uint8Array);
      else expect(checked[i]).toBe(args[i]);
    });
  });

  it.each(cases.map((c) => [`${c.call}(${c.name}: ${c.rule})`, c.what, c] as const))(
    '2.9: %s refuses %s with errSecParam naming the argument', (_title, _what, c) => {
      const args = argumentRules[c.call].map(([, rule]) => validFor(rule));
      args[c.index] = c.value;
      const error = secErrorOf(() => checkArguments(c.call, args));
      expect(error).toMatchObject({ status: -50, code: 'errSecParam' });
      expect(error.message).toContain(c.name);
    });

  it.each(rows.filter(([, args]) => args.length > 1).map(([call]) => call))(
    '2.9: %s names the first bad argument when several are bad', (call) => {
      const args = argumentRules[call].map(() => Symbol('bad'));
      const error = secErrorOf(() => checkArguments(call, args));
      expect(error.message).toContain(argumentRules[call][0]![0]);
    });

it('2.9: SecAccessControlCreateWithFlags(flags: flags) refuses a bigint with errSecParam naming the argument', () => {
    const error = secErrorOf(() => checkArguments('SecAccessControlCreateWithFlags', ['ak', 1n]));
    expect(error).toMatchObject({ status: -50, code: 'errSecParam' });
    expect(error.message).toContain('flags');
  });

  it('2.9: a missing argument (too few given) is errSecParam naming it', () => {
    const error = secErrorOf(() => checkArguments('SecItemUpdate', [{ class: 'genp' }]));
    expect(error).toMatchObject({ code: 'errSecParam' });
    expect(error.message).toContain('attributesToUpdate');
  });

  it('2.9: a dictionary argument is checked deeply: a bad value inside is errSecParam naming the key', () => {
    const error = secErrorOf(() => checkArguments('SecItemAdd', [{ class: 'genp', acct: undefined }]));
    expect(error).toMatchObject({ code: 'errSecParam' });
    expect(error.message).toContain('kSecAttrAccount');
  });

  it('2.9: a dictionary comes back as a deep copy of its structure, its data as a view of the caller\'s bytes', () => {
    const dict = { class: 'genp', v_Data: Buffer.from('pw'), nested: { a: [1, 2] } };
    const [checked] = checkArguments('SecItemAdd', [dict]) as [Record<string, unknown>];
    expect(checked).toEqual(dict);
    expect(checked).not.toBe(dict);
    dict.nested.a.push(3);
    expect(checked.nested).toEqual({ a: [1, 2] });
    // Data is not copied (every backend reads it before the call returns its Promise).
    expectView(checked.v_Data, dict.v_Data);
  });

  it('11.4: flags take any 32-bit mask, signed or unsigned', () => {
    for (const flags of [0, 1, 0x40000000, -0x80000000, 0x80000000, 0xffffffff, -1]) {
      expect(checkArguments('SecAccessControlCreateWithFlags', ['ak', flags])).toEqual(['ak', flags]);
    }
  });

  it('2.9: the string rule (no row uses it today) accepts the empty string; nonEmptyString does not', () => {
    expect(checkArgument('string', '', 'label')).toBe('');
    expect(secErrorOf(() => checkArgument('string', 1, 'label')).message).toContain('label');
    expect(secErrorOf(() => checkArgument('nonEmptyString', '', 'label')).message).toContain('label');
  });

  it('2.9: a data argument may be a plain Uint8Array', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expectView(checkArgument('data', bytes, 'keyData'), bytes);
  });

  it('2.9: data is read through the array\'s own slots: a property the caller put on it never runs', () => {
    const bytes = Buffer.from('abc');
    const same = new Uint8Array(bytes.buffer, bytes.byteOffset, 3);
    for (const name of ['length', 'buffer', 'byteOffset', 'byteLength', 'valueOf']) {
      Object.defineProperty(bytes, name, { get() { throw new Error(`${name} was read`); } });
    }
    expectView(checkArgument('data', bytes, 'dataToSign'), same);
  });

  it('2.9: a handle from another backend passes (the backend itself refuses it)', () => {
    const native = makeHandle('SecKey', 'native', {});
    expect(checkArgument('SecKey', native, 'key')).toBe(native);
  });
});

describe('RAW_CALLS', () => {
  it('DESIGN public contract: every raw call has a row in argumentRules', () => {
    for (const call of RAW_CALLS) expect(argumentRules).toHaveProperty(call);
  });

  it('DESIGN public contract: the rows beyond the raw calls are LAContext\'s asynchronous methods', () => {
    const extra = Object.keys(argumentRules).filter((k) => !(RAW_CALLS as readonly string[]).includes(k));
    expect(extra.sort()).toEqual(['laContextCanEvaluatePolicy', 'laContextEvaluateAccessControl', 'laContextEvaluatePolicy']);
  });

  it('DESIGN public contract: lists each raw call once', () => {
    expect(RAW_CALLS.length).toBeGreaterThan(0);
    expect(new Set(RAW_CALLS).size).toBe(RAW_CALLS.length);
  });
});
