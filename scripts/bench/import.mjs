// Import time of the package: how long `require` of an entry point takes in a fresh process,
// and how much longer such a process runs than a bare `node`. Each round starts one process per
// target plus a bare one, in an order that rotates every round, so the machine's drift falls on
// every target alike; min and median over the rounds are reported.
//
//   node scripts/bench/import.mjs [--rounds N] [entry.js ...]
//
// Default target: this package's dist/index.js (build first). Give several entry files (e.g. a
// copy of an older dist/) to compare builds in the same run.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, quantile } from './measure.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const at = args.indexOf('--rounds');
const rounds = at === -1 ? 40 : Number(args.splice(at, 2)[1]);
const targets = args.length ? args.map((a) => resolve(a)) : [join(root, 'dist', 'index.js')];

/** One process: wall time of the whole run (ms) and, for a target, the time its `require` took. */
function run(target) {
  const code = target === undefined ? 'process.stdout.write("0")'
    : `const t = process.hrtime.bigint(); require(${JSON.stringify(target)}); process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', code], { encoding: 'utf8', env: { ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator' } });
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${target}: ${r.stderr}`);
  return { wall, require: Number(r.stdout) };
}

const sides = [undefined, ...targets];
const samples = sides.map(() => ({ wall: [], require: [] }));
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < sides.length; k++) {
    const i = (k + round) % sides.length;
    const { wall, require } = run(sides[i]);
    samples[i].wall.push(wall);
    samples[i].require.push(require);
  }
}

const fmt = (x) => x.toFixed(1).padStart(6);
const bare = samples[0].wall;
console.log(`node ${process.version}, ${rounds} rounds; ms`);
console.log('target'.padEnd(48), ' require min / median / p90   process over bare node: min / median');
targets.forEach((target, t) => {
  const s = samples[t + 1];
  const over = s.wall.map((w, r) => w - bare[r]);
  console.log(target.slice(-48).padEnd(48), fmt(Math.min(...s.require)), fmt(median(s.require)), fmt(quantile(s.require, 0.9)), '          ', fmt(Math.min(...over)), fmt(median(over)));
});
console.log('bare node process'.padEnd(48), ' '.repeat(20), '          ', fmt(Math.min(...bare)), fmt(median(bare)), '(its own run time)');
