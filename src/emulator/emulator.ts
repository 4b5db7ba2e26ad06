import type { Backend } from '../backend/backend.js';
import type { CFDictionary, CFResult } from '../values.js';

/** The calling app's identity: its keychain-access-groups entitlement, in order. */
export interface AppIdentity {
  /** The first group is the default for adds (spec/semantics.md 8.2). */
  readonly accessGroups: readonly string[];
}

export interface EmulatorOptions {
  /** A SQLite file to keep the keychains in; absent = in memory, fresh. */
  path?: string;
  /** The app's entitlements; absent = a plain unsigned process, like `node` on a Mac. */
  app?: AppIdentity;
}

export interface Emulator extends Backend {
  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined>;
  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined>;
  SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void>;
  SecItemDelete(query: CFDictionary): Promise<void>;
  close(): void;
}

export declare function createEmulator(options?: EmulatorOptions): Emulator;
export declare function openDefaultEmulator(path: string): Backend;
