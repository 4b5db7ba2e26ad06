#!/usr/bin/env node
// `npm run bench`: what the emulator costs beyond the least work its operations need.
//
// Each operation through the public API (an emulator from createEmulator, its SecItemAdd /
// SecItemCopyMatching / SecItemUpdate / SecItemDelete) is timed against its floor: the same
// SQLite statements on a database of the store's schema, pragmas and row shape, plus the
// AES-256-GCM seal or open the operation needs (scripts/bench/floor.mjs). Both sides hold the
// same items (scripts/bench/workload.mjs), on a file (WAL, synchronous=FULL) and in memory, and
// run interleaved in blocks in one process after a warm-up. Then: the typed Keychain and the
// keytar facade against the raw calls they make, and how long 1,000 concurrent finds hold
// the event loop. Figures only: nothing here asserts a time.
//
// Usage: npm run bench [-- --sizes 1000,10000,100000 --media file,memory --ops 200 --reps 5 --block 20]
//        npm run bench -- --quick      (1,000 items, fewer ops: a smoke run of well under a minute)
// Dictionaries use the constants' values: kSecClass 'class', kSecClassGenericPassword 'genp',
// kSecAttrService 'svce', kSecAttrAccount 'acct', kSecValueData 'v_Data', kSecReturnData
// 'r_Data', kSecReturnAttributes 'r_Attributes', kSecMatchLimit 'm_Limit'.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { Floor, checkShape } from './bench/floor.mjs';
import { LAYER_CASES, checkLayers, layersOver } from './bench/layers.mjs';
import { interleave, loopProbe, median, ms, printTable, ratio, summarize, us } from './bench/measure.mjs';
import { account, item, pick, query, secret, service } from './bench/workload.mjs';

const require = createRequire(import.meta.url);

/**
 * Fills a new store file at `path` with item(0..n-1, n), exactly as n awaited
 * SecItemAdd(item(i, n)) calls on createEmulator({ path }) would, but in ONE transaction: through
 * the public API every add is its own fsync'd transaction, too slow for 100k items. Set-up
 * only, not measured. This is the one place the bench uses the emulator's internals; the
 * row-shape check that follows it (checkShape) says if it stops producing the store's rows.
 */
function populateFile(path, n) {
  const { Store } = require('../dist/emulator/store.js');
  const { fileBasedAdd } = require('../dist/emulator/fileBased.js');
  const store = new Store(path);
  try {
    store.transaction(() => {
      for (let i = 0; i < n; i++) fileBasedAdd({ store, now: () => new Date() }, item(i, n));
    });
  } finally {
    store.close();
  }
}

const { createEmulator } = require('../dist/index.js');

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string' }, media: { type: 'string' }, ops: { type: 'string' },
    reps: { type: 'string' }, block: { type: 'string' }, quick: { type: 'boolean', default: false },
  },
});
const quick = args.quick;
const sizes = (args.sizes ?? (quick ? '1000' : '1000,10000,100000')).split(',').map(Number);
const media = (args.media ?? 'file,memory').split(',');
const opsPerRep = Number(args.ops ?? (quick ? 60 : 200));
const reps = Number(args.reps ?? 3 + (quick ? 0 : 2));
const block = Number(args.block ?? 20);
const warmUp = Math.min(opsPerRep, 100);
const CONCURRENT = 1000;
if (sizes.some((n) => !Number.isInteger(n) || n < 100) || media.some((m) => m !== 'file' && m !== 'memory') || !(reps >= 1 && opsPerRep >= 1 && block >= 1)) {
  throw new Error('usage: --sizes n,n (each ≥ 100) --media file,memory --ops N --reps N --block N [--quick]');
}
const log = (line) => process.stderr.write(`${line}\n`);
const seconds = (t0) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;

/**
 * The operations, each as [name, public API call, floor]; `ctx.rep` picks this rep's items.
 * In this order, the reads and the update see exactly the n items; add creates ops more,
 * and delete removes them again.
 */
function operations(kc, floor, n, ctx) {
  const p = (i) => pick(i, n, ctx.rep);
  const added = (i) => item(n + i, n); // items the add creates and the delete removes again
  return [
    ['find by primary key → data',
      (i) => kc.SecItemCopyMatching({ class: 'genp', svce: service(p(i), n), acct: account(p(i)), r_Data: true }),
      (i) => floor.findData(service(p(i), n), account(p(i)))],
    ['find by primary key → attributes',
      (i) => kc.SecItemCopyMatching({ class: 'genp', svce: service(p(i), n), acct: account(p(i)), r_Attributes: true }),
      (i) => floor.findAttrs(service(p(i), n), account(p(i)))],
    ['find all of a service → attributes',
      (i) => kc.SecItemCopyMatching({ class: 'genp', svce: service(i, n), r_Attributes: true, m_Limit: 'm_LimitAll' }),
      (i) => floor.findAll(service(i, n))],
    ['update the secret',
      (i) => kc.SecItemUpdate({ class: 'genp', svce: service(p(i), n), acct: account(p(i)) }, { v_Data: secret(p(i), ctx.rep + 2) }),
      (i) => floor.update(service(p(i), n), account(p(i)), secret(p(i), ctx.rep + 2))],
    ['add',
      (i) => kc.SecItemAdd(added(i)),
      (i) => { const d = added(i); floor.add(d.svce, d.acct, d.v_Data); }],
    ['delete',
      (i) => kc.SecItemDelete(query(n + i, n)),
      (i) => floor.delete(service(n + i, n), account(n + i))],
  ];
}

/** An emulator and a floor holding item(0..n-1, n) on `medium`. */
async function setUp(medium, n) {
  const items = Array.from({ length: n }, (_, i) => item(i, n));
  if (medium === 'memory') {
    const kc = createEmulator();
    for (const d of items) await kc.SecItemAdd(d);
    const floor = new Floor();
    floor.populate(items);
    return { kc, floor, tearDown: () => { kc.close(); floor.close(); } };
  }
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-'));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const [storePath, floorPath] = [join(dir, 'emulator.sqlite'), join(dir, 'floor.sqlite')];
    populateFile(storePath, n);
    let floor = new Floor(floorPath);
    floor.populate(items);
    floor = floor.reopen(); // as the store was closed after populateFile: both start with a cold page cache
    const kc = createEmulator({ path: storePath });
    checkShape(storePath, floor, [items[0], items[n - 1]]);
    return { kc, floor, tearDown: () => { kc.close(); floor.close(); remove(); } };
  } catch (error) {
    remove();
    throw error;
  }
}

/** Before anything is timed: the floor writes the rows the store writes through the public API. */
async function checkFloor() {
  const dir = mkdtempSync(join(tmpdir(), 'sf-bench-check-'));
  try {
    const items = [0, 1, 150].map((i) => item(i, 1000));
    const kc = createEmulator({ path: join(dir, 'emulator.sqlite') });
    for (const d of items) await kc.SecItemAdd(d);
    const floor = new Floor(join(dir, 'floor.sqlite'));
    floor.populate(items);
    checkShape(join(dir, 'emulator.sqlite'), floor, items);
    floor.close();
    await checkLayers(kc, items[0]); // changes item 0's secret: after the shape check
    kc.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A/B comparisons of `cases` ([name, a, b]): a warm-up, then `reps` reps, each case interleaved. */
async function compare(cases, ctx, after = () => {}) {
  const samples = cases.map(() => ({ a: [], b: [] }));
  for (let rep = -1; rep < reps; rep++) {
    ctx.rep = rep;
    for (const [c, [, a, b]] of cases.entries()) {
      const [outA, outB] = [[], []];
      await interleave(a, b, rep < 0 ? warmUp : opsPerRep, block, outA, outB);
      await after(c);
      if (rep >= 0) samples[c].a.push(outA), samples[c].b.push(outB);
    }
  }
  return cases.map(([name], c) => ({ name, ...summarize(samples[c]) }));
}

/** The typed layer and keytar against their raw calls, on one emulator. */
function layerCases(kc, n, ctx) {
  const t = layersOver(kc);
  const p = (i) => pick(i, n, ctx.rep);
  const pw = (i) => secret(p(i), ctx.rep + 100).toString();
  // An existing item, or for a "new item" case one in a service of its own, with a different
  // account on each side, as both sides share the emulator.
  const target = (c, side, i) => (c.fresh ? ['bench-new', `new-${side}-${i}`] : [service(p(i), n), account(p(i))]);
  const cases = LAYER_CASES.map((c) => [c.name,
    (i) => c.layer(t, ...target(c, 'a', i), pw(i)),
    (i) => c.raw(kc, ...target(c, 'b', i), pw(i))]);
  // Unmeasured: remove the items a "new item" case added (one call), so each rep adds them again.
  const cleanUp = async (c) => {
    if (LAYER_CASES[c].fresh) await kc.SecItemDelete({ class: 'genp', svce: 'bench-new', m_Limit: 'm_LimitAll' });
  };
  return [cases, cleanUp];
}

log(`checking the floor's schema and rows against the store, and the layers' raw calls`);
await checkFloor();

const opRows = [], layerRows = [], loopRows = [];
for (const n of sizes) {
  for (const medium of media) {
    let t0 = performance.now();
    const { kc, floor, tearDown } = await setUp(medium, n);
    log(`${medium}, ${n} items: populated in ${seconds(t0)}`);
    t0 = performance.now();
    try {
      const ctx = { rep: 0 };
      // Both sides answer "all of a service" with the same number of items.
      const apiAll = (await kc.SecItemCopyMatching({ class: 'genp', svce: service(0, n), r_Attributes: true, m_Limit: 'm_LimitAll' })).length;
      const floorAll = floor.findAll(service(0, n)).length;
      if (apiAll !== floorAll) throw new Error(`find all of a service: API ${apiAll} items, floor ${floorAll}`);
      for (const r of await compare(operations(kc, floor, n, ctx), ctx)) {
        opRows.push([medium, String(n), r.name === 'find all of a service → attributes' ? `${r.name} (${apiAll})` : r.name,
          us(r.aMin), us(r.aMed), us(r.bMin), us(r.bMed), ratio(r.ratio), `${ratio(r.spread[0])}–${ratio(r.spread[1])}`]);
      }
      if (n === sizes[0]) {
        const [cases, cleanUp] = layerCases(kc, n, ctx);
        for (const r of await compare(cases, ctx, cleanUp)) {
          layerRows.push([medium, String(n), r.name, us(r.aMin), us(r.aMed), us(r.bMin), us(r.bMed), ratio(r.ratio), `${ratio(r.spread[0])}–${ratio(r.spread[1])}`]);
        }
      }
      // 1,000 finds started at once, while a ticker watches the event loop; the floor's 1,000 back to back for scale.
      const probes = [], floorWalls = [];
      for (let rep = -1; rep < reps; rep++) {
        const k = (i) => pick(i, n, rep + 7);
        const probe = await loopProbe((i) => kc.SecItemCopyMatching({ class: 'genp', svce: service(k(i), n), acct: account(k(i)), r_Data: true }), CONCURRENT);
        const f0 = performance.now();
        for (let i = 0; i < CONCURRENT; i++) floor.findData(service(k(i), n), account(k(i)));
        if (rep >= 0) probes.push(probe), floorWalls.push(performance.now() - f0);
      }
      const m = (key) => median(probes.map((x) => x[key]));
      loopRows.push([medium, String(n), ms(m('wall')), ms(m('maxGap')), String(m('ticks')), ms(m('eldMax')), ms(m('eldP99')), ms(median(floorWalls))]);
    } finally {
      tearDown();
    }
    log(`${medium}, ${n} items: measured in ${seconds(t0)}`);
  }
}

console.log(`\nNode ${process.version}, ${process.platform}/${process.arch}, ${cpus()[0]?.model ?? 'unknown CPU'}`);
console.log(`${reps} reps of ${opsPerRep} ops per operation and side, after a warm-up of ${warmUp}; A/B interleaved in blocks of ${block}.`);
console.log('µs per op; ratio = API median / floor median; "per rep" = range of the reps\' median ratios.');
printTable('Public API against its floor (same SQL + AES-GCM on the same schema and rows)',
  ['medium', 'items', 'operation', 'API min', 'API med', 'floor min', 'floor med', 'ratio', 'per rep'], opRows);
printTable(`Layers against the raw calls they make (${sizes[0]} items)`,
  ['medium', 'items', 'call', 'layer min', 'layer med', 'raw min', 'raw med', 'ratio', 'per rep'], layerRows);
printTable(`Event loop while ${CONCURRENT} SecItemCopyMatching (primary key → data) run concurrently; ms, median of ${reps} runs`,
  ['medium', 'items', 'all done', 'longest tick gap', 'ticks', 'ELD max', 'ELD p99', 'floor, 1000 back to back'], loopRows, 2);
