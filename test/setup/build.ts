import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Tests that start real processes (the multi-process store test, the CLI) run the compiled
 * package in dist/, so the suite builds it once before any test file runs. It also builds the
 * native addon's Linux harness (test/native/harness/) when this machine has its toolchain, and
 * says so loudly when it does not: the harness suites are then skipped, not passed.
 */
export default async function setup(): Promise<void> {
  const root = join(__dirname, '..', '..');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
  // As `npm run build`: dist/ keeps only what the package's entry points reach (no maps, no leftovers).
  execFileSync(process.execPath, [join(root, 'scripts', 'prune-dist.js')], { cwd: root, stdio: 'inherit' });

  const harness = (await import('../native/harness/build.mjs')) as typeof import('../native/harness/build.mjs');
  const statusFile = join(root, 'build', 'native-harness', 'status.json');
  const why = harness.missingToolchain();
  let status: object;
  if (why) {
    status = { ready: false, reason: why };
    if (process.env.SF_NATIVE_HARNESS === 'required') throw new Error(`the native harness is required but ${why}`);
    console.warn(`\n  NATIVE HARNESS SKIPPED: ${why}. The addon's Linux tests will be reported as skipped.\n`);
  } else {
    status = { ready: true, build: await harness.build() };
  }
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, JSON.stringify(status));
}
