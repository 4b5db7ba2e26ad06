#!/usr/bin/env node
// `npm run bench`: latency of add, find-by-primary-key, update and delete through the public
// raw API on a file store holding 1k, 10k and 100k items, each beside the bare node:sqlite
// statement that operation needs, measured on the same machine in the same run.
//
// Usage: npm run bench [-- --sizes 1000,10000,100000 --ops 300]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { createEmulator } = require('../dist/index.js');
const { Store } = require('../dist/emulator/store.js');
const { fileBasedAdd } = require('../dist/emulator/fileBased.js');

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,100000' }, ops: { type: 'string', default: '300' } } });
const sizes = values.sizes.split(',').map(Number);
const opsPerCase = Number(values.ops);

const item = (i) => ({ class: 'genp', svce: `service-${i % 97}`, acct: `account-${i}`, v_Data: Buffer.from(`secret-${i}`) });

/** Fills a store in one transaction (set-up only; not measured). */
function populate(path, n) {
  const store = new Store(path);
  store.transaction(() => {
    for (let i = 0; i < n; i++) fileBasedAdd({ store, now: () => new Date() }, item(i));
  });
  store.close();
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn, count) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  return median(samples);
}

const rows = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-'));
  const path = join(dir, 'bench.sqlite');
  const t0 = Date.now();
  populate(path, n);
  process.stderr.write(`populated ${n} items in ${Date.now() - t0} ms\n`);
  const kc = createEmulator({ path });
  // The bare statements run on the same file through their own connection, with the same
  // pragmas and one transaction per write, as the emulator does.
  const db = new DatabaseSync(path, { timeout: 10_000 });
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  const bare = {
    insert: db.prepare('INSERT INTO items (kc, cls, pk, uuid, agrp, k1, k2, attrs, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    select: db.prepare('SELECT rowid, kc, cls, uuid, attrs, data FROM items WHERE kc = ? AND cls = ? AND k2 = ? AND k1 = ?'),
    update: db.prepare('UPDATE items SET attrs = ?, data = ? WHERE kc = ? AND cls = ? AND pk = ?'),
    delete: db.prepare('DELETE FROM items WHERE kc = ? AND cls = ? AND pk = ?'),
  };
  const write = (fn) => { db.exec('BEGIN IMMEDIATE'); try { fn(); db.exec('COMMIT'); } catch (e) { db.exec('ROLLBACK'); throw e; } };
  const attrs = JSON.stringify({ acct: 'x', svce: 'y', labl: 'y', cdat: { $date: 0 }, mdat: { $date: 0 } });

  const q = (i) => ({ class: 'genp', svce: `service-${i % 97}`, acct: `account-${i}` });
  const cases = [
    ['add',
      (i) => kc.SecItemAdd(item(n + i)),
      (i) => write(() => bare.insert.run('fb', 'genp', `bare-${n}-${i}`, randomBytes(16), '', `k1-${i}`, `k2-${i}`, attrs, randomBytes(40)))],
    ['find by primary key',
      (i) => kc.SecItemCopyMatching({ ...q((i * 7919) % n), r_Data: true }),
      (i) => bare.select.all('fb', 'genp', `k2-${i}`, `k1-${i}`)],
    ['update',
      (i) => kc.SecItemUpdate(q((i * 7919) % n), { v_Data: Buffer.from(`new-${i}`) }),
      // a fresh blob each time, as the emulator re-seals the secret: SQLite skips writes that change nothing
      (i) => write(() => bare.update.run(attrs, randomBytes(40), 'fb', 'genp', `bare-${n}-${i}`))],
    ['delete',
      (i) => kc.SecItemDelete(q(n + i)),
      (i) => write(() => bare.delete.run('fb', 'genp', `bare-${n}-${i}`))],
  ];
  for (const [op, api, sql] of cases) {
    const apiUs = await time(api, opsPerCase);
    const sqlUs = await time(sql, opsPerCase);
    rows.push({ items: n, op, api: apiUs, sql: sqlUs });
  }
  kc.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

const pad = (s, w) => String(s).padStart(w);
console.log(`\nmedian latency per operation, ${opsPerCase} operations per case, file store (WAL, synchronous=FULL), Node ${process.version}`);
console.log(`${pad('items', 8)}  ${'operation'.padEnd(20)} ${pad('raw API µs', 12)} ${pad('bare SQLite µs', 15)} ${pad('ratio', 7)}`);
for (const r of rows) {
  console.log(`${pad(r.items, 8)}  ${r.op.padEnd(20)} ${pad(r.api.toFixed(1), 12)} ${pad(r.sql.toFixed(1), 15)} ${pad((r.api / r.sql).toFixed(2), 7)}`);
}
