/**
 * The parent's model of what the killed writers stored (sigkill.reliability.ts): every
 * acknowledged add, update and delete is applied to it; a call that began but was not
 * acknowledged when the writer was killed may or may not have happened — but as a whole.
 */
import type { Snapshot, SnapshotItem } from './snapshot.js';

export interface ItemKey {
  acct: string;
  svce: string;
  kc: 'fb' | 'dp';
}

/** One call as the writer announced it ("begin" line of test/fixtures/killed-writer.mjs). */
export interface WriteCall {
  n: number;
  op: 'add' | 'update' | 'delete';
  items: ItemKey[];
  /** True when one call changes several items (a batch update or delete by service). */
  batch?: boolean;
  secret: string;
  label: string;
}

export interface StoredState {
  kc: 'fb' | 'dp';
  svce: string;
  secret: string | null;
  label: string | null;
}

/** acct → what is stored under it (absent = no item). Accounts are unique across writers. */
export type Model = Map<string, StoredState>;

export function after(call: WriteCall, item: ItemKey): StoredState | undefined {
  return call.op === 'delete' ? undefined : { kc: item.kc, svce: item.svce, secret: call.secret, label: call.label };
}

export function apply(model: Model, call: WriteCall): void {
  for (const item of call.items) {
    const state = after(call, item);
    if (state) model.set(item.acct, state);
    else model.delete(item.acct);
  }
}

const same = (a: StoredState | undefined, b: StoredState | undefined): boolean =>
  a === undefined || b === undefined ? a === b : a.kc === b.kc && a.svce === b.svce && a.secret === b.secret && a.label === b.label;

const show = (s: StoredState | undefined): string => (s ? `${s.kc}/${s.svce} secret=${s.secret} label=${s.label}` : 'absent');

export interface Verdict {
  /** Acknowledged writes whose effect is missing or wrong (each a description). */
  lost: string[];
  /** Calls in flight at the kill that are half applied. */
  torn: string[];
  /** Items that no call wrote. */
  phantoms: string[];
  /** In-flight calls found applied / not applied. */
  inFlightApplied: number;
  inFlightNotApplied: number;
}

/**
 * Compares a store (as a fresh process read it) with the model, given the calls that were in
 * flight when their writers were killed. Then sets the model to what the store holds — the
 * same as the model when nothing is wrong — so the next round starts from exact knowledge and
 * a defect is counted once, not again in every later round.
 */
export function judge(model: Model, inFlight: readonly WriteCall[], snap: Snapshot): Verdict {
  const verdict: Verdict = { lost: [], torn: [], phantoms: [], inFlightApplied: 0, inFlightNotApplied: 0 };
  const stored = new Map<string, StoredState>();
  for (const item of snap.items) {
    if (stored.has(item.acct)) verdict.phantoms.push(`${item.acct} is stored twice`);
    stored.set(item.acct, stateOf(item));
  }
  const pending = new Set(inFlight.flatMap((c) => c.items.map((i) => i.acct)));
  for (const acct of new Set([...model.keys(), ...stored.keys()])) {
    if (pending.has(acct)) continue;
    const want = model.get(acct);
    const got = stored.get(acct);
    if (same(want, got)) continue;
    if (want === undefined) verdict.phantoms.push(`${acct}: no acknowledged call stored ${show(got)}`);
    else verdict.lost.push(`${acct}: acknowledged ${show(want)}, stored ${show(got)}`);
  }
  for (const call of inFlight) {
    const before = call.items.map((i) => model.get(i.acct));
    const afterCall = call.items.map((i) => after(call, i));
    const got = call.items.map((i) => stored.get(i.acct));
    const asBefore = got.map((g, k) => same(g, before[k]));
    const asAfter = got.map((g, k) => same(g, afterCall[k]));
    const what = `${call.batch ? 'batch ' : ''}${call.op} #${call.n} of ${call.items.map((i) => i.acct).join(', ')}`;
    if (asBefore.every(Boolean)) {
      verdict.inFlightNotApplied++;
    } else if (asAfter.every(Boolean)) {
      verdict.inFlightApplied++;
    } else if (got.every((_, k) => asBefore[k] || asAfter[k])) {
      verdict.torn.push(`${what}: ${asAfter.filter(Boolean).length} of ${got.length} items changed`);
    } else {
      const k = got.findIndex((_, i) => !asBefore[i] && !asAfter[i]);
      verdict.lost.push(`${what} (in flight): ${call.items[k]!.acct} was ${show(before[k])}, stored ${show(got[k])}`);
    }
  }
  model.clear();
  for (const [acct, state] of stored) model.set(acct, state);
  return verdict;
}

function stateOf(item: SnapshotItem): StoredState {
  return { kc: item.kc, svce: item.svce, secret: item.secret, label: item.labl };
}
