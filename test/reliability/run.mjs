#!/usr/bin/env node
// `npm run test:reliability [-- --seed N] [-- other vitest arguments]`: the reliability suite
// (vitest.reliability.config.mts). --seed sets RELIABILITY_SEED, the one seed of every part;
// anything else is passed to vitest (a file filter, --reporter, …).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const env = { ...process.env };
const rest = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const inline = /^--seed=(.*)$/.exec(arg);
  if (arg === '--seed' || inline) {
    const seed = inline ? inline[1] : args[++i];
    if (seed === undefined || !/^-?\d+$/.test(seed)) {
      console.error(`--seed needs an integer, not ${JSON.stringify(seed)}`);
      process.exit(2);
    }
    env.RELIABILITY_SEED = seed;
  } else {
    rest.push(arg);
  }
}
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(process.execPath, [vitest, 'run', '--config', join(root, 'vitest.reliability.config.mts'), ...rest], { cwd: root, env, stdio: 'inherit' });
process.exit(run.status ?? 1);
