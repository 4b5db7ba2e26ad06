#!/usr/bin/env node
// Peak memory of a large secret (docs/emulator-store.md, "Large secrets"): how far one
// SecItemAdd of an N MB secret, and that add followed by a SecItemCopyMatching that returns it,
// raise the process's peak resident memory over what it was just before the add (the caller's
// secret already counted), on a store file and in memory — beside SQLite alone inserting and
// selecting the same bytes as one blob, the least a store that keeps a secret in one row needs.
//
// Every figure comes from a fresh process (Linux: /proc/self/status VmHWM, reset through
// /proc/self/clear_refs just before the add). Figures only: nothing here asserts a size.
//
// Usage: npm run build && node scripts/bench/memory.mjs [--sizes 10,100] [--media file,memory]
//        [--package path/to/index.js] [--runs 3]   (the median of the runs is printed)
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const MB = 1 << 20;
const here = fileURLToPath(import.meta.url);

const peakKiB = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
/** Sets the peak back to the current resident size (Linux 4.0+). */
const resetPeak = () => writeFileSync('/proc/self/clear_refs', '5');
const overMB = (base) => Math.round((peakKiB() - base) / 1024);

/** In the child: one case, printed as one JSON line { add, read }. */
async function child([impl, medium, sizeMB, entry]) {
  const size = Number(sizeMB) * MB;
  const dir = mkdtempSync(join(tmpdir(), 'sf-memory-'));
  const path = medium === 'file' ? join(dir, 'store.sqlite') : undefined;
  try {
    let add, read;
    if (impl === 'emulator') {
      const { createEmulator } = createRequire(here)(entry);
      const kc = createEmulator(path ? { path } : {});
      const item = (acct, data) => ({ class: 'genp', svce: 'memory', acct, v_Data: data });
      // Warm-up: SQLite, the cipher and every module loaded before the baseline.
      await kc.SecItemAdd(item('warm-up', Buffer.alloc(4096, 1)));
      await kc.SecItemCopyMatching({ class: 'genp', svce: 'memory', acct: 'warm-up', r_Data: true });
      add = async (data) => { await kc.SecItemAdd(item('large', data)); };
      read = async () => kc.SecItemCopyMatching({ class: 'genp', svce: 'memory', acct: 'large', r_Data: true });
    } else {
      const { DatabaseSync } = await import('node:sqlite');
      const db = new DatabaseSync(path ?? ':memory:');
      if (path) db.exec('PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
      db.exec('CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)');
      const insert = db.prepare('INSERT INTO blobs (id, data) VALUES (?, ?)');
      const select = db.prepare('SELECT data FROM blobs WHERE id = ?');
      insert.run(1, Buffer.alloc(4096, 1));
      select.get(1);
      add = async (data) => { insert.run(2, data); };
      read = async () => select.get(2).data;
    }
    const secret = randomBytes(size);
    globalThis.gc();
    resetPeak();
    const base = peakKiB();
    await add(secret);
    const addMB = overMB(base);
    const back = await read();
    const readMB = overMB(base);
    if (back.length !== size || !Buffer.from(back.buffer, back.byteOffset, back.byteLength).equals(secret)) throw new Error('the secret read back differs');
    console.log(JSON.stringify({ add: addMB, read: readMB }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const { values } = parseArgs({
    options: { sizes: { type: 'string' }, media: { type: 'string' }, package: { type: 'string' }, runs: { type: 'string' } },
  });
  const sizes = (values.sizes ?? '10,100').split(',').map(Number);
  const media = (values.media ?? 'file,memory').split(',');
  const entry = resolve(values.package ?? join(dirname(here), '..', '..', 'dist', 'index.js'));
  const runs = Number(values.runs ?? 3);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`peak resident memory over the process before the add, MB (median of ${runs} fresh processes); package ${entry}`);
  console.log('secret  medium  | emulator add  add+read | SQLite alone add  add+read');
  for (const size of sizes) {
    for (const medium of media) {
      const row = {};
      for (const impl of ['emulator', 'sqlite']) {
        const results = [];
        for (let r = 0; r < runs; r++) {
          const run = spawnSync(process.execPath, ['--expose-gc', here, 'child', impl, medium, String(size), entry], { encoding: 'utf8' });
          if (run.status !== 0) throw new Error(`${impl} ${medium} ${size} MB failed:\n${run.stderr}`);
          results.push(JSON.parse(run.stdout.trim().split('\n').at(-1)));
        }
        row[impl] = { add: median(results.map((x) => x.add)), read: median(results.map((x) => x.read)) };
      }
      const f = (n) => String(n).padStart(5);
      console.log(`${String(size).padStart(4)} MB  ${medium.padEnd(6)}  | ${f(row.emulator.add)}  ${f(row.emulator.read)}        | ${f(row.sqlite.add)}  ${f(row.sqlite.read)}`);
    }
  }
}

if (process.argv[2] === 'child') await child(process.argv.slice(3));
else main();
