// Timing: A/B interleaved in blocks, statistics, the event-loop probe and the tables.
import { monitorEventLoopDelay } from 'node:perf_hooks';

const now = () => process.hrtime.bigint();

/**
 * Runs ops 0..count-1 of `a` and of `b` in alternating blocks of `block` ops (A then B, then
 * B then A, …) and appends each op's latency in µs to `outA` / `outB`. An op that returns a
 * Promise is awaited inside its timing.
 */
export async function interleave(a, b, count, block, outA, outB) {
  for (let start = 0, k = 0; start < count; start += block, k++) {
    const end = Math.min(count, start + block);
    const order = k % 2 === 0 ? [[a, outA], [b, outB]] : [[b, outB], [a, outA]];
    for (const [fn, out] of order) {
      for (let i = start; i < end; i++) {
        const t0 = now();
        const r = fn(i);
        if (r instanceof Promise) await r;
        out.push(Number(now() - t0) / 1e3);
      }
    }
  }
}

export function quantile(xs, q) {
  const s = [...xs].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
export const median = (xs) => quantile(xs, 0.5);

/**
 * One row of a comparison: samples[side][rep] are µs per op. min and median over all reps;
 * ratio = median/median; the spread is the range of the per-rep median ratios.
 */
export function summarize(samples) {
  const all = (side) => samples[side].flat();
  const ratios = samples.a.map((reps, r) => median(reps) / median(samples.b[r]));
  return {
    aMin: Math.min(...all('a')), aMed: median(all('a')),
    bMin: Math.min(...all('b')), bMed: median(all('b')),
    ratio: median(all('a')) / median(all('b')),
    spread: [Math.min(...ratios), Math.max(...ratios)],
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Starts `count` calls at once (`start(i)` returns a Promise) while a setImmediate ticker and
 * monitorEventLoopDelay watch the loop; returns the wall time until all settled, the longest
 * gap between ticks, the ticks seen, and the histogram's max and p99 (ms).
 */
export async function loopProbe(start, count) {
  const gaps = [];
  let last = now(), running = true;
  const ticker = () => {
    const t = now();
    gaps.push(Number(t - last) / 1e6);
    last = t;
    if (running) setImmediate(ticker);
  };
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  setImmediate(ticker);
  await tick();
  await tick();
  gaps.length = 0;
  const t0 = now();
  const calls = [];
  for (let i = 0; i < count; i++) calls.push(start(i));
  await Promise.all(calls);
  const wall = Number(now() - t0) / 1e6;
  await tick();
  await tick();
  running = false;
  histogram.disable();
  return { wall, maxGap: Math.max(...gaps), ticks: gaps.length, eldMax: histogram.max / 1e6, eldP99: histogram.percentile(99) / 1e6 };
}

export const us = (x) => (x >= 1000 ? x.toFixed(0) : x.toFixed(1));
export const ms = (x) => x.toFixed(1);
export const ratio = (x) => x.toFixed(2);

/** Prints a table: headers and rows of strings; the first `left` columns are left-aligned. */
export function printTable(title, headers, rows, left = 3) {
  const widths = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells) => cells.map((s, c) => (c < left ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join('  ');
  console.log(`\n${title}\n${line(headers)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const r of rows) console.log(line(r));
}
