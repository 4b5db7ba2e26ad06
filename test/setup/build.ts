import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * Tests that start real processes (the multi-process store test, the CLI) run the compiled
 * package in dist/, so the suite builds it once before any test file runs.
 */
export default function setup(): void {
  const root = join(__dirname, '..', '..');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, stdio: 'inherit' });
}
