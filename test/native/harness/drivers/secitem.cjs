// Linux harness driver: the four SecItem entry points, their failure paths, and the argument
// checks that must stop bad input before the framework is called.
'use strict';
const assert = require('node:assert/strict');
const { rejection } = require('./expect.cjs');

const base = { class: 'genp', svce: 'svc', acct: 'alice' };
const FUNCTIONS = [
  ['secItemAdd', 'SecItemAdd', (a) => a.secItemAdd({ ...base })],
  ['secItemCopyMatching', 'SecItemCopyMatching', (a) => a.secItemCopyMatching({ ...base, r_Data: true })],
  ['secItemUpdate', 'SecItemUpdate', (a) => a.secItemUpdate(base, { labl: 'x' })],
  ['secItemDelete', 'SecItemDelete', (a) => a.secItemDelete(base)],
];

exports.cases = {
  async 'secItemAdd stores an item and resolves undefined when no result is asked for'({ addon, control }) {
    assert.equal(await addon.secItemAdd({ ...base, v_Data: Buffer.from('s3cret ✓'), labl: 'l' }), undefined);
    assert.equal(control.calls('SecItemAdd'), 1);
  },
  async 'secItemAdd of a duplicate rejects with the OSStatus, its domain and Apple\'s message'({ addon }) {
    await addon.secItemAdd({ ...base });
    const e = await rejection(addon.secItemAdd({ ...base }));
    assert.equal(e.status, -25299);
    assert.equal(e.domain, 'NSOSStatusErrorDomain');
    assert.equal(e.operation, 'SecItemAdd');
    assert.equal(e.message, 'The specified item already exists in the keychain.');
  },
  async 'secItemCopyMatching returns attributes with data as a Buffer and dates as Dates'({ addon }) {
    await addon.secItemAdd({ ...base, v_Data: Buffer.from('s3cret ✓'), cdat: new Date(86_400_000) });
    const found = await addon.secItemCopyMatching({ ...base, r_Attributes: true, r_Data: true, m_Limit: 'm_LimitOne' });
    assert.equal(found.acct, 'alice');
    assert.ok(Buffer.isBuffer(found.v_Data));
    assert.equal(found.v_Data.toString(), 's3cret ✓');
    assert.ok(found.cdat instanceof Date);
    assert.equal(found.cdat.getTime(), 86_400_000);
  },
  async 'secItemCopyMatching with kSecMatchLimitAll returns an array, and no return key returns undefined'({ addon }) {
    await addon.secItemAdd({ ...base, acct: 'a' });
    await addon.secItemAdd({ ...base, acct: 'b' });
    const all = await addon.secItemCopyMatching({ class: 'genp', r_Attributes: true, m_Limit: 'm_LimitAll' });
    assert.deepEqual(all.map((item) => item.acct).sort(), ['a', 'b']);
    assert.equal(await addon.secItemCopyMatching({ class: 'genp', acct: 'a' }), undefined);
  },
  async 'secItemUpdate changes an item and secItemDelete removes it'({ addon }) {
    await addon.secItemAdd({ ...base, v_Data: Buffer.from('one') });
    assert.equal(await addon.secItemUpdate(base, { v_Data: Buffer.from('two') }), undefined);
    assert.equal(String(await addon.secItemCopyMatching({ ...base, r_Data: true })), 'two');
    assert.equal(await addon.secItemDelete(base), undefined);
    const e = await rejection(addon.secItemCopyMatching({ ...base, r_Data: true }));
    assert.equal(e.status, -25300);
    assert.equal(e.message, 'The specified item could not be found in the keychain.');
  },
  async 'every SecItem call rejects with the status the framework returns'({ addon, control }) {
    for (const [name, apple, call] of FUNCTIONS) {
      control.inject(apple, { status: -25308 });
      const e = await rejection(call(addon));
      assert.equal(e.status, -25308, name);
      assert.equal(e.nativeCode, -25308, name);
      assert.equal(e.operation, apple, name);
      assert.equal(e.message, 'OSStatus -25308', name);
    }
  },
  async 'a status SecCopyErrorMessageString has no text for is described by its number'({ addon, control }) {
    control.inject('SecItemAdd', { status: -25293 });
    control.inject('SecCopyErrorMessageString', { returnNull: true });
    const e = await rejection(addon.secItemAdd({ ...base }));
    assert.equal(e.status, -25293);
    assert.equal(e.message, 'OSStatus -25293');
  },
  async 'a value with no Core Foundation counterpart is errSecParam naming its key, and the framework is never called'({ addon, control }) {
    const cyclic = {};
    cyclic.self = cyclic;
    const bad = [
      [{ class: 'genp', labl: Symbol('x') }, /labl/],
      [{ class: 'genp', v_Data: new Int16Array(2) }, /v_Data/],
      [{ class: 'genp', u_AuthCtx: 'not a context' }, /u_AuthCtx/],
      [{ class: 'genp', accc: {} }, /accc/],
      [{ class: 'genp', n: Number.NaN }, /n: number must be finite/],
      [{ class: 'genp', n: 2n ** 64n }, /n: bigint/],
      [{ class: 'genp', x: null }, /x/],
      [{ class: 'genp', f: () => 1 }, /f/],
      [{ class: 'genp', nested: cyclic }, /nested/],
      [new (class Query {})(), /query/],
      [[1, 2], /query/],
      ['genp', /query/],
    ];
    for (const [query, pattern] of bad) {
      const e = await rejection(addon.secItemCopyMatching(query));
      assert.equal(e.status, -50, String(pattern));
      assert.match(e.message, pattern);
      assert.equal(e.operation, 'SecItemCopyMatching');
    }
    const e = await rejection(addon.secItemUpdate({ class: 'genp' }, { labl: Symbol('y') }));
    assert.equal(e.status, -50);
    assert.match(e.message, /labl/);
    assert.equal(control.calls('SecItemCopyMatching') + control.calls('SecItemUpdate'), 0);
  },
  async 'a dictionary nested 33 deep, or 10,000 deep, is errSecParam'({ addon, control }) {
    for (const depth of [33, 10_000]) {
      let value = { leaf: 1 };
      for (let i = 0; i < depth; i++) value = { inner: value };
      const e = await rejection(addon.secItemAdd({ class: 'genp', deep: value }));
      assert.equal(e.status, -50, `depth ${depth}`);
      assert.match(e.message, /nested more than 32 levels/);
    }
    assert.equal(control.calls('SecItemAdd'), 0);
  },
};
