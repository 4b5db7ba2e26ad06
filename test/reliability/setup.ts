import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The child processes of the reliability suite run the compiled package in dist/, as apps
 * do, so the suite builds it first (as test/setup/build.ts does, without the native harness,
 * which this suite does not use). Type errors are the typecheck's business, not this suite's:
 * tsc still writes the JavaScript, so the suite says so loudly and goes on; a build that
 * writes nothing stops it.
 */
export default function setup(): void {
  const root = join(__dirname, '..', '..');
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const build = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { cwd: root, encoding: 'utf8' });
  if (build.status === 0) return;
  const output = `${build.stdout}${build.stderr}`.trim();
  if (build.error || !/error TS\d+/.test(output)) throw new Error(`building dist/ failed: ${build.error?.message ?? output}`);
  console.warn(`\n  RELIABILITY: src/ has type errors; dist/ was still built from it and is what the child processes run.\n${output}\n`);
}
