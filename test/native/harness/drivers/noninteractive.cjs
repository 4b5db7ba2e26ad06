// Linux harness driver: non-interactive mode on the native path. The public API of the compiled
// package (dist/) is bound over the real addon with interactive: false, and the stand-ins'
// records of what the framework received show that every SecItem dictionary carried
// kSecUseAuthenticationUI = kSecUseAuthenticationUIFail (a caller's own choice kept, the
// attributes-to-update untouched) and that every LAContext was evaluated with
// interactionNotAllowed set, so the evaluation failed with LAErrorNotInteractive.
'use strict';
const assert = require('node:assert/strict');
const { join } = require('node:path');
const { rejection } = require('./expect.cjs');

const dist = join(__dirname, '..', '..', '..', '..', 'dist');
const sf = require(join(dist, 'index.js'));
const { NativeBackend } = require(join(dist, 'backend', 'native.js'));
const { nonInteractive } = require(join(dist, 'api', 'interaction.js'));

const UI = sf.kSecUseAuthenticationUI;
const FAIL = { t: 'string', v: sf.kSecUseAuthenticationUIFail };

/** A recorded dictionary ({ t: 'dictionary', v: [[key, value], …] }) as a Map from key strings. */
function entries(recorded) {
  assert.equal(recorded.t, 'dictionary');
  return new Map(recorded.v.map(([k, v]) => [k.v, v]));
}

/** The public API over the addon with interactive: false, as the process default. */
function quietDefault(addon) {
  sf.setDefaultBackend(nonInteractive(new NativeBackend(addon)));
}

const item = { [sf.kSecClass]: sf.kSecClassGenericPassword, [sf.kSecAttrService]: 'harness', [sf.kSecAttrAccount]: 'quiet' };

exports.cases = {
  async 'SecItemAdd, SecItemCopyMatching, SecItemUpdate and SecItemDelete each reach the framework with kSecUseAuthenticationUIFail'({ addon, control }) {
    quietDefault(addon);
    try {
      await sf.SecItemAdd({ ...item, [sf.kSecValueData]: Buffer.from('secret') });
      assert.deepEqual(entries(control.lastArgument('SecItemAdd')).get(UI), FAIL);
      const found = await sf.SecItemCopyMatching({ ...item, [sf.kSecReturnData]: true });
      assert.equal(Buffer.from(found).toString(), 'secret');
      assert.deepEqual(entries(control.lastArgument('SecItemCopyMatching')).get(UI), FAIL);
      await sf.SecItemUpdate(item, { [sf.kSecAttrLabel]: 'renamed' });
      assert.deepEqual(entries(control.lastArgument('SecItemUpdate.query')).get(UI), FAIL);
      // The attributes to update are the item's new values: passed on as given.
      assert.deepEqual([...entries(control.lastArgument('SecItemUpdate')).keys()], [sf.kSecAttrLabel]);
      await sf.SecItemDelete(item);
      assert.deepEqual(entries(control.lastArgument('SecItemDelete')).get(UI), FAIL);
      assert.equal(control.calls('SecItemAdd') + control.calls('SecItemCopyMatching') + control.calls('SecItemUpdate') + control.calls('SecItemDelete'), 4);
    } finally {
      sf.setDefaultBackend(undefined);
    }
  },
  async 'a caller\'s own kSecUseAuthenticationUI is kept: Skip on a copy reaches the framework as Skip'({ addon, control }) {
    quietDefault(addon);
    try {
      await sf.SecItemAdd({ ...item, [sf.kSecValueData]: Buffer.from('secret') });
      await sf.SecItemCopyMatching({ ...item, [sf.kSecReturnAttributes]: true, [UI]: sf.kSecUseAuthenticationUISkip });
      assert.deepEqual(entries(control.lastArgument('SecItemCopyMatching')).get(UI), { t: 'string', v: sf.kSecUseAuthenticationUISkip });
    } finally {
      sf.setDefaultBackend(undefined);
    }
  },
  async 'an LAContext made through it is evaluated with interactionNotAllowed and fails with errSecInteractionNotAllowed (LAErrorNotInteractive)'({ addon, control }) {
    quietDefault(addon);
    try {
      const context = new sf.LAContext();
      assert.deepEqual(control.lastArgument('LAContext.interactionNotAllowed'), { t: 'boolean', v: true });
      assert.equal(context.interactionNotAllowed, true);
      const e = await rejection(context.evaluatePolicy(sf.LAPolicyDeviceOwnerAuthentication, 'read the harness item'));
      assert.deepEqual(control.lastArgument('LAContext.evaluatePolicy'), { t: 'boolean', v: true });
      assert.equal(e.status, -25308);  // errSecInteractionNotAllowed
      assert.equal(e.laErrorCode, -1004);  // LAErrorNotInteractive
    } finally {
      sf.setDefaultBackend(undefined);
    }
  },
  async 'the same calls through an interactive binding carry no kSecUseAuthenticationUI and a context that may interact'({ addon, control }) {
    sf.setDefaultBackend(new NativeBackend(addon));
    try {
      await sf.SecItemAdd({ ...item, [sf.kSecValueData]: Buffer.from('secret') });
      assert.equal(entries(control.lastArgument('SecItemAdd')).has(UI), false);
      await sf.SecItemCopyMatching({ ...item, [sf.kSecReturnAttributes]: true });
      assert.equal(entries(control.lastArgument('SecItemCopyMatching')).has(UI), false);
      const context = new sf.LAContext();
      const e = await rejection(context.evaluatePolicy(sf.LAPolicyDeviceOwnerAuthentication, 'read the harness item'));
      assert.deepEqual(control.lastArgument('LAContext.evaluatePolicy'), { t: 'boolean', v: false });
      assert.equal(e.laErrorCode, -2);  // LAErrorUserCancel: the stand-in's user says no
    } finally {
      sf.setDefaultBackend(undefined);
    }
  },
};
