/**
 * Part 2 — several processes on one store. Four processes (test/fixtures/mixed-worker.mjs)
 * start together and each makes a few thousand mixed calls, as fast as it can, on a store
 * they share: adds, updates, deletes, reads, searches and batch updates of sixteen shared
 * items in both keychains (so they collide all the time), and of their own items. Checks:
 * every failure is a SecError with a status the race explains (errSecDuplicateItem,
 * errSecItemNotFound) — never SQLITE_BUSY surfacing as errSecIO or errSecInternalComponent;
 * no primary key is stored twice and no search shows one twice; per shared item, successful
 * adds minus successful deletes is 1 if it is there at the end and 0 if not (the unique index
 * lets exactly one of two racing adds win); every secret read or left at the end is one that
 * some process wrote; each process's own items end exactly as it left them; integrity_check ok.
 */
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { n, reportFigures } from './support/figures.js';
import { PACKAGE_ENTRY, start } from './support/processes.js';
import { countFromEnv, suiteSeed } from './support/seed.js';
import { fileProblems, snapshot } from './support/snapshot.js';
import { judgeWorkers, sharedAccounts, type WorkerReport } from './support/workerChecks.js';

const PROCESSES = countFromEnv('RELIABILITY_PROCESSES', 4);
const CALLS = countFromEnv('RELIABILITY_CALLS', 4000);
/** This part's budget. */
const BUDGET_MS = 60_000;

const dir = mkdtempSync(join(tmpdir(), 'sf-reliability-concurrency-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let final: { store: string; reports: WorkerReport[] } | undefined;

describe('several processes on one store', () => {
  it(`${PROCESSES} processes × ${CALLS} mixed calls: only expected statuses, no duplicate keys, nothing lost`, { timeout: BUDGET_MS }, async (ctx) => {
    const seed = suiteSeed();
    const store = join(dir, 'kc.sqlite');
    const go = join(dir, 'go');
    const workers = Array.from({ length: PROCESSES }, (_, id) =>
      start('mixed-worker.mjs', [PACKAGE_ENTRY, store, String(id), String(seed * 31 + id), String(CALLS), go]));
    // Every process opens the store (the first ones create it), then all start at once.
    await Promise.all(workers.map((w) => w.waitForLine((l) => l.includes('"ready"'))));
    writeFileSync(go, '');
    const started = performance.now();
    const killer = setTimeout(() => workers.forEach((w) => w.process.kill('SIGKILL')), BUDGET_MS - 10_000);
    const reports: WorkerReport[] = [];
    const problems: string[] = [];
    for (const [id, worker] of workers.entries()) {
      const exit = await worker.exited;
      if (exit.code !== 0) problems.push(`process ${id} ended with ${exit.code ?? exit.signal}: ${exit.stderr}`);
      else reports.push(JSON.parse(worker.lines.at(-1)!) as WorkerReport);
    }
    clearTimeout(killer);
    const seconds = (performance.now() - started) / 1000;

    const snap = await snapshot(store);
    problems.push(...fileProblems(snap), ...judgeWorkers(reports, snap));
    final = { store, reports };

    const outcomes: Record<string, number> = {};
    for (const r of reports) for (const [status, count] of Object.entries(r.outcomes)) outcomes[status] = (outcomes[status] ?? 0) + count;
    const calls = reports.reduce((t, r) => t + r.calls, 0);
    const unexpected = reports.reduce((t, r) => t + r.failures.length, 0);
    reportFigures(ctx.task.meta, 'Concurrency', `Concurrency: ${PROCESSES} processes × ${n(CALLS)} calls = ${n(calls)} calls in ${seconds.toFixed(1)} s; `
      + `${Object.entries(outcomes).sort((a, b) => b[1] - a[1]).map(([s, c]) => `${s} ${n(c)}`).join(', ')}; `
      + `${n(unexpected)} unexpected failures, ${n(snap.duplicateKeys ?? -1)} duplicate primary keys, `
      + `add/delete balance holds for ${sharedAccounts(reports).size - problems.filter((p) => p.includes('more successful adds')).length}/${sharedAccounts(reports).size} shared items; `
      + `slowest call ${Math.round(Math.max(0, ...reports.map((r) => r.slowestMs)))} ms; integrity_check ${snap.integrity}`);
    expect(problems).toEqual([]);
    // Not vacuous: the processes really collided.
    expect(calls).toBe(PROCESSES * CALLS);
    expect(outcomes.errSecDuplicateItem ?? 0).toBeGreaterThan(0);
    expect(outcomes.errSecItemNotFound ?? 0).toBeGreaterThan(0);
  });

  it('the checks catch a lost item, an unwritten secret and an unexpected status (a deliberately damaged copy)', async () => {
    if (!final) throw new Error('needs the run above');
    const { store, reports } = final;
    expect(judgeWorkers(reports, await snapshot(store))).toEqual([]);

    const copy = join(dir, 'damaged.sqlite');
    copyFileSync(store, copy);
    copyFileSync(`${store}.key`, `${copy}.key`);
    const db = new DatabaseSync(copy);
    const removed = db.prepare(`SELECT rowid FROM items WHERE json_extract(attrs, '$.svce') = 'shared' LIMIT 1`).get();
    db.exec(`DELETE FROM items WHERE rowid = ${Number(removed?.rowid)}`);
    db.close();
    expect(judgeWorkers(reports, await snapshot(copy))).toEqual([expect.stringContaining('more successful adds than deletes')]);

    const tampered: WorkerReport[] = structuredClone(reports);
    tampered[0]!.read.k0 = ['a secret nobody wrote'];
    tampered[1]!.failures.push({ op: 'add', acct: 'k1', status: 'errSecInternalComponent', message: 'database is locked' });
    expect(judgeWorkers(tampered, await snapshot(store))).toEqual([
      expect.stringContaining('failed with errSecInternalComponent'),
      expect.stringContaining('which no process wrote'),
    ]);
  });
});
