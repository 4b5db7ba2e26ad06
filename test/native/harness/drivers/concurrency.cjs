// Linux harness driver: many calls in flight at once, and handles collected while calls that
// use them are pending.
'use strict';
const assert = require('node:assert/strict');

exports.cases = {
  async '200 calls in flight, of every kind, each settle with their own result'({ addon, control }) {
    await addon.secItemAdd({ class: 'genp', svce: 'many', acct: 'x', v_Data: Buffer.from('data') });
    const key = await addon.secKeyCreateRandomKey({ type: '73' });
    const context = addon.laContextCreate();
    control.inject('LAContext.evaluatePolicy', { success: true });
    const calls = [];
    for (let i = 0; i < 200; i++) {
      switch (i % 5) {
        case 0: calls.push(addon.secItemCopyMatching({ class: 'genp', svce: 'many', r_Data: true }).then((d) => assert.equal(String(d), 'data'))); break;
        case 1: calls.push(addon.secItemCopyMatching({ class: 'genp', svce: `absent${i}` }).then(() => assert.fail('found'), (e) => assert.equal(e.status, -25300))); break;
        case 2: calls.push(addon.secKeyCreateSignature(key, 'a', Buffer.from(`m${i}`)).then((s) => assert.equal(s.subarray(1).toString(), `m${i}`))); break;
        case 3: calls.push(addon.laContextCanEvaluatePolicy(context, 1).then((r) => assert.equal(r.ok, false))); break;
        default: calls.push(addon.laContextEvaluatePolicy(context, 2, `r${i}`).then((r) => assert.equal(r, undefined)));
      }
    }
    await Promise.all(calls);
  },
  async 'handles released and collected while their calls are pending: the calls still complete'({ addon, control, settle }) {
    control.inject('SecKeyCreateSignature', { delayMs: 2 });
    const pending = [];
    for (let i = 0; i < 50; i++) {
      let key = await addon.secKeyCreateRandomKey({ type: '73' });
      pending.push(addon.secKeyCreateSignature(key, 'a', Buffer.from('m')));
      key.release();
      key = null;
      global.gc();
    }
    let context = addon.laContextCreate();
    control.inject('LAContext.evaluatePolicy', { delayMs: 50 });
    pending.push(addon.laContextEvaluatePolicy(context, 2, 'r').catch((e) => e.status));
    context = null;
    await settle();
    const results = await Promise.all(pending);
    assert.equal(results.filter(Buffer.isBuffer).length, 50);
    assert.equal(results[50], -2);
  },
};
