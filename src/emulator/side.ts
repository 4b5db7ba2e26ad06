import type { CFResult, CFValue } from '../values.js';
import type { Call } from './routing.js';

/** What the bridge copies when it moves an item to the other keychain (spec/semantics.md 1.5). */
export interface MovableItem {
  cls: string;
  /** The item's attributes as an add dictionary would carry them (no dates, no "any"). */
  attributes: Record<string, CFValue>;
  data: Buffer | undefined;
  ref: Buffer;
}

/**
 * One of the Mac's two keychains as the SecItem bridge sees it (spec 1): the data protection
 * keychain (dataProtection.ts) and the file-based one (fileBased.ts) both implement it, so
 * the routing (emulator.ts) treats them alike. Each method takes the caller's dictionary as
 * it reached the bridge and applies the side's own translation (spec 1.6, 1.7) first; a
 * failure is thrown as a status (failure.ts), never written half.
 */
export interface KeychainSide {
  /** Which keychain: 'dp' or 'fb'. */
  readonly kind: 'dp' | 'fb';
  /**
   * Whether a call could succeed on this side at all. The data protection keychain refuses a
   * process without keychain-access-groups (spec 8.4, 8.6) before it looks at anything, so
   * when the other keychain is asked too the merge (1.4) gives that keychain's answer and
   * this side need not run.
   */
  reachable(call: Call): boolean;
  add(attributes: Record<string, CFValue>): CFResult | undefined;
  copy(query: Record<string, CFValue>): CFResult | undefined;
  /** The attributes to update reach the side untranslated (spec 1.6). */
  update(query: Record<string, CFValue>, changes: Record<string, CFValue>): void;
  delete(query: Record<string, CFValue>): void;
  /** The items an update query reaches, as the bridge copies them to the other side (1.5). */
  matches(query: Record<string, CFValue>): MovableItem[];
  /** The attributes that make an item of `cls` unique on this side (spec 3.5, 3.11). */
  primaryKeyOf(cls: string): readonly string[];
}
