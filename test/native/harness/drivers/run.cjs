// Linux harness: runs one driver module's cases in this process (node with the sanitizer
// runtime preloaded), each after a reset of the stand-ins, and prints one `HARNESS {json}` line
// per case and a last one with the live-object counts after garbage collection.
//   node --expose-gc run.cjs <driver module> [case name …]
'use strict';
const { join } = require('node:path');

const dir = process.env.SF_HARNESS_DIR;
const addon = require(join(dir, 'security_framework.node'));
const control = require(join(dir, 'standin_control.node'));
const emit = (event) => process.stdout.write(`HARNESS ${JSON.stringify(event)}\n`);

/** Collects garbage until finalizers have run (they run on later turns of the event loop). */
async function settle() {
  for (let i = 0; i < 6; i++) {
    global.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

(async () => {
  const driver = require(process.argv[2]);
  const only = new Set(process.argv.slice(3));
  for (const [name, run] of Object.entries(driver.cases)) {
    if (only.size > 0 && !only.has(name)) continue;
    control.reset();
    try {
      await run({ addon, control, settle });
      emit({ case: name, ok: true });
    } catch (error) {
      emit({ case: name, ok: false, message: String(error && error.stack ? error.stack : error) });
    }
  }
  control.reset();
  await settle();
  emit({ stats: control.stats() });
})();
