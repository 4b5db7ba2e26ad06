/** What test/fixtures/store-snapshot.mjs reports of a store, read by a fresh process. */
import { PACKAGE_ENTRY, runForJson } from './processes.js';

export interface SnapshotItem {
  kc: 'fb' | 'dp';
  svce: string;
  acct: string;
  labl: string | null;
  secret: string | null;
}

export interface Snapshot {
  items: SnapshotItem[];
  /** Why createEmulator refused the store, or null. */
  openError: string | null;
  /** Searches that failed with something other than errSecItemNotFound. */
  readErrors: string[];
  /** `PRAGMA integrity_check`: "ok" for a healthy file. */
  integrity: string | null;
  rows: number | null;
  /** (keychain, class, primary key) triples stored more than once. */
  duplicateKeys: number | null;
}

export function snapshot(store: string): Promise<Snapshot> {
  return runForJson<Snapshot>('store-snapshot.mjs', [PACKAGE_ENTRY, store], 30_000);
}

/** Everything wrong with the file itself, apart from which items it holds. */
export function fileProblems(s: Snapshot): string[] {
  const problems: string[] = [];
  if (s.openError !== null) problems.push(`a fresh process cannot open the store: ${s.openError}`);
  problems.push(...s.readErrors.map((e) => `a fresh process cannot read the store: ${e}`));
  if (s.integrity !== 'ok') problems.push(`PRAGMA integrity_check: ${s.integrity}`);
  if (s.duplicateKeys !== 0) problems.push(`${s.duplicateKeys} primary keys are stored more than once`);
  if (s.rows !== null && s.openError === null && s.rows !== s.items.length) {
    problems.push(`the table has ${s.rows} rows but the keychains show ${s.items.length} items`);
  }
  return problems;
}
