// Linux harness driver: LAContext — properties, canEvaluatePolicy, and evaluations whose reply
// comes on another thread (as LocalAuthentication's does) or on the calling thread before the
// method returns; invalidation; and the checks that keep LocalAuthentication from raising.
'use strict';
const assert = require('node:assert/strict');
const { rejection, thrown } = require('./expect.cjs');

const laError = (code, description) => ({ $error: { domain: 'com.apple.LocalAuthentication', code, description } });

exports.cases = {
  async 'properties read back what was set; the reuse duration is capped by the framework'({ addon }) {
    const context = addon.laContextCreate();
    assert.equal(context.kind, 'LAContext');
    addon.laContextSet(context, 'interactionNotAllowed', true);
    addon.laContextSet(context, 'localizedReason', 'why ✓ \uD800');
    addon.laContextSet(context, 'localizedCancelTitle', 'Nope');
    addon.laContextSet(context, 'localizedFallbackTitle', 'Password…');
    addon.laContextSet(context, 'touchIDAuthenticationAllowableReuseDuration', 1000);
    assert.equal(addon.laContextGet(context, 'interactionNotAllowed'), true);
    assert.equal(addon.laContextGet(context, 'localizedReason'), 'why ✓ \uD800');
    assert.equal(addon.laContextGet(context, 'localizedCancelTitle'), 'Nope');
    assert.equal(addon.laContextGet(context, 'localizedFallbackTitle'), 'Password…');
    assert.equal(addon.laContextGet(context, 'touchIDAuthenticationAllowableReuseDuration'), 300);
    assert.equal(addon.laContextGet(context, 'biometryType'), 0);
    addon.laContextSet(context, 'localizedCancelTitle', null);
    assert.equal(addon.laContextGet(context, 'localizedCancelTitle'), null);
  },
  async 'bad property names and values are errSecParam before LocalAuthentication sees them'({ addon }) {
    const context = addon.laContextCreate();
    for (const [property, value, pattern] of [
      ['localizedReason', '', /non-empty/], ['interactionNotAllowed', 1, /boolean/], ['touchIDAuthenticationAllowableReuseDuration', -1, /seconds/],
      ['localizedCancelTitle', 5, /string or null/], ['biometryType', 1, /not a settable/], ['nope', 1, /not a settable/],
    ]) {
      const e = thrown(() => addon.laContextSet(context, property, value));
      assert.equal(e.status, -50, property);
      assert.match(e.message, pattern);
    }
    assert.equal(thrown(() => addon.laContextGet(context, 'nope')).status, -50);
    assert.equal(thrown(() => addon.laContextGet({}, 'biometryType')).status, -50);
  },
  async 'canEvaluatePolicy answers NO with the LAError, or YES'({ addon, control }) {
    const context = addon.laContextCreate();
    assert.deepEqual(await addon.laContextCanEvaluatePolicy(context, 1),
      { ok: false, code: -6, message: 'Biometry is not available on this device.' });
    control.inject('LAContext.canEvaluatePolicy', { success: true });
    assert.deepEqual(await addon.laContextCanEvaluatePolicy(context, 2), { ok: true });
    control.inject('LAContext.canEvaluatePolicy', { error: laError(-7, 'No identities are enrolled.') });
    assert.deepEqual(await addon.laContextCanEvaluatePolicy(context, 1), { ok: false, code: -7, message: 'No identities are enrolled.' });
  },
  async 'evaluatePolicy settles from a reply on another thread: success, or the LAError'({ addon, control }) {
    const context = addon.laContextCreate();
    let e = await rejection(addon.laContextEvaluatePolicy(context, 2, 'unlock'));
    assert.equal(e.status, -2);
    assert.equal(e.domain, 'com.apple.LocalAuthentication');
    assert.equal(e.operation, 'LAContext.evaluatePolicy');
    control.inject('LAContext.evaluatePolicy', { success: true, delayMs: 20 });
    assert.equal(await addon.laContextEvaluatePolicy(context, 2, 'unlock'), undefined);
    addon.laContextSet(context, 'interactionNotAllowed', true);
    control.reset();
    e = await rejection(addon.laContextEvaluatePolicy(context, 1, 'unlock'));
    assert.equal(e.status, -1004);
  },
  async 'evaluatePolicy and evaluateAccessControl settle from a reply on the calling thread'({ addon, control }) {
    const context = addon.laContextCreate();
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    control.inject('LAContext.evaluatePolicy', { replyOn: 'caller', success: true });
    assert.equal(await addon.laContextEvaluatePolicy(context, 2, 'unlock'), undefined);
    control.inject('LAContext.evaluatePolicy', { replyOn: 'caller', error: laError(-3, 'Fallback authentication mechanism selected.') });
    const e = await rejection(addon.laContextEvaluatePolicy(context, 2, 'unlock'));
    assert.equal(e.status, -3);
    assert.equal(e.message, 'Fallback authentication mechanism selected.');
    control.inject('LAContext.evaluateAccessControl', { replyOn: 'caller', success: true });
    assert.equal(await addon.laContextEvaluateAccessControl(context, access, 3, 'sign'), undefined);
    control.inject('LAContext.evaluateAccessControl', { replyOn: 'caller', returnNull: true });
    assert.equal((await rejection(addon.laContextEvaluateAccessControl(context, access, 3, 'sign'))).status, -2070);
  },
  async 'evaluateAccessControl settles from a reply on another thread'({ addon, control }) {
    const context = addon.laContextCreate();
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    assert.equal((await rejection(addon.laContextEvaluateAccessControl(context, access, 1, 'read'))).status, -2);
    control.inject('LAContext.evaluateAccessControl', { success: true });
    assert.equal(await addon.laContextEvaluateAccessControl(context, access, 1, 'read'), undefined);
  },
  async 'invalidate cancels a running evaluation (LAErrorAppCancel); afterwards evaluations fail at once'({ addon, control }) {
    const context = addon.laContextCreate();
    control.inject('LAContext.evaluatePolicy', { delayMs: 100 });
    const pending = rejection(addon.laContextEvaluatePolicy(context, 2, 'unlock'));
    addon.laContextInvalidate(context);
    assert.equal((await pending).status, -9);
    assert.equal((await rejection(addon.laContextEvaluatePolicy(context, 2, 'unlock'))).status, -10);
  },
  async 'policies macOS does not know and empty reasons are errSecParam, before LocalAuthentication raises'({ addon }) {
    const context = addon.laContextCreate();
    const access = await addon.secAccessControlCreateWithFlags('ak', 1);
    for (const policy of [0, 5, 6, -1, 1.5, '1']) {
      assert.equal((await rejection(addon.laContextEvaluatePolicy(context, policy, 'x'))).status, -50, String(policy));
      assert.equal((await rejection(addon.laContextCanEvaluatePolicy(context, policy))).status, -50, String(policy));
    }
    assert.equal((await rejection(addon.laContextEvaluatePolicy(context, 2, ''))).status, -50);
    assert.equal((await rejection(addon.laContextEvaluateAccessControl(context, access, 6, 'x'))).status, -50);
    assert.equal((await rejection(addon.laContextEvaluateAccessControl(context, access, 1, ''))).status, -50);
    assert.equal((await rejection(addon.laContextEvaluateAccessControl(context, context, 1, 'x'))).status, -50);
  },
};
