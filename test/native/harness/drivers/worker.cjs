// Linux harness driver: worker threads terminated while their calls are pending (as an Electron
// renderer reload ends an environment). Each worker starts a slow SecItem call, queues fast ones
// behind it, and starts an LAContext evaluation, then is terminated; the calls finish after
// their environment is gone. The main environment must go on working, and everything the
// framework returned for the dead environments must be released.
//   node worker.cjs <workers>
'use strict';
const { join } = require('node:path');
const { Worker, isMainThread, parentPort } = require('node:worker_threads');

const dir = process.env.SF_HARNESS_DIR;
const addon = require(join(dir, 'security_framework.node'));
const control = require(join(dir, 'standin_control.node'));

if (!isMainThread) {
  const context = addon.laContextCreate();
  addon.secItemCopyMatching({ class: 'genp', svce: 'slow', r_Attributes: true }).catch(() => {});
  for (let i = 0; i < 20; i++) addon.secItemCopyMatching({ class: 'genp', svce: 'fast', r_Attributes: true }).catch(() => {});
  addon.laContextEvaluatePolicy(context, 2, 'unlock').catch(() => {});
  parentPort.postMessage('pending');
} else {
  const workers = Number(process.argv[2] ?? 1);
  // Every SecItemCopyMatching answers with a dictionary (a +1 object the addon must release);
  // the first of each worker's calls waits as a prompt would.
  control.inject('SecItemCopyMatching', { delayMs: 40, result: { acct: 'result', v_Data: Buffer.from('secret') } });
  control.inject('LAContext.evaluatePolicy', { delayMs: 60 });
  (async () => {
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(__filename);
      await new Promise((resolve) => worker.once('message', resolve));
      await worker.terminate();
    }
    await new Promise((resolve) => setTimeout(resolve, 40 * 21 * workers + 200));  // the queued calls finish
    control.reset();
    const e = await addon.secItemCopyMatching({ class: 'genp', svce: 'after' }).catch((x) => x);
    process.stdout.write(`HARNESS ${JSON.stringify({ mainEnvironmentWorks: e.status === -25300, workers })}\n`);
  })();
}
