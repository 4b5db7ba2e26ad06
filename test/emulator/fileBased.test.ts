import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecHandle } from '../../src/handles.js';
import type { CFDictionary, CFResult } from '../../src/values.js';
import { Failure } from '../../src/emulator/failure.js';
import { fileBasedSide } from '../../src/emulator/fileBased.js';
import { LOGIN_KEYCHAIN, isDataProtectionRef, makeDataProtectionRef, parseFileBasedRef } from '../../src/emulator/persistentRef.js';
import type { Call } from '../../src/emulator/routing.js';
import type { KeychainSide } from '../../src/emulator/side.js';
import { Store } from '../../src/emulator/store.js';

// The file-based keychain (spec "FB") as the bridge's side: every call goes through the side's
// own translation (1.7). Dictionaries use Apple's raw keys (kSecClass = "class", kSecAttrAccount
// = "acct", kSecAttrService = "svce", kSecValueData = "v_Data", kSecMatchLimit = "m_Limit" …).

let store: Store;
let clock: Date;
let fb: KeychainSide;

beforeEach(() => {
  store = new Store();
  clock = new Date('2025-03-01T10:00:00.000Z');
  fb = fileBasedSide({ store, now: () => clock });
});
afterEach(() => {
  store.close();
});

/** The Failure `fn` throws; fails the test if it returns or throws anything else. */
function failureOf(fn: () => unknown): Failure {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    expect(error).toBeInstanceOf(Failure);
    return error as Failure;
  }
  throw new Error(`expected a failure, got ${String(result)}`);
}

/** What a call answers, as one comparable value: its result or its status name. */
function answer(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (error) {
    if (error instanceof Failure) return { failed: error.code };
    throw error;
  }
}

const genp = (acct: string, svce: string, secret = `${acct}@${svce}`, extra: CFDictionary = {}): CFDictionary =>
  ({ class: 'genp', acct, svce, v_Data: Buffer.from(secret), ...extra });

const data = (q: CFDictionary): string => String(fb.copy({ ...q, r_Data: true }));
const attrs = (q: CFDictionary): Record<string, CFResult> => fb.copy({ ...q, r_Attributes: true }) as Record<string, CFResult>;
const accounts = (q: CFDictionary): string[] =>
  (fb.copy({ ...q, r_Attributes: true, m_Limit: 'm_LimitAll' }) as Record<string, CFResult>[]).map((a) => String(a.acct));

describe('add: result (spec 3.9)', () => {
  it('3.9: with no return key the file-based keychain returns the new item\'s reference', () => {
    const ref = fb.add(genp('alice', 'svc'));
    expect(ref).toBeInstanceOf(SecHandle);
    expect((ref as SecHandle).kind).toBe('SecKeychainItem');
    expect(String(fb.copy({ v_Ref: ref!, r_Data: true }))).toBe('alice@svc');
  });

  it('3.9: one return key gives that value: data, attributes, persistent ref, ref', () => {
    expect(fb.add({ ...genp('a', 's', 'pw'), r_Data: true })).toEqual(Buffer.from('pw'));
    expect(fb.add({ ...genp('b', 's'), r_Attributes: true })).toMatchObject({ class: 'genp', acct: 'b', svce: 's' });
    const pref = fb.add({ ...genp('c', 's'), r_PersistentRef: true }) as Buffer;
    expect(parseFileBasedRef(pref)).toMatchObject({ cls: 'genp', keychain: LOGIN_KEYCHAIN });
    expect(fb.add({ ...genp('d', 's'), r_Ref: true })).toBeInstanceOf(SecHandle);
  });

  it('3.9: several return keys give a dictionary of exactly those entries (data + persistent ref brings no attributes)', () => {
    const result = fb.add({ ...genp('a', 's', 'pw'), r_Data: true, r_PersistentRef: true }) as Record<string, CFResult>;
    expect(Object.keys(result).sort()).toEqual(['v_Data', 'v_PersistentRef']);
    expect(result.v_Data).toEqual(Buffer.from('pw'));
  });

  it('3.9: a match limit in the add dictionary does not make the result an array', () => {
    const result = fb.add({ ...genp('a', 's'), r_Attributes: true, m_Limit: 'm_LimitAll' });
    expect(Array.isArray(result)).toBe(false);
    expect(result).toMatchObject({ acct: 'a' });
    expect(Array.isArray(fb.add({ ...genp('b', 's'), r_Attributes: true, m_Limit: 5 }))).toBe(false);
  });
});

describe('add: value conversions and defaults (spec 3.11)', () => {
  it('3.11: kSecValueData may be a string, stored as its UTF-8 bytes', () => {
    fb.add({ class: 'genp', acct: 'a', svce: 's', v_Data: 'pässword' });
    expect(fb.copy({ class: 'genp', acct: 'a', r_Data: true })).toEqual(Buffer.from('pässword', 'utf8'));
  });

  it('3.11: kSecValueData that is neither data nor a string → errSecParam, nothing written', () => {
    expect(failureOf(() => fb.add({ class: 'genp', acct: 'a', v_Data: 42 }))).toMatchObject({ code: 'errSecParam' });
    expect(store.count()).toBe(0);
  });

  it('3.8: passwords cannot be added by reference (kSecValueRef) → errSecParam', () => {
    const ref = fb.add(genp('a', 's')) as SecHandle;
    expect(failureOf(() => fb.add({ class: 'genp', acct: 'b', v_Ref: ref }))).toMatchObject({ code: 'errSecParam' });
    expect(store.count()).toBe(1);
  });

  it('3.11: unknown attributes are ignored', () => {
    fb.add({ ...genp('a', 's'), zzzz: 'x', ggrp: 'g', vwht: 'v' });
    const a = attrs({ class: 'genp', acct: 'a' });
    expect(a).not.toHaveProperty('zzzz');
    expect(a).not.toHaveProperty('ggrp');
    expect(a).not.toHaveProperty('vwht');
  });

  it('3.11, 1.7: access group, accessibility and sync are stripped: two adds differing only there collide', () => {
    fb.add({ ...genp('a', 's'), agrp: 'group.one', pdmn: 'ak', sync: false });
    expect(failureOf(() => fb.add({ ...genp('a', 's'), agrp: 'group.two', pdmn: 'dk' }))).toMatchObject({ code: 'errSecDuplicateItem' });
    const a = attrs({ class: 'genp', acct: 'a' });
    for (const k of ['agrp', 'pdmn', 'sync', 'tomb', 'accc']) expect(a).not.toHaveProperty(k);
  });

  it('3.11: kSecClassIdentity → errSecParam', () => {
    expect(failureOf(() => fb.add({ class: 'idnt', labl: 'x' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('2.5: an unknown class → errSecParam in the file-based keychain; a missing one too', () => {
    expect(failureOf(() => fb.add({ class: 'xxxx', acct: 'a' }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.copy({ class: 'xxxx', acct: 'a' }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.add({ acct: 'a', v_Data: Buffer.from('x') }))).toMatchObject({ code: 'errSecParam' });
  });

it('2.5: a class given as a bigint → errSecParam like any other non-class value', () => {
    expect(failureOf(() => fb.copy({ class: 1n, acct: 'a' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('3.11: the label defaults to the service of a generic password', () => {
    fb.add(genp('alice', 'mail'));
    expect(attrs({ class: 'genp', acct: 'alice' }).labl).toBe('mail');
  });

  it('3.11: the label defaults to the account when no service was given', () => {
    fb.add({ class: 'genp', acct: 'alice', v_Data: Buffer.from('x') });
    expect(attrs({ class: 'genp', acct: 'alice' }).labl).toBe('alice');
  });

  it('3.11: an explicit label is kept', () => {
    fb.add({ ...genp('alice', 'mail'), labl: 'Mine' });
    expect(attrs({ class: 'genp', acct: 'alice' }).labl).toBe('Mine');
    expect(data({ class: 'genp', labl: 'Mine' })).toBe('alice@mail');
  });

  it('3.11: an internet password\'s label defaults to the server, else the account', () => {
    fb.add({ class: 'inet', acct: 'bob', srvr: 'example.com', v_Data: Buffer.from('x') });
    fb.add({ class: 'inet', acct: 'carol', v_Data: Buffer.from('x') });
    expect(attrs({ class: 'inet', acct: 'bob' }).labl).toBe('example.com');
    expect(attrs({ class: 'inet', acct: 'carol' }).labl).toBe('carol');
  });

  it('3.11: an item with neither service, server nor account gets no label', () => {
    fb.add({ class: 'genp', v_Data: Buffer.from('x') });
    expect(attrs({ class: 'genp' })).not.toHaveProperty('labl');
  });

  it('3.11: missing primary-key attributes get empty defaults, so two adds without an account collide', () => {
    fb.add({ class: 'genp', svce: 's', v_Data: Buffer.from('one') });
    expect(failureOf(() => fb.add({ class: 'genp', svce: 's', v_Data: Buffer.from('two') }))).toMatchObject({ code: 'errSecDuplicateItem' });
    expect(data({ class: 'genp', svce: 's', acct: '' })).toBe('one');
  });

  it('3.11: internet password defaults: port 0, empty strings (left out of the attributes, 14.3)', () => {
    fb.add({ class: 'inet', acct: 'a', srvr: 'example.com', v_Data: Buffer.from('x') });
    expect(data({ class: 'inet', acct: 'a', port: 0, sdmn: '', path: '' })).toBe('x');
    const a = attrs({ class: 'inet', acct: 'a' });
    expect(a.port).toBe(0);
    for (const k of ['sdmn', 'path', 'ptcl', 'atyp']) expect(a).not.toHaveProperty(k);
  });

  it('3.11: a protocol or authentication type that is not a constant is stored as "any": such items collide and come back without it', () => {
    fb.add({ class: 'inet', acct: 'a', srvr: 'h', ptcl: 6, atyp: 'nope', v_Data: Buffer.from('x') });
    expect(failureOf(() => fb.add({ class: 'inet', acct: 'a', srvr: 'h', ptcl: 'zzzz', v_Data: Buffer.from('y') })))
      .toMatchObject({ code: 'errSecDuplicateItem' });
    const a = attrs({ class: 'inet', acct: 'a' });
    expect(a).not.toHaveProperty('ptcl');
    expect(a).not.toHaveProperty('atyp');
  });

  it('3.11, 14.3: protocol and authentication type constants are kept and returned as their constants', () => {
    fb.add({ class: 'inet', acct: 'a', srvr: 'h', ptcl: 'htps', atyp: 'dflt', v_Data: Buffer.from('x') });
    fb.add({ class: 'inet', acct: 'a', srvr: 'h', ptcl: 'ftp ', atyp: 'dflt', v_Data: Buffer.from('y') });
    expect(attrs({ class: 'inet', acct: 'a', ptcl: 'htps' })).toMatchObject({ ptcl: 'htps', atyp: 'dflt' });
    expect(data({ class: 'inet', acct: 'a', ptcl: 'ftp ' })).toBe('y');
  });

  it.each<[string, CFDictionary]>([
    ['data', { svce: Buffer.from('s') }],
    ['a number', { svce: 7 }],
    ['a boolean', { svce: true }],
  ])('3.11: kSecAttrService given as %s → errSecParam in every call (DP would accept it)', (_name, bad) => {
    fb.add(genp('a', 's'));
    expect(failureOf(() => fb.add({ class: 'genp', acct: 'b', v_Data: Buffer.from('x'), ...bad }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.copy({ class: 'genp', ...bad }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.update({ class: 'genp', ...bad }, { labl: 'x' }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.update({ class: 'genp', acct: 'a' }, bad))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.delete({ class: 'genp', ...bad }))).toMatchObject({ code: 'errSecParam' });
    expect(store.count()).toBe(1);
  });

  it('3.11: other string attributes must be strings too (account as a number → errSecParam)', () => {
    expect(failureOf(() => fb.add({ class: 'genp', acct: 123, v_Data: Buffer.from('x') }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.add({ class: 'genp', acct: Buffer.from('a'), v_Data: Buffer.from('x') }))).toMatchObject({ code: 'errSecParam' });
  });

  it('3.11, 14.3: kSecAttrGeneric given as a string is stored as its bytes and returned as data', () => {
    fb.add({ ...genp('a', 's'), gena: 'generic' });
    expect(attrs({ class: 'genp', acct: 'a' }).gena).toEqual(Buffer.from('generic'));
    expect(data({ class: 'genp', gena: Buffer.from('generic') })).toBe('a@s');
    expect(data({ class: 'genp', gena: 'generic' })).toBe('a@s');
  });

  it('3.11: port, creator and type accept a number, a boolean or a decimal string', () => {
    fb.add({ class: 'inet', acct: 'a', srvr: 'h', port: '8443', crtr: true, type: 12, v_Data: Buffer.from('x') });
    expect(attrs({ class: 'inet', acct: 'a' })).toMatchObject({ port: 8443, crtr: 1, type: 12 });
  });

  it('3.11: port given as a non-decimal string → errSecParam', () => {
    expect(failureOf(() => fb.add({ class: 'inet', acct: 'a', port: 'https', v_Data: Buffer.from('x') }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.copy({ class: 'inet', port: '12a' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('14.3: booleans come back as CFBoolean', () => {
    fb.add({ ...genp('a', 's'), invi: 1, nega: false });
    expect(attrs({ class: 'genp', acct: 'a' })).toMatchObject({ invi: true, nega: false });
  });

  it('3.11, 4.7: kSecReturnData with kSecMatchLimitAll on a password add → errSecParam, nothing written', () => {
    expect(failureOf(() => fb.add({ ...genp('a', 's'), r_Data: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecParam' });
    expect(store.count()).toBe(0);
  });

  it('3.11: dates are set to now; caller values are overwritten', () => {
    fb.add({ ...genp('a', 's'), cdat: new Date(0), mdat: new Date(0) });
    expect(attrs({ class: 'genp', acct: 'a' })).toMatchObject({ cdat: clock, mdat: clock });
  });
});

describe('copy: limits and result shapes (spec 4.1–4.8)', () => {
  beforeEach(() => {
    fb.add(genp('first', 'shared', 'one'));
    fb.add(genp('second', 'shared', 'two'));
  });

  it('4.1, 4.3, 4.11: the default limit is one: a single value, the first item in keychain order', () => {
    expect(fb.copy({ class: 'genp', svce: 'shared', r_Data: true })).toEqual(Buffer.from('one'));
  });

  it('4.3: kSecMatchLimitOne or the number 1 gives a single value', () => {
    expect(fb.copy({ class: 'genp', svce: 'shared', r_Data: true, m_Limit: 'm_LimitOne' })).toEqual(Buffer.from('one'));
    expect(fb.copy({ class: 'genp', svce: 'shared', r_Data: true, m_Limit: 1 })).toEqual(Buffer.from('one'));
  });

  it('4.3: kSecMatchLimitAll gives an array, even for one match', () => {
    expect(accounts({ class: 'genp', svce: 'shared' })).toEqual(['first', 'second']);
    expect(fb.copy({ class: 'genp', acct: 'second', r_Attributes: true, m_Limit: 'm_LimitAll' })).toEqual([expect.objectContaining({ acct: 'second' })]);
  });

  it('4.2, 4.3: a number N ≥ 2 gives an array of at most N', () => {
    fb.add(genp('third', 'shared', 'three'));
    expect(fb.copy({ class: 'genp', svce: 'shared', r_Data: true, m_Limit: 2 })).toEqual([Buffer.from('one'), Buffer.from('two')]);
    expect(fb.copy({ class: 'genp', acct: 'first', r_Data: true, m_Limit: 2 })).toEqual([Buffer.from('one')]);
  });

  it('4.2: a negative limit → errSecParam', () => {
    expect(failureOf(() => fb.copy({ class: 'genp', r_Data: true, m_Limit: -1 }))).toMatchObject({ code: 'errSecParam' });
  });

  it('4.2: a limit of 0 stops before the first match → errSecItemNotFound', () => {
    expect(failureOf(() => fb.copy({ class: 'genp', r_Data: true, m_Limit: 0 }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('4.2: any string other than kSecMatchLimitAll counts as one', () => {
    expect(fb.copy({ class: 'genp', svce: 'shared', r_Data: true, m_Limit: 'lots' })).toEqual(Buffer.from('one'));
  });

  it('4.5: no return type gives the item reference', () => {
    const ref = fb.copy({ class: 'genp', acct: 'second' });
    expect(ref).toBeInstanceOf(SecHandle);
    expect((ref as SecHandle).kind).toBe('SecKeychainItem');
    expect(fb.copy({ v_Ref: ref!, r_Data: true })).toEqual(Buffer.from('two'));
  });

  it('4.5: only kSecReturnAttributes gives a dictionary that includes kSecClass', () => {
    const a = attrs({ class: 'genp', acct: 'first' });
    expect(a).toEqual({ class: 'genp', acct: 'first', svce: 'shared', labl: 'shared', cdat: clock, mdat: clock });
  });

  it('4.5: several return types give exactly the requested entries', () => {
    const both = fb.copy({ class: 'genp', acct: 'first', r_Data: true, r_PersistentRef: true }) as Record<string, CFResult>;
    expect(Object.keys(both).sort()).toEqual(['v_Data', 'v_PersistentRef']);
    const withAttrs = fb.copy({ class: 'genp', acct: 'first', r_Data: true, r_Attributes: true, r_Ref: true }) as Record<string, CFResult>;
    expect(withAttrs).toMatchObject({ class: 'genp', acct: 'first', v_Data: Buffer.from('one') });
    expect(withAttrs.v_Ref).toBeInstanceOf(SecHandle);
    expect(withAttrs).not.toHaveProperty('v_PersistentRef');
  });

  it.each([undefined, 'm_LimitOne', 'm_LimitAll', 3])('4.6: nothing found → errSecItemNotFound (limit %s)', (limit) => {
    const q: CFDictionary = { class: 'genp', acct: 'nobody', r_Attributes: true, ...(limit === undefined ? {} : { m_Limit: limit }) };
    expect(failureOf(() => fb.copy(q))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('4.7: kSecReturnData with kSecMatchLimitAll → errSecParam, also with other return keys and for internet passwords', () => {
    expect(failureOf(() => fb.copy({ class: 'genp', r_Data: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.copy({ class: 'genp', r_Data: true, r_Attributes: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.copy({ class: 'inet', r_Data: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('4.7: a numeric limit with kSecReturnData returns an array of data', () => {
    expect(fb.copy({ class: 'genp', r_Data: true, m_Limit: 5 })).toEqual([Buffer.from('one'), Buffer.from('two')]);
  });

  it('4.8: kSecValueData in a search is ignored', () => {
    expect(fb.copy({ class: 'genp', acct: 'second', v_Data: Buffer.from('wrong'), r_Data: true })).toEqual(Buffer.from('two'));
  });

  it('13.1: matching is exact and case-sensitive', () => {
    expect(failureOf(() => fb.copy({ class: 'genp', acct: 'First' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => fb.copy({ class: 'genp', svce: 'share' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(data({ class: 'genp', acct: 'first' })).toBe('one');
  });

  it('4.12, 3.12: a non-key attribute must match too; a query not found can still collide on add', () => {
    expect(failureOf(() => fb.copy({ class: 'genp', acct: 'first', svce: 'shared', labl: 'other' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => fb.add({ ...genp('first', 'shared'), labl: 'other' }))).toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('4.11: an item of the other class is not found', () => {
    expect(failureOf(() => fb.copy({ class: 'inet', acct: 'first' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });
});

describe('update (spec 5.3–5.8, 5.7a)', () => {
  beforeEach(() => {
    fb.add(genp('a', 'shared', 'A'));
    fb.add(genp('b', 'shared', 'B'));
    fb.add(genp('c', 'shared', 'C'));
  });

  it('5.3: without a limit only the first match is updated', () => {
    fb.update({ class: 'genp', svce: 'shared' }, { labl: 'new' });
    expect(accounts({ class: 'genp', labl: 'new' })).toEqual(['a']);
  });

  it('5.3: kSecMatchLimitAll updates every match', () => {
    fb.update({ class: 'genp', svce: 'shared', m_Limit: 'm_LimitAll' }, { labl: 'new' });
    expect(accounts({ class: 'genp', labl: 'new' })).toEqual(['a', 'b', 'c']);
  });

  it('5.3: a numeric limit N updates the first N', () => {
    fb.update({ class: 'genp', svce: 'shared', m_Limit: 2 }, { labl: 'new' });
    expect(accounts({ class: 'genp', labl: 'new' })).toEqual(['a', 'b']);
  });

  it('5.8: no match → errSecItemNotFound', () => {
    expect(failureOf(() => fb.update({ class: 'genp', acct: 'zed' }, { labl: 'x' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('5.4: a new secret must be data; a string → errSecParam and nothing changes', () => {
    expect(failureOf(() => fb.update({ class: 'genp', acct: 'a' }, { v_Data: 'text' }))).toMatchObject({ code: 'errSecParam' });
    expect(data({ class: 'genp', acct: 'a' })).toBe('A');
    fb.update({ class: 'genp', acct: 'a' }, { v_Data: Buffer.from('A2') });
    expect(data({ class: 'genp', acct: 'a' })).toBe('A2');
  });

  it('5.4: keys the shim does not know are ignored in the attributes to update', () => {
    fb.update({ class: 'genp', acct: 'a' }, { zzzz: 1, agrp: 'g', class: 'inet', labl: 'L' });
    const a = attrs({ class: 'genp', acct: 'a' });
    expect(a).toMatchObject({ class: 'genp', labl: 'L' });
    expect(a).not.toHaveProperty('zzzz');
    expect(a).not.toHaveProperty('agrp');
  });

  it('5.6: attributes not mentioned keep their values; the creation date is kept; the modification date is now', () => {
    const created = clock;
    clock = new Date(created.getTime() + 60_000);
    fb.update({ class: 'genp', acct: 'a' }, { labl: 'L', cdat: new Date(0) });
    expect(attrs({ class: 'genp', acct: 'a' })).toEqual({ class: 'genp', acct: 'a', svce: 'shared', labl: 'L', cdat: created, mdat: clock });
    expect(data({ class: 'genp', acct: 'a' })).toBe('A');
  });

  it('5.6: the modification date moves forward even when the clock did not', () => {
    fb.update({ class: 'genp', acct: 'a' }, { labl: 'L' });
    const mdat = attrs({ class: 'genp', acct: 'a' }).mdat as Date;
    expect(mdat.getTime()).toBeGreaterThan(clock.getTime());
  });

  it('5.7a: an update into another item\'s primary key → errSecDuplicateItem; that item is unchanged', () => {
    expect(failureOf(() => fb.update({ class: 'genp', acct: 'a' }, { acct: 'b' }))).toMatchObject({ code: 'errSecDuplicateItem' });
    expect(data({ class: 'genp', acct: 'a' })).toBe('A');
    expect(data({ class: 'genp', acct: 'b' })).toBe('B');
  });

  it('5.7a: with kSecMatchLimitAll, items updated before the collision stay updated (no transaction across items)', () => {
    expect(failureOf(() => fb.update({ class: 'genp', svce: 'shared', m_Limit: 'm_LimitAll' }, { acct: 'x' })))
      .toMatchObject({ code: 'errSecDuplicateItem' });
    expect(accounts({ class: 'genp', svce: 'shared' })).toEqual(['x', 'b', 'c']);
    expect(data({ class: 'genp', acct: 'x' })).toBe('A');
  });

  it('5.7a: the refused item keeps its secret even when the update carried a new one', () => {
    expect(failureOf(() => fb.update({ class: 'genp', acct: 'b' }, { acct: 'c', v_Data: Buffer.from('new') }))).toMatchObject({ code: 'errSecDuplicateItem' });
    expect(data({ class: 'genp', acct: 'b' })).toBe('B');
  });

  it('3.11: a key change moves the item in the unique index: the old key is free, the new one taken', () => {
    fb.update({ class: 'genp', acct: 'a' }, { acct: 'z' });
    expect(failureOf(() => fb.copy({ class: 'genp', acct: 'a', svce: 'shared' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(data({ class: 'genp', acct: 'z', svce: 'shared' })).toBe('A');
    fb.add(genp('a', 'shared', 'again'));
    expect(failureOf(() => fb.add(genp('z', 'shared')))).toMatchObject({ code: 'errSecDuplicateItem' });
  });
});

describe('delete (spec 6.2, 6.4)', () => {
  beforeEach(() => {
    fb.add(genp('a', 'shared', 'A'));
    fb.add(genp('b', 'shared', 'B'));
    fb.add(genp('c', 'shared', 'C'));
  });

  it('6.2: without a limit only the first match is deleted', () => {
    fb.delete({ class: 'genp', svce: 'shared' });
    expect(accounts({ class: 'genp' })).toEqual(['b', 'c']);
  });

  it('6.2: kSecMatchLimitAll deletes every match', () => {
    fb.delete({ class: 'genp', svce: 'shared', m_Limit: 'm_LimitAll' });
    expect(store.count()).toBe(0);
  });

  it('6.2: a numeric limit N deletes the first N', () => {
    fb.delete({ class: 'genp', svce: 'shared', m_Limit: 2 });
    expect(accounts({ class: 'genp' })).toEqual(['c']);
  });

  it('6.2: a query naming the whole key deletes that one item', () => {
    fb.delete({ class: 'genp', acct: 'b', svce: 'shared' });
    expect(accounts({ class: 'genp' })).toEqual(['a', 'c']);
  });

  it('6.4: nothing matched → errSecItemNotFound, for a partial and a whole-key query', () => {
    expect(failureOf(() => fb.delete({ class: 'genp', acct: 'zed' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => fb.delete({ class: 'genp', acct: 'zed', svce: 'shared' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(store.count()).toBe(3);
  });

  it('4.2, 6.4: a limit of 0 deletes nothing → errSecItemNotFound', () => {
    expect(failureOf(() => fb.delete({ class: 'genp', acct: 'a', svce: 'shared', m_Limit: 0 }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(store.count()).toBe(3);
  });
});

describe('persistent refs (spec 12.4)', () => {
  let ref: Buffer;
  beforeEach(() => {
    ref = fb.add({ ...genp('alice', 'svc', 'secret'), r_PersistentRef: true }) as Buffer;
    fb.add(genp('bob', 'svc', 'other'));
  });

  it('12.4: the ref is long, names the login keychain and never parses as a data protection ref', () => {
    expect(ref.length).toBeGreaterThan(20);
    expect(isDataProtectionRef(ref)).toBe(false);
    expect(parseFileBasedRef(ref)).toMatchObject({ keychain: LOGIN_KEYCHAIN, cls: 'genp' });
  });

  it('12.4: the same item gives the same ref from add and from copy', () => {
    expect(fb.copy({ class: 'genp', acct: 'alice', r_PersistentRef: true })).toEqual(ref);
  });

  it('12.4: a query that names only the ref needs no kSecClass (CopyMatching)', () => {
    expect(fb.copy({ v_PersistentRef: ref, r_Data: true })).toEqual(Buffer.from('secret'));
    expect(fb.copy({ v_PersistentRef: ref, r_Attributes: true })).toMatchObject({ class: 'genp', acct: 'alice' });
  });

  it('12.4: update and delete by ref alone reach exactly that item', () => {
    fb.update({ v_PersistentRef: ref }, { v_Data: Buffer.from('changed') });
    expect(data({ class: 'genp', acct: 'alice' })).toBe('changed');
    expect(data({ class: 'genp', acct: 'bob' })).toBe('other');
    fb.delete({ v_PersistentRef: ref });
    expect(accounts({ class: 'genp' })).toEqual(['bob']);
  });

  it('12.4: once the item is deleted the ref resolves to nothing → errSecItemNotFound', () => {
    fb.delete({ class: 'genp', acct: 'alice' });
    expect(failureOf(() => fb.copy({ v_PersistentRef: ref, r_Data: true }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => fb.update({ v_PersistentRef: ref }, { labl: 'x' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => fb.delete({ v_PersistentRef: ref }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('12.4: the ref survives an update that leaves the primary key alone', () => {
    fb.update({ class: 'genp', acct: 'alice' }, { labl: 'renamed', v_Data: Buffer.from('s2') });
    expect(fb.copy({ v_PersistentRef: ref, r_Data: true })).toEqual(Buffer.from('s2'));
  });

  it('12.4: changing the account makes the older ref stale', () => {
    fb.update({ class: 'genp', acct: 'alice' }, { acct: 'alicia' });
    expect(failureOf(() => fb.copy({ v_PersistentRef: ref, r_Data: true }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(data({ class: 'genp', acct: 'alicia' })).toBe('secret');
  });

  it('12.4: a ref of another class than the query\'s names no item of that class → errSecItemNotFound', () => {
    expect(failureOf(() => fb.copy({ class: 'inet', v_PersistentRef: ref }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('12.4: a value that is not a file-based ref (a data protection ref, random bytes) → errSecParam', () => {
    expect(failureOf(() => fb.copy({ v_PersistentRef: makeDataProtectionRef('genp', Buffer.alloc(16)) }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => fb.copy({ class: 'genp', v_PersistentRef: Buffer.from('junk') }))).toMatchObject({ code: 'errSecParam' });
  });

  it('12.4: an item reference (kSecValueRef) from the file-based keychain finds its item without kSecClass', () => {
    const itemRef = fb.copy({ class: 'genp', acct: 'bob' }) as SecHandle;
    expect(fb.copy({ v_Ref: itemRef, r_Data: true })).toEqual(Buffer.from('other'));
    fb.delete({ v_Ref: itemRef });
    expect(failureOf(() => fb.copy({ v_Ref: itemRef, r_Data: true }))).toMatchObject({ code: 'errSecItemNotFound' });
  });
});

describe('the unique-key fast path (spec 3.11, 13.1)', () => {
  // A query that names the class's whole unique key is answered through the unique index; the
  // same query with one more attribute that every item shares goes through the general search.
  // Both must give the same answer.
  const SHARED = { desc: 'd' };

  function bothWays(query: CFDictionary): [unknown, unknown] {
    const fast = answer(() => fb.copy({ ...query, r_Data: true }));
    const general = answer(() => fb.copy({ ...query, ...SHARED, r_Data: true }));
    return [fast, general];
  }

  beforeEach(() => {
    fb.add({ ...genp('alice', 'mail', 'A'), ...SHARED });
    fb.add({ ...genp('Alice', 'mail', 'A2'), ...SHARED });
    fb.add({ ...genp('', 'mail', 'empty'), ...SHARED });
    fb.add({ class: 'inet', acct: 'bob', srvr: 'example.com', ptcl: 'htps', atyp: 'dflt', port: 443, path: '/', sdmn: 'd', v_Data: Buffer.from('B'), ...SHARED });
    fb.add({ class: 'inet', acct: 'eve', srvr: 'example.com', ptcl: 6, port: 80, v_Data: Buffer.from('E'), ...SHARED });
  });

  it.each<[string, CFDictionary, unknown]>([
    ['a generic password by account and service', { class: 'genp', acct: 'alice', svce: 'mail' }, { ok: Buffer.from('A') }],
    ['the other case of the account', { class: 'genp', acct: 'Alice', svce: 'mail' }, { ok: Buffer.from('A2') }],
    ['the empty account', { class: 'genp', acct: '', svce: 'mail' }, { ok: Buffer.from('empty') }],
    ['an account that is not there', { class: 'genp', acct: 'ALICE', svce: 'mail' }, { failed: 'errSecItemNotFound' }],
    ['a service that differs by case', { class: 'genp', acct: 'alice', svce: 'Mail' }, { failed: 'errSecItemNotFound' }],
    ['an internet password by its seven key attributes', { class: 'inet', acct: 'bob', srvr: 'example.com', ptcl: 'htps', atyp: 'dflt', port: 443, path: '/', sdmn: 'd' }, { ok: Buffer.from('B') }],
    ['the port as a decimal string (converted to a number, 3.11)', { class: 'inet', acct: 'bob', srvr: 'example.com', ptcl: 'htps', atyp: 'dflt', port: '443', path: '/', sdmn: 'd' }, { ok: Buffer.from('B') }],
    ['another port', { class: 'inet', acct: 'bob', srvr: 'example.com', ptcl: 'htps', atyp: 'dflt', port: 444, path: '/', sdmn: 'd' }, { failed: 'errSecItemNotFound' }],
    ['an unknown protocol, stored as "any"', { class: 'inet', acct: 'eve', srvr: 'example.com', ptcl: 'zzzz', atyp: 'nope', port: 80, path: '', sdmn: '' }, { ok: Buffer.from('E') }],
    ['a known protocol against one stored as "any"', { class: 'inet', acct: 'eve', srvr: 'example.com', ptcl: 'htps', atyp: 'nope', port: 80, path: '', sdmn: '' }, { failed: 'errSecItemNotFound' }],
  ])('13.1: %s: the unique index and the general search agree', (_name, query, expected) => {
    const [fast, general] = bothWays(query);
    expect(fast).toEqual(expected);
    expect(general).toEqual(expected);
  });

  it('13.1: an account given as a number is not the string of the same digits: errSecParam both ways', () => {
    fb.add({ ...genp('123', 'mail', 'digits'), ...SHARED });
    const [fast, general] = bothWays({ class: 'genp', acct: 123, svce: 'mail' });
    expect(fast).toEqual({ failed: 'errSecParam' });
    expect(general).toEqual({ failed: 'errSecParam' });
    expect(bothWays({ class: 'genp', acct: '123', svce: 'mail' })).toEqual([{ ok: Buffer.from('digits') }, { ok: Buffer.from('digits') }]);
  });

  it('13.1: delete through the unique index removes the same item the general search would', () => {
    fb.delete({ class: 'genp', acct: 'Alice', svce: 'mail' });
    expect(accounts({ class: 'genp' })).toEqual(['alice', '']);
    fb.delete({ class: 'genp', acct: 'alice', svce: 'mail', ...SHARED });
    expect(accounts({ class: 'genp' })).toEqual(['']);
  });

it('3.11: items whose key strings contain the separator are distinct (account "a|s:b"/service "c" vs "a"/"b|s:c")', () => {
    fb.add({ ...genp('a|s:b', 'c', 'first'), ...SHARED });
    expect(answer(() => fb.add({ ...genp('a', 'b|s:c', 'second'), ...SHARED }))).toMatchObject({ ok: expect.any(SecHandle) });
  });

  it('13.1: a whole-key query does not find an item whose key only concatenates to the same string', () => {
    fb.add({ ...genp('a|s:b', 'c', 'first'), ...SHARED });
    const [fast, general] = bothWays({ class: 'genp', acct: 'a', svce: 'b|s:c' });
    expect(general).toEqual({ failed: 'errSecItemNotFound' });
    expect(fast).toEqual(general);
  });
});

describe('the side (side.ts)', () => {
  it.each<Call>(['add', 'copy', 'update', 'delete'])('1.8: the file-based keychain is reachable for %s by any process', (call) => {
    expect(fb.reachable(call)).toBe(true);
  });

  it('3.11: primaryKeyOf gives the file-based unique index of each password class', () => {
    expect(fb.kind).toBe('fb');
    expect([...fb.primaryKeyOf('genp')]).toEqual(['acct', 'svce']);
    expect([...fb.primaryKeyOf('inet')]).toEqual(['acct', 'sdmn', 'srvr', 'ptcl', 'atyp', 'port', 'path']);
  });

  it('1.5: matches() gives what the bridge copies: class, attributes without dates or "any", the secret and a file-based ref', () => {
    fb.add({ ...genp('a', 's', 'A'), gena: Buffer.from('g') });
    fb.add({ class: 'inet', acct: 'b', srvr: 'h', ptcl: 6, v_Data: Buffer.from('B') });
    const [item] = fb.matches({ class: 'genp', acct: 'a' });
    expect(item).toBeDefined();
    expect(item!.cls).toBe('genp');
    expect(item!.attributes).toEqual({ acct: 'a', svce: 's', labl: 's', gena: Buffer.from('g') });
    expect(item!.data).toEqual(Buffer.from('A'));
    expect(fb.copy({ v_PersistentRef: item!.ref, r_Data: true })).toEqual(Buffer.from('A'));
    const [inet] = fb.matches({ class: 'inet' });
    expect(inet!.attributes).not.toHaveProperty('ptcl');
    expect(inet!.attributes).toMatchObject({ acct: 'b', srvr: 'h', port: 0 });
  });

  it('1.5, 5.3: matches() reaches what the update would: the first match unless a limit says otherwise', () => {
    fb.add(genp('a', 's'));
    fb.add(genp('b', 's'));
    expect(fb.matches({ class: 'genp', svce: 's' }).map((m) => m.attributes.acct)).toEqual(['a']);
    expect(fb.matches({ class: 'genp', svce: 's', m_Limit: 'm_LimitAll' }).map((m) => m.attributes.acct)).toEqual(['a', 'b']);
    expect(fb.matches({ class: 'genp', svce: 'none' })).toEqual([]);
  });
});
