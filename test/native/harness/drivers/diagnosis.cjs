// Linux harness driver: the entry points diagnose() reads the process and the file-based
// keychain through — SecCodeCheckValidity and SecCodeCopySigningInformation (an unsigned, an ad
// hoc signed and a team-signed process), SecTaskCopyValueForEntitlement, SecKeychainCopyDefault
// and SecKeychainItemCopyAccess (an item's ACL) — and each one's failure paths.
'use strict';
const assert = require('node:assert/strict');
const { rejection } = require('./expect.cjs');

const KEYCHAIN = '/Users/harness/Library/Keychains/login.keychain-db';
const ERR_SEC_CS_UNSIGNED = -67062;

/** A file-based item reference, as SecItemCopyMatching with kSecReturnRef gives one. */
async function itemReference(addon, control) {
  control.inject('SecItemCopyMatching', { result: { $keychainItem: true }, times: 1 });
  const item = await addon.secItemCopyMatching({ class: 'genp', r_Ref: true });
  assert.equal(item.kind, 'SecKeychainItem');
  return item;
}

exports.cases = {
  async 'an unsigned process: SecCodeCheckValidity resolves errSecCSUnsigned and the signing information has no identifier'({ addon, control }) {
    assert.equal(await addon.secCodeCheckValidity(), ERR_SEC_CS_UNSIGNED);
    assert.deepEqual(await addon.secCodeCopySigningInformation(), {});
    assert.equal(control.calls('SecCodeCopySelf'), 2);
    for (const name of ['keychain-access-groups', 'application-identifier', 'com.apple.security.application-groups']) {
      assert.equal(await addon.secTaskCopyValueForEntitlement(name), null);
    }
    assert.equal(control.calls('SecTaskCreateFromSelf'), 3);
  },
  async 'an ad hoc signed process: valid, an identifier, kSecCodeSignatureAdhoc in the flags, no team and no entitlements'({ addon, control }) {
    control.setProcess('adhoc');
    assert.equal(await addon.secCodeCheckValidity(), 0);
    const information = await addon.secCodeCopySigningInformation();
    assert.deepEqual(information, { identifier: 'node-55554944a1b2c3d4', flags: 0x20002 });
    assert.equal(information.flags & 0x2, 0x2);
    assert.equal(await addon.secTaskCopyValueForEntitlement('keychain-access-groups'), null);
  },
  async 'a team-signed process: its team identifier (asked for with kSecCSSigningInformation) and its entitlements, and no SecTrust or certificate leaks out'({ addon, control }) {
    control.setProcess('team');
    assert.equal(await addon.secCodeCheckValidity(), 0);
    const information = await addon.secCodeCopySigningInformation();
    assert.deepEqual(Object.keys(information).sort(), ['entitlements', 'flags', 'identifier', 'teamIdentifier']);
    assert.equal(information.identifier, 'com.example.app');
    assert.equal(information.teamIdentifier, 'ABCDE12345');
    assert.equal(information.flags & 0x2, 0);
    assert.deepEqual(information.entitlements['keychain-access-groups'], ['ABCDE12345.com.example.shared', 'ABCDE12345.com.example.app']);
    assert.equal(information.entitlements['com.apple.security.cs.allow-jit'], true);
    // kSecCSSigningInformation (2): the flags SecCodeCopySigningInformation was given.
    assert.deepEqual(control.lastArgument('SecCodeCopySigningInformation'), { t: 'int64', v: '2' });
    assert.deepEqual(await addon.secTaskCopyValueForEntitlement('keychain-access-groups'), ['ABCDE12345.com.example.shared', 'ABCDE12345.com.example.app']);
    assert.equal(await addon.secTaskCopyValueForEntitlement('application-identifier'), 'ABCDE12345.com.example.app');
    assert.deepEqual(await addon.secTaskCopyValueForEntitlement('com.apple.security.application-groups'), ['ABCDE12345.group.example']);
    assert.equal(await addon.secTaskCopyValueForEntitlement('com.apple.developer.not-granted'), null);
    assert.deepEqual(control.lastArgument('SecTaskCopyValueForEntitlement'), { t: 'string', v: 'com.apple.developer.not-granted' });
  },
  async 'SecCodeCopySelf failing rejects both code calls with its status; a failed signing information read rejects with its status'({ addon, control }) {
    control.inject('SecCodeCopySelf', { status: -67065 });
    for (const call of ['secCodeCheckValidity', 'secCodeCopySigningInformation']) {
      const e = await rejection(addon[call]());
      assert.equal(e.status, -67065, call);
    }
    assert.equal(control.calls('SecCodeCheckValidity') + control.calls('SecCodeCopySigningInformation'), 0);
    control.inject('SecCodeCopySelf', { returnNull: true, times: 1 });
    const nothing = await rejection(addon.secCodeCheckValidity());
    assert.equal(nothing.status, -2070);
    assert.equal(nothing.operation, 'SecCodeCheckValidity');
    control.reset();
    control.inject('SecCodeCopySigningInformation', { status: -67030 });
    assert.equal((await rejection(addon.secCodeCopySigningInformation())).status, -67030);
    // A failed status with a dictionary filled in anyway: the dictionary is released, not leaked.
    control.inject('SecCodeCopySigningInformation', { status: -67030, result: { identifier: 'x' } });
    assert.equal((await rejection(addon.secCodeCopySigningInformation())).status, -67030);
    // Success with something that is not a dictionary is errSecInternalComponent.
    control.inject('SecCodeCopySigningInformation', { status: 0, result: ['not', 'a', 'dictionary'] });
    assert.equal((await rejection(addon.secCodeCopySigningInformation())).status, -2070);
    // A validity failure other than unsigned code is an answer too.
    control.reset();
    control.inject('SecCodeCheckValidity', { status: -67061 });
    assert.equal(await addon.secCodeCheckValidity(), -67061);
  },
  async 'SecTask: NULL from SecTaskCreateFromSelf is errSecInternalComponent; NULL with a CFError rejects with it; a bad name is errSecParam'({ addon, control }) {
    control.inject('SecTaskCreateFromSelf', { returnNull: true, times: 1 });
    const e = await rejection(addon.secTaskCopyValueForEntitlement('keychain-access-groups'));
    assert.equal(e.status, -2070);
    assert.match(e.message, /SecTaskCreateFromSelf returned NULL/);
    control.inject('SecTaskCopyValueForEntitlement', { status: -34018, times: 1 });
    assert.equal((await rejection(addon.secTaskCopyValueForEntitlement('keychain-access-groups'))).status, -34018);
    for (const bad of [undefined, 42, {}, null]) {
      const p = await rejection(addon.secTaskCopyValueForEntitlement(bad));
      assert.equal(p.status, -50);
      assert.match(p.message, /^entitlement: /);
    }
    assert.equal(control.calls('SecTaskCopyValueForEntitlement'), 1);
  },
  async 'the default keychain: its path and status; errSecNoDefaultKeychain and a failed status read reject'({ addon, control }) {
    assert.deepEqual(await addon.secKeychainCopyDefault(), { path: KEYCHAIN, status: 7 });
    control.setKeychainStatus(2);
    assert.deepEqual(await addon.secKeychainCopyDefault(), { path: KEYCHAIN, status: 2 });
    control.inject('SecKeychainCopyDefault', { status: -25307, times: 1 });
    assert.equal((await rejection(addon.secKeychainCopyDefault())).status, -25307);
    control.inject('SecKeychainCopyDefault', { returnNull: true, times: 1 });
    assert.equal((await rejection(addon.secKeychainCopyDefault())).status, -2070);
    control.inject('SecKeychainGetPath', { status: -25301, times: 1 });
    assert.equal((await rejection(addon.secKeychainCopyDefault())).status, -25301);
    control.inject('SecKeychainGetStatus', { status: -25294, times: 1 });
    assert.equal((await rejection(addon.secKeychainCopyDefault())).status, -25294);
    assert.equal(control.calls('SecKeychainCopyDefault'), 6);
  },
  async "an item's ACL: its keychain, each entry's authorizations, trusted application paths (NULL list: any application), description and prompt selector"({ addon, control }) {
    const item = await itemReference(addon, control);
    const access = await addon.secKeychainItemCopyAccess(item);
    assert.deepEqual(access.keychain, { path: KEYCHAIN, status: 7 });
    assert.deepEqual(access.acl, [
      { authorizations: ['encrypt'], applications: null, description: 'harness item', promptSelector: 0 },
      { authorizations: ['decrypt', 'derive', 'export_clear', 'export_wrapped', 'mac', 'sign'], applications: ['/usr/local/bin/node'],
        description: 'harness item', promptSelector: 0x10 },
      // An authorization the table does not know keeps the framework's own string.
      { authorizations: ['change_acl', 'ACLAuthorizationNotInTheHeaders'], applications: [], description: 'harness item', promptSelector: 1 },
    ]);
    assert.equal(control.calls('SecTrustedApplicationCopyData'), 1);
  },
  async "a locked item keychain: the ACL is not read (reading it could ask to unlock), and the result says so"({ addon, control }) {
    const item = await itemReference(addon, control);
    control.setKeychainStatus(6);
    assert.deepEqual(await addon.secKeychainItemCopyAccess(item), { keychain: { path: KEYCHAIN, status: 6 }, acl: null });
    assert.equal(control.calls('SecKeychainItemCopyAccess'), 0);
  },
  async 'ACL failures reject with the status at each step; a handle of another kind, or none, is errSecParam naming item'({ addon, control }) {
    const item = await itemReference(addon, control);
    for (const step of ['SecKeychainItemCopyKeychain', 'SecKeychainItemCopyAccess', 'SecAccessCopyACLList', 'SecACLCopyContents', 'SecTrustedApplicationCopyData']) {
      control.inject(step, { status: -25243, times: 1 });
      const e = await rejection(addon.secKeychainItemCopyAccess(item));
      assert.equal(e.status, -25243, step);
      assert.equal(e.operation, 'SecKeychainItemCopyAccess');
    }
    // SecACLCopyAuthorizations returning NULL: an entry with no authorizations, not a failure.
    control.inject('SecACLCopyAuthorizations', { returnNull: true });
    const access = await addon.secKeychainItemCopyAccess(item);
    assert.deepEqual(access.acl.map((entry) => entry.authorizations), [[], [], []]);
    const context = addon.laContextCreate();
    for (const notAnItem of [context, undefined, null, {}, Buffer.from('ref')]) {
      const e = await rejection(addon.secKeychainItemCopyAccess(notAnItem));
      assert.equal(e.status, -50);
      assert.match(e.message, /^item: /);
    }
    // A SecIdentity is an item reference for SecItem, not a keychain item: the framework says so.
    control.inject('SecItemCopyMatching', { result: { $identity: true }, times: 1 });
    const identity = await addon.secItemCopyMatching({ class: 'idnt', r_Ref: true });
    assert.equal((await rejection(addon.secKeychainItemCopyAccess(identity))).status, -25304);
  },
};
