#!/usr/bin/env node
// npm run test:native — builds the native addon's Linux harness (test/native/harness/) and runs
// its suites: the unmodified native/ under AddressSanitizer and UBSan against the stand-in
// frameworks. Unlike `npm test`, a missing toolchain is a failure here, not a skip. Ends with
// the plain "N passed, N failed" line.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const results = join(root, 'build', 'native-harness-results.json');
rmSync(results, { force: true });
const vitest = spawnSync(process.execPath, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/native/harness.test.ts',
  '--reporter=default', '--reporter=json', `--outputFile.json=${results}`], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, SF_NATIVE_HARNESS: 'required' },
});
let passed = 0;
let failed = 0;
if (existsSync(results)) {
  const report = JSON.parse(readFileSync(results, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests + report.numPendingTests + (report.numTotalTestSuites > 0 ? 0 : 1);
} else {
  failed = 1;  // the run did not get as far as a report (the build failed)
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(vitest.status === 0 && failed === 0 ? 0 : 1);
