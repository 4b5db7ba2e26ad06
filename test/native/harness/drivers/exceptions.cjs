// Linux harness driver: Objective-C exceptions raised by LocalAuthentication on the JavaScript
// thread (an evaluation that raises before replying, a property setter that raises) and on the
// queue (canEvaluatePolicy). Each must become a SecError-shaped rejection or throw with
// errSecInternalComponent naming the call — never end the process.
'use strict';
const assert = require('node:assert/strict');
const { rejection, thrown } = require('./expect.cjs');

exports.cases = {
  async 'an exception raised by evaluatePolicy rejects with errSecInternalComponent naming the call'({ addon, control }) {
    const context = addon.laContextCreate();
    control.inject('LAContext.evaluatePolicy', { raise: 'NSInternalInconsistencyException' });
    const e = await rejection(addon.laContextEvaluatePolicy(context, 2, 'unlock'));
    assert.equal(e.status, -2070);
    assert.equal(e.operation, 'LAContext.evaluatePolicy');
    assert.match(e.message, /LAContext\.evaluatePolicy raised NSInternalInconsistencyException/);
  },
  async 'an exception raised by evaluateAccessControl rejects with errSecInternalComponent naming the call'({ addon, control }) {
    const context = addon.laContextCreate();
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    control.inject('LAContext.evaluateAccessControl', { raise: 'NSInvalidArgumentException' });
    const e = await rejection(addon.laContextEvaluateAccessControl(context, access, 3, 'sign'));
    assert.equal(e.status, -2070);
    assert.match(e.message, /LAContext\.evaluateAccessControl raised NSInvalidArgumentException/);
  },
  async 'an exception raised by canEvaluatePolicy rejects with errSecInternalComponent naming the call'({ addon, control }) {
    const context = addon.laContextCreate();
    control.inject('LAContext.canEvaluatePolicy', { raise: 'NSInvalidArgumentException' });
    const e = await rejection(addon.laContextCanEvaluatePolicy(context, 1));
    assert.equal(e.status, -2070);
    assert.match(e.message, /LAContext\.canEvaluatePolicy/);
  },
  async 'an exception raised by a property setter throws errSecInternalComponent naming the property'({ addon, control }) {
    const context = addon.laContextCreate();
    control.inject('LAContext.set', { raise: 'NSInvalidArgumentException' });
    for (const [property, value] of [['localizedReason', 'r'], ['localizedCancelTitle', 'c'], ['localizedFallbackTitle', null],
      ['touchIDAuthenticationAllowableReuseDuration', 5], ['interactionNotAllowed', true]]) {
      const e = thrown(() => addon.laContextSet(context, property, value));
      assert.equal(e.status, -2070, property);
      assert.match(e.message, new RegExp(`LAContext\\.${property} raised NSInvalidArgumentException`));
    }
    control.reset();
    addon.laContextSet(context, 'localizedReason', 'still usable');
    assert.equal(addon.laContextGet(context, 'localizedReason'), 'still usable');
  },
  async 'an error message that is not valid UTF-16 keeps its text'({ addon, control }) {
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    control.inject('SecKeyCreateSignature', { error: { $error: { domain: 'NSOSStatusErrorDomain', code: -50, description: 'bad \uD800 key' } } });
    assert.equal((await rejection(addon.secKeyCreateSignature(key, 'a', Buffer.from('m')))).message, 'bad \uD800 key');
    const context = addon.laContextCreate();
    control.inject('LAContext.evaluatePolicy', { error: { $error: { domain: 'com.apple.LocalAuthentication', code: -1, description: 'no \uDC00 match' } } });
    assert.equal((await rejection(addon.laContextEvaluatePolicy(context, 2, 'r'))).message, 'no \uDC00 match');
  },
};
