/** What the concurrency part checks of its workers' reports against the final store. */
import type { Snapshot } from './snapshot.js';

/** The JSON line test/fixtures/mixed-worker.mjs prints at its end. */
export interface WorkerReport {
  id: string;
  calls: number;
  /** Status name (or "ok") → how many calls ended so. */
  outcomes: Record<string, number>;
  /** Calls that failed with something other than a SecError whose status the race explains. */
  failures: { op: string; acct: string; status: string; message: string }[];
  slowestMs: number;
  /** Per shared account: this process's successful adds and deletes, the secrets it wrote and read. */
  adds: Record<string, number>;
  deletes: Record<string, number>;
  written: Record<string, string[]>;
  read: Record<string, string[]>;
  /** Searches that showed one account twice. */
  duplicateResults: number;
  /** acct → secret of this process's own items at its end. */
  own: Record<string, string>;
}

export function sharedAccounts(reports: readonly WorkerReport[]): Set<string> {
  return new Set(reports.flatMap((r) => [...Object.keys(r.adds), ...Object.keys(r.written), ...Object.keys(r.read)]));
}

const total = (reports: readonly WorkerReport[], pick: (r: WorkerReport) => Record<string, number>, key: string) =>
  reports.reduce((t, r) => t + (pick(r)[key] ?? 0), 0);

const sorted = (record: Record<string, unknown>) => JSON.stringify(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));

/** Every way the workers' reports and the final store disagree (empty = consistent). */
export function judgeWorkers(reports: readonly WorkerReport[], snap: Snapshot): string[] {
  const problems: string[] = [];
  for (const r of reports) {
    problems.push(...r.failures.map((f) => `process ${r.id}: ${f.op} ${f.acct} failed with ${f.status}: ${f.message}`));
    if (r.duplicateResults > 0) problems.push(`process ${r.id}: ${r.duplicateResults} searches showed an account twice`);
    const stored = Object.fromEntries(snap.items.filter((i) => i.svce === `own-${r.id}`).map((i) => [i.acct, i.secret]));
    if (sorted(stored) !== sorted(r.own)) problems.push(`process ${r.id}: its own items are ${sorted(stored)}, it left ${sorted(r.own)}`);
  }
  const shared = new Map(snap.items.filter((i) => i.svce === 'shared').map((i) => [i.acct, i.secret]));
  for (const acct of sharedAccounts(reports)) {
    // An add succeeds only when the item is absent and a delete only when it is there, so
    // they alternate: adds − deletes is exactly whether it is there at the end.
    const balance = total(reports, (r) => r.adds, acct) - total(reports, (r) => r.deletes, acct);
    const there = shared.has(acct) ? 1 : 0;
    if (balance !== there) problems.push(`${acct}: ${balance} more successful adds than deletes, but the item is ${there ? '' : 'not '}there`);
    const written = new Set(reports.flatMap((r) => r.written[acct] ?? []));
    const seen = [...reports.flatMap((r) => r.read[acct] ?? []), ...(shared.has(acct) ? [shared.get(acct)!] : [])];
    for (const secret of seen) if (secret === null || !written.has(secret)) problems.push(`${acct}: read the secret ${secret}, which no process wrote`);
  }
  return problems;
}
