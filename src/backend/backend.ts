import type { CFDictionary, CFResult } from '../values.js';

/**
 * The only seam between the public API and an implementation of Apple's keychain: the
 * native addon on macOS or the emulator everywhere. Dictionaries reaching a backend have
 * already passed {@link checkDictionary} (every value can cross the API); everything else —
 * which keys are allowed, which status a violation gets — is the backend's business, because
 * on macOS it is the framework's.
 *
 * Every method returns a Promise and rejects only with a SecError.
 */
export interface SecItemBackend {
  /** "native" or "emulator". */
  readonly name: string;
  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined>;
  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined>;
  SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void>;
  SecItemDelete(query: CFDictionary): Promise<void>;
}

/** The backend interface. Key, access-control and LAContext calls join it as they land. */
export type Backend = SecItemBackend;
