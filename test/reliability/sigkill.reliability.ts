/**
 * Part 1 — SIGKILL during writes. Two writer processes (test/fixtures/killed-writer.mjs) add,
 * update and delete items of one store file — single items and batches (one SecItemUpdate or
 * SecItemDelete that changes four items across both keychains), one write in twenty with a secret
 * of a few megabytes that the store keeps in chunks — acknowledging each call on
 * stdout once it resolved. The parent kills them with SIGKILL at random moments (while they
 * work, sometimes while a process is still starting or opening the store).
 * After each round a fresh process opens the store and the parent checks, against its model:
 * every acknowledged add and update is there with its acknowledged secret and label, every
 * acknowledged delete is gone, the call in flight at the kill happened wholly or not at all
 * (no torn batch), nothing appeared that no call wrote, and `PRAGMA integrity_check` is ok.
 * docs/emulator-store.md promises exactly this: one transaction per call, durable once
 * acknowledged.
 *
 * What a SIGKILL cannot show: the operating system keeps what a killed process wrote, so
 * missing fsyncs (`synchronous = FULL`) would go unnoticed here; that needs a power cut.
 */
import { closeSync, copyFileSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { n, reportFigures } from './support/figures.js';
import { PACKAGE_ENTRY, start, type Child } from './support/processes.js';
import { between, countFromEnv, prng, suiteSeed } from './support/seed.js';
import { fileProblems, snapshot } from './support/snapshot.js';
import { apply, judge, type Model, type WriteCall } from './support/writeModel.js';

const ROUNDS = countFromEnv('RELIABILITY_SIGKILL_ROUNDS', 50);
const WRITERS = 2;
/** This part's budget: 50 rounds take about 20 s on two cores; past the budget no new round starts. */
const BUDGET_MS = 75_000;

const dir = mkdtempSync(join(tmpdir(), 'sf-reliability-sigkill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface WriterLine {
  t: 'ready' | 'begin' | 'ack';
  n: number;
  status?: string;
}

/** Kills a writer at a random moment: usually mid-call, sometimes before it has opened the store. */
async function killAtRandom(writer: Child, random: () => number): Promise<void> {
  if (random() < 0.1) {
    await sleep(between(random, 0, 150));
  } else {
    await writer.waitForLine((l) => l.includes('"ready"'));
    await sleep(between(random, 2, 250));
  }
  writer.process.kill('SIGKILL');
}

/** A write of a secret the store keeps in chunks (the writer shows it by length and digest). */
const isLarge = (call: WriteCall): boolean => call.op !== 'delete' && / bytes, sha256 /.test(call.secret);

/** The writer's calls from its stdout: acknowledged ones, failed ones, and the one in flight. */
function calls(lines: readonly string[]) {
  const acknowledged: WriteCall[] = [];
  const failed: string[] = [];
  let inFlight: WriteCall | undefined;
  for (const text of lines) {
    const line = JSON.parse(text) as WriterLine & WriteCall;
    if (line.t === 'begin') inFlight = line;
    if (line.t === 'ack' && inFlight?.n === line.n) {
      if (line.status === 'ok') acknowledged.push(inFlight);
      else failed.push(`${inFlight.op} #${line.n}: ${line.status}`);
      inFlight = undefined;
    }
  }
  return { acknowledged, failed, inFlight };
}

describe('SIGKILL during writes', () => {
  it(`${ROUNDS} rounds of killed writers lose no acknowledged write and tear no batch`, { timeout: BUDGET_MS + 30_000 }, async (ctx) => {
    const seed = suiteSeed();
    const random = prng(seed);
    const store = join(dir, 'kc.sqlite');
    const model: Model = new Map();
    const figures = { writes: 0, adds: 0, updates: 0, deletes: 0, batches: 0, large: 0, largeInFlight: 0, killed: 0, killedBeforeReady: 0, inFlightApplied: 0, inFlightNotApplied: 0, integrityOk: 0 };
    const problems: string[] = [];
    const started = performance.now();
    let round = 0;

    for (; round < ROUNDS && performance.now() - started < BUDGET_MS; round++) {
      const writers = Array.from({ length: WRITERS }, (_, id) => {
        const state = join(dir, `state-${id}.json`);
        const mine = [...model.keys()].filter((acct) => acct.startsWith(`w${id}-`));
        writeFileSync(state, JSON.stringify(Object.fromEntries(mine.map((acct) => [acct, true]))));
        return start('killed-writer.mjs', [PACKAGE_ENTRY, store, String(id), String(seed + round * WRITERS + id), state]);
      });
      await Promise.all(writers.map((w) => killAtRandom(w, random)));
      const inFlight: WriteCall[] = [];
      for (const [id, writer] of writers.entries()) {
        const exit = await writer.exited;
        if (exit.signal !== 'SIGKILL') problems.push(`round ${round}: writer ${id} ended by itself (${exit.code}): ${exit.stderr}`);
        else figures.killed++;
        if (!writer.lines.some((l) => l.includes('"ready"'))) figures.killedBeforeReady++;
        const seen = calls(writer.lines);
        problems.push(...seen.failed.map((f) => `round ${round}: writer ${id}: ${f}`));
        for (const call of seen.acknowledged) {
          apply(model, call);
          figures.writes++;
          figures[`${call.op}s`]++;
          if (call.batch) figures.batches++;
          if (isLarge(call)) figures.large++;
        }
        if (seen.inFlight) inFlight.push(seen.inFlight);
        if (seen.inFlight && isLarge(seen.inFlight)) figures.largeInFlight++;
      }
      const snap = await snapshot(store);
      const file = fileProblems(snap);
      if (file.length === 0) figures.integrityOk++;
      const verdict = judge(model, inFlight, snap);
      figures.inFlightApplied += verdict.inFlightApplied;
      figures.inFlightNotApplied += verdict.inFlightNotApplied;
      problems.push(...[...file, ...verdict.lost.map((l) => `lost: ${l}`), ...verdict.torn.map((t) => `torn: ${t}`), ...verdict.phantoms.map((p) => `phantom: ${p}`)]
        .map((p) => `round ${round}: ${p}`));
    }

    const rounds = round;
    const lost = problems.filter((p) => p.includes('lost:')).length;
    const torn = problems.filter((p) => p.includes('torn:')).length;
    const stopped = rounds < ROUNDS ? ` (stopped by the ${BUDGET_MS / 1000} s budget; ${n(ROUNDS)} planned)` : '';
    reportFigures(ctx.task.meta, 'SIGKILL', `SIGKILL: ${n(rounds)} rounds${stopped}, ${n(figures.killed)} writers killed (${n(figures.killedBeforeReady)} while starting), `
      + `${n(figures.writes)} acknowledged writes (${n(figures.adds)} adds, ${n(figures.updates)} updates, ${n(figures.deletes)} deletes; ${n(figures.batches)} batches; `
      + `${n(figures.large)} with a chunked secret of 1.1–2.5 MB, ${n(figures.largeInFlight)} more in flight at a kill), `
      + `${n(lost)} lost, ${n(torn)} torn; calls in flight at a kill: ${n(figures.inFlightApplied)} applied whole, ${n(figures.inFlightNotApplied)} not at all; `
      + `integrity_check ok ${n(figures.integrityOk)}/${n(rounds)} (seed ${seed})`);
    expect(problems).toEqual([]);
    // Not vacuous: enough rounds ran, the writers really wrote, and kills landed with calls in flight.
    expect(rounds).toBeGreaterThanOrEqual(Math.min(ROUNDS, 10));
    expect(figures.writes).toBeGreaterThan(rounds * 10);
    expect(figures.inFlightApplied + figures.inFlightNotApplied).toBeGreaterThan(rounds / 2);
    expect(figures.large).toBeGreaterThan(0);
  });

  it('the checks catch a lost write, a torn batch and a corrupted file (a deliberately damaged copy)', async () => {
    const store = join(dir, 'checker.sqlite');
    const emulator = createEmulator({ path: store, app: { accessGroups: ['TEAM.reliability'] } });
    const model: Model = new Map();
    const members = [0, 1, 2, 3].map((m) => ({ acct: `w0-g0-m${m}`, svce: 'batch-w0-g0', kc: m % 2 === 0 ? 'fb' as const : 'dp' as const }));
    for (const [i, item] of members.entries()) {
      const call: WriteCall = { n: i, op: 'add', items: [item], secret: `s${i}`, label: `l${i}` };
      await emulator.SecItemAdd({ class: 'genp', svce: item.svce, acct: item.acct, labl: call.label, nleg: item.kc === 'dp', v_Data: Buffer.from(call.secret) });
      apply(model, call);
    }
    emulator.close();
    const copy = (name: string) => {
      const path = join(dir, name);
      copyFileSync(store, path);
      copyFileSync(`${store}.key`, `${path}.key`);
      return path;
    };

    // The honest store passes (the checks do not cry wolf).
    const honest = await snapshot(store);
    expect(fileProblems(honest)).toEqual([]);
    expect(judge(new Map(model), [], honest)).toMatchObject({ lost: [], torn: [], phantoms: [] });

    // An acknowledged item removed behind the store's back is a lost write.
    const lostCopy = copy('lost.sqlite');
    const db = new DatabaseSync(lostCopy);
    db.exec("DELETE FROM items WHERE rowid = (SELECT max(rowid) FROM items)");
    db.close();
    expect(judge(new Map(model), [], await snapshot(lostCopy)).lost).toHaveLength(1);

    // A batch update in flight that changed two of its four items is torn.
    const tornCopy = copy('torn.sqlite');
    const batch: WriteCall = { n: 9, op: 'update', items: members, batch: true, secret: 'new', label: 'new label' };
    const half = createEmulator({ path: tornCopy, app: { accessGroups: ['TEAM.reliability'] } });
    for (const item of members.slice(0, 2)) {
      await half.SecItemUpdate({ class: 'genp', svce: item.svce, acct: item.acct, nleg: item.kc === 'dp' }, { v_Data: Buffer.from('new'), labl: 'new label' });
    }
    half.close();
    expect(judge(new Map(model), [batch], await snapshot(tornCopy)).torn).toHaveLength(1);

    // A chunk of a large secret removed behind the store's back: the fresh process cannot read it.
    const large = createEmulator({ path: store, app: { accessGroups: ['TEAM.reliability'] } });
    await large.SecItemAdd({ class: 'genp', svce: 'large', acct: 'w0-large', labl: 'l', v_Data: Buffer.alloc(3 << 20, 7) });
    large.close();
    const chunkCopy = copy('chunk.sqlite');
    const chunkDb = new DatabaseSync(chunkCopy);
    chunkDb.exec('DELETE FROM secrets WHERE n = 1');
    chunkDb.close();
    expect(fileProblems(await snapshot(store))).toEqual([]);
    expect(fileProblems(await snapshot(chunkCopy)).join('\n')).toContain('errSecDecode');

    // Garbage over the middle of the file: the fresh process or integrity_check reports it.
    const corruptCopy = copy('corrupt.sqlite');
    const fd = openSync(corruptCopy, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, 4096);
    closeSync(fd);
    expect(fileProblems(await snapshot(corruptCopy))).not.toEqual([]);
  });
});
