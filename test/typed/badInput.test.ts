/**
 * DESIGN.md principle 5 over the whole typed layer: every argument of every typed entry point —
 * the Keychain object and its options, the builders, the keytar facade — given each bad value
 * of test/fixtures/badValues.ts is errSecParam (a rejection for the Promise-returning methods,
 * a synchronous throw for constructors and builders), never a TypeError, never
 * errSecInternalComponent, never a hang. The one exception is keytar's own arguments: there the
 * facade throws what keytar threw (an `Error` or a `TypeError`, synchronously, with keytar's
 * message), carrying status -50 and code errSecParam.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/api/emulator.js';
import { SecError } from '../../src/errors.js';
import { genericPassword, internetPassword, type ItemBuilder } from '../../src/typed/builders.js';
import { Keychain } from '../../src/typed/keychain.js';
import { createKeytar } from '../../src/typed/keytar.js';
import { schemas } from '../../src/typed/schema.js';
import { BAD_VALUE_NAMES, BAD_VALUES, rows, expectRefused, type Position } from '../fixtures/badValues.js';

const emu = createEmulator();
afterAll(() => emu.close());
const kc = new Keychain({ backend: emu });
const keytar = createKeytar(emu);

const item = { class: 'genericPassword', service: 's', account: 'a' } as const;
const query = { class: 'genericPassword', service: 's' } as const;
const inet = { class: 'internetPassword', server: 'example.com', account: 'a' } as const;
type Any = never; // the bad values go where the types forbid them

/** Positions inside an options object of a Keychain method (`at` builds the call). */
function optionFields(method: string, at: (options: unknown) => unknown, fields: readonly string[]): Position[] {
  return fields.map((field) => ({
    name: `Keychain.${method} options.${field}`, mode: 'async', valid: ['undefined'], run: (bad) => at({ [field]: bad }),
  }));
}

/** Positions inside a typed item description: the class and every attribute. */
function itemFields(name: string, at: (item: unknown) => unknown, mode: 'add' | 'query'): Position[] {
  const out: Position[] = [{ name: `${name}.class`, mode: 'async', run: (bad) => at({ ...item, class: bad }) }];
  for (const [schemaName, base] of [['genericPassword', item], ['internetPassword', inet]] as const) {
    for (const [attr, def] of Object.entries(schemas[schemaName].attributes)) {
      if (def.readOnly && mode === 'add') continue;
      out.push({ name: `${name} ${schemaName}.${attr}`, mode: 'async', valid: ['undefined'], run: (bad) => at({ ...base, [attr]: bad }) });
    }
    out.push({ name: `${name} ${schemaName}.keychain`, mode: 'async', valid: ['undefined'], run: (bad) => at({ ...base, keychain: bad }) });
  }
  return out;
}

const CALL_OPTIONS = ['signal', 'prompt', 'raw'] as const;

const keychainPositions: Position[] = [
  { name: 'new Keychain(options)', mode: 'sync', valid: ['undefined'], run: (bad) => new Keychain(bad as Any) },
  { name: 'new Keychain({ backend })', mode: 'sync', valid: ['undefined'], run: (bad) => new Keychain({ backend: bad as Any }) },
  { name: 'new Keychain({ keychain })', mode: 'sync', valid: ['undefined'], run: (bad) => new Keychain({ keychain: bad as Any }) },
  { name: 'a backend function returning it', mode: 'async', run: (bad) => new Keychain({ backend: () => bad as Any }).get(query) },
  { name: 'options.raw entries', mode: 'async', run: (bad) => kc.get(query, { raw: { acct: bad as Any } }) },

  { name: 'Keychain.set(item)', mode: 'async', run: (bad) => kc.set(bad as Any, 'v') },
  { name: 'Keychain.set(value)', mode: 'async', run: (bad) => kc.set(item, bad as Any) },
  { name: 'Keychain.set(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.set(item, 'v', bad as Any) },
  ...optionFields('set', (o) => kc.set(item, 'v', o as Any), CALL_OPTIONS),
  ...itemFields('Keychain.set', (i) => kc.set(i as Any, 'v'), 'add'),

  { name: 'Keychain.add(item)', mode: 'async', run: (bad) => kc.add(bad as Any, 'v') },
  { name: 'Keychain.add(value)', mode: 'async', run: (bad) => kc.add(item, bad as Any) },
  { name: 'Keychain.add(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.add(item, 'v', bad as Any) },
  ...optionFields('add', (o) => kc.add(item, 'v', o as Any), CALL_OPTIONS),
  ...itemFields('Keychain.add', (i) => kc.add(i as Any, 'v'), 'add'),

  { name: 'Keychain.get(query)', mode: 'async', run: (bad) => kc.get(bad as Any) },
  { name: 'Keychain.get(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.get(query, bad as Any) },
  ...optionFields('get', (o) => kc.get(query, o as Any), [...CALL_OPTIONS, 'encoding']),
  ...itemFields('Keychain.get', (q) => kc.get(q as Any), 'query'),

  { name: 'Keychain.getItem(query)', mode: 'async', run: (bad) => kc.getItem(bad as Any) },
  { name: 'Keychain.getItem(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.getItem(query, bad as Any) },
  ...optionFields('getItem', (o) => kc.getItem(query, o as Any), [...CALL_OPTIONS, 'data']),

  { name: 'Keychain.update(query)', mode: 'async', run: (bad) => kc.update(bad as Any, { comment: 'c' } as Any) },
  { name: 'Keychain.update(changes)', mode: 'async', run: (bad) => kc.update(query, bad as Any) },
  { name: 'Keychain.update(changes.value)', mode: 'async', valid: ['undefined'], run: (bad) => kc.update(query, { value: bad as Any }) },
  { name: 'Keychain.update(changes.comment)', mode: 'async', valid: ['undefined'], run: (bad) => kc.update(query, { comment: bad as Any }) },
  { name: 'Keychain.update(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.update(query, { comment: 'c' }, bad as Any) },
  ...optionFields('update', (o) => kc.update(query, { comment: 'c' }, o as Any), CALL_OPTIONS),

  { name: 'Keychain.delete(query)', mode: 'async', run: (bad) => kc.delete(bad as Any) },
  { name: 'Keychain.delete(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.delete(query, bad as Any) },
  ...optionFields('delete', (o) => kc.delete(query, o as Any), CALL_OPTIONS),

  { name: 'Keychain.find(query)', mode: 'async', run: (bad) => kc.find(bad as Any) },
  { name: 'Keychain.find(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.find(query, bad as Any) },
  ...optionFields('find', (o) => kc.find(query, o as Any), [...CALL_OPTIONS, 'limit', 'data']),
  ...itemFields('Keychain.find', (q) => kc.find(q as Any), 'query'),

  { name: 'Keychain.list(classes)', mode: 'async', valid: ['undefined'], run: (bad) => kc.list(bad as Any) },
  { name: 'Keychain.list([class])', mode: 'async', run: (bad) => kc.list([bad as Any]) },
  { name: 'Keychain.list(options)', mode: 'async', valid: ['undefined'], run: (bad) => kc.list(undefined, bad as Any) },
  ...optionFields('list', (o) => kc.list(undefined, o as Any), [...CALL_OPTIONS, 'limit', 'data', 'keychain']),
];

function builderPositions(name: 'genericPassword' | 'internetPassword', make: () => ItemBuilder<never>): Position[] {
  const settable = [...Object.entries(schemas[name].attributes).filter(([, d]) => !d.readOnly).map(([n]) => n), 'keychain'];
  return settable.flatMap((field): Position[] => {
    const set = (bad: unknown) => (make() as unknown as Record<string, (v: unknown) => { build(): unknown; query(): unknown }>)[field]!(bad);
    return [
      { name: `${name}().${field}(value).build()`, mode: 'sync', run: (bad) => set(bad).build() },
      { name: `${name}().${field}(value).query()`, mode: 'sync', run: (bad) => set(bad).query() },
    ];
  });
}

const keytarPositions: Position[] = [
  { name: 'createKeytar(backend)', mode: 'sync', valid: ['undefined'], run: (bad) => createKeytar(bad as Any) },
  { name: 'createKeytar(() => backend)', mode: 'async', run: (bad) => createKeytar(() => bad as Any).getPassword('s', 'a') },
];

/**
 * keytar's own arguments: keytar's argument errors, thrown synchronously as keytar threw them
 * (lib/keytar.js `checkRequired`, then its addon's type checks in src/main.cc), with errSecParam
 * as extra properties: a falsy value is `Error` "<Name> is required.", any other non-string
 * `TypeError` "Parameter '<name>' must be a string" (no bad value here has a length of 0).
 */
const keytarArguments: [string, 'Service' | 'Account' | 'Password', 'service' | 'username' | 'password', (bad: unknown) => unknown][] = [
  ['getPassword(service)', 'Service', 'service', (bad) => keytar.getPassword(bad as Any, 'a')],
  ['getPassword(account)', 'Account', 'username', (bad) => keytar.getPassword('s', bad as Any)],
  ['setPassword(service)', 'Service', 'service', (bad) => keytar.setPassword(bad as Any, 'a', 'p')],
  ['setPassword(account)', 'Account', 'username', (bad) => keytar.setPassword('s', bad as Any, 'p')],
  ['setPassword(password)', 'Password', 'password', (bad) => keytar.setPassword('s', 'a', bad as Any)],
  ['deletePassword(service)', 'Service', 'service', (bad) => keytar.deletePassword(bad as Any, 'a')],
  ['deletePassword(account)', 'Account', 'username', (bad) => keytar.deletePassword('s', bad as Any)],
  ['findPassword(service)', 'Service', 'service', (bad) => keytar.findPassword(bad as Any)],
  ['findCredentials(service)', 'Service', 'service', (bad) => keytar.findCredentials(bad as Any)],
];
const keytarArgumentRows = keytarArguments.flatMap(([name, label, parameter, run]) =>
  BAD_VALUE_NAMES.map((value) => [name, value, label, parameter, run] as const));

describe('bad input to the typed layer is errSecParam (DESIGN.md principle 5)', () => {
  it.each(rows(keychainPositions))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it.each(rows([
    ...builderPositions('genericPassword', genericPassword as unknown as () => ItemBuilder<never>),
    ...builderPositions('internetPassword', internetPassword as unknown as () => ItemBuilder<never>),
  ]))('%s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it.each(rows(keytarPositions))('keytar %s: %s', async (_p, _v, position, value) => {
    await expectRefused(position, value);
  });

  it.each(keytarArgumentRows)('keytar %s: %s is keytar\'s own argument error, thrown at once, with errSecParam', (_p, value, label, parameter, run) => {
    const bad = BAD_VALUES[value]();
    let thrown: unknown;
    try {
      run(bad);
    } catch (error) {
      thrown = error;
    }
    const [Type, message] = bad ? [TypeError, `Parameter '${parameter}' must be a string`] : [Error, `${label} is required.`];
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(SecError);
    expect(Object.getPrototypeOf(thrown)).toBe(Type.prototype);
    expect(thrown).toMatchObject({ message, status: -50, code: 'errSecParam' });
  });

  it('nothing was written by any of the refused calls', async () => {
    await expect(kc.list()).resolves.toEqual([]);
  });
});

describe('messages name the argument', () => {
  it('Keychain.list(5) names classes', async () => {
    await expect(kc.list(5 as Any)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('classes') });
  });

  it('a bigint where a word or a class goes is shown as 5n', async () => {
    await expect(kc.get({ class: 5n } as Any)).rejects.toMatchObject({ status: -50, message: expect.stringMatching(/query\.class.*5n/) });
    await expect(kc.get({ ...query, accessible: 5n } as Any)).rejects.toMatchObject({ status: -50, message: expect.stringMatching(/query\.accessible.*5n/) });
    await expect(kc.get({ ...query, keychain: 5n } as Any)).rejects.toMatchObject({ status: -50, message: expect.stringMatching(/query\.keychain.*5n/) });
    expect(() => new Keychain({ keychain: 5n as Any })).toThrow(/options\.keychain.*5n/);
  });

  it('a getter that throws is named by its path, and the caller\'s error is the cause', async () => {
    const boom = new Error('boom');
    const q = { class: 'genericPassword', get account(): string { throw boom; } };
    const error = await kc.get(q as Any).catch((e: unknown) => e) as SecError;
    expect(error).toBeInstanceOf(SecError);
    expect(error).toMatchObject({ status: -50, message: expect.stringContaining('query.account') });
    expect(error.cause).toBe(boom);
  });

  it('a Proxy is refused without running its traps', async () => {
    let trapped = 0;
    const proxy = new Proxy({ ...query }, { get: (t, k) => { trapped++; return Reflect.get(t, k); } });
    await expect(kc.find(proxy)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('query is a Proxy') });
    expect(trapped).toBe(0);
  });

  it('a builder setter refuses a bad value when it is given, naming the field', () => {
    expect(() => genericPassword().account(5n as Any)).toThrow(expect.objectContaining({ status: -50, message: expect.stringMatching(/genericPassword\.account.*5n/) }));
    expect(() => internetPassword().port(70000)).toThrow(/internetPassword\.port/);
    // "any" is a search value: the setter takes it, build() refuses it, query() keeps it.
    expect(() => genericPassword().synchronizable('any' as Any).build()).toThrow(/only in a search/);
    expect(genericPassword().synchronizable('any' as Any).query()).toMatchObject({ synchronizable: 'any' });
  });
});
