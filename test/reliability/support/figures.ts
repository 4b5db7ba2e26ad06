/**
 * Each part reports its figures (counts) on the test that produced them; the figures reporter
 * (figures-reporter.ts) prints them after the run, one summary line per part.
 */
import type { TaskMeta } from 'vitest';

declare module 'vitest' {
  interface TaskMeta {
    /** One summary line per part, e.g. "SIGKILL: 50 rounds, 4,211 acknowledged writes, 0 lost". */
    reliabilityFigures?: { part: string; line: string };
  }
}

/** Records a part's summary line on the running test (`ctx.task.meta`). */
export function reportFigures(meta: TaskMeta, part: string, line: string): void {
  meta.reliabilityFigures = { part, line };
}

/** 4211 → "4,211". */
export function n(value: number): string {
  return value.toLocaleString('en-US');
}
