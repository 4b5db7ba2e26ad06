// Linux harness driver: process.exit() while calls are pending — a SecItem call still in the
// framework, one queued behind it, and an LAContext evaluation still waiting for its reply.
'use strict';
const { join } = require('node:path');

const dir = process.env.SF_HARNESS_DIR;
const addon = require(join(dir, 'security_framework.node'));
const control = require(join(dir, 'standin_control.node'));
control.inject('SecItemCopyMatching', { delayMs: 300, result: { acct: 'late' } });
control.inject('LAContext.evaluatePolicy', { delayMs: 300 });
addon.secItemCopyMatching({ class: 'genp', r_Attributes: true });
addon.secItemCopyMatching({ class: 'genp', r_Attributes: true });
addon.laContextEvaluatePolicy(addon.laContextCreate(), 2, 'unlock').catch(() => {});
setTimeout(() => {
  process.stdout.write('HARNESS {"exiting":true}\n');
  process.exit(0);
}, 50);
