/**
 * The suite's randomness: one seed for every part, fixed by default so a run can be repeated,
 * printed in the summary, and varied with `npm run test:reliability -- --seed N` (or the
 * RELIABILITY_SEED environment variable, which is what the --seed flag sets).
 */
export const DEFAULT_SEED = 20240611;

export function suiteSeed(): number {
  const raw = process.env.RELIABILITY_SEED;
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`RELIABILITY_SEED must be an integer, not ${JSON.stringify(raw)}`);
  return seed;
}

/** A count from the environment (to run a part longer or shorter), or the default. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(raw)}`);
  return n;
}

/** mulberry32: a small, fast, seedable PRNG; the same seed gives the same sequence everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An integer in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
