/**
 * Which backend does a JOSE call's SecKey work: the `backend` option, else the process default
 * (`keychain()`). The key's own backend must do it — an emulator key's prompts go to that
 * emulator's simulated user, a native key to the real framework — so a key made by another
 * kind of backend is refused before anything is asked. As in the raw calls (api/bind.ts), every
 * argument is checked before the default backend is opened.
 */
import { requireHandle } from '../arguments.js';
import { bind, requireBackend, type BoundBackend } from '../api/bind.js';
import { keychain } from '../api/default.js';
import type { Backend } from '../backend/backend.js';
import { paramError } from '../errors.js';
import type { SecHandle } from '../handles.js';

/** The option every function of `security-framework/jose` that uses a key takes. */
export interface BackendOption {
  /**
   * The backend the key belongs to (`keychain()`, `createEmulator()`, `openBackend()`);
   * default `keychain()`, the process default. A key made by an emulator needs that emulator.
   */
  backend?: Backend;
}

/** The `backend` option, checked (`what` names it); undefined stands for the process default. */
export function backendOption(value: unknown, what: string): Backend | undefined {
  return value === undefined ? undefined : requireBackend(value, what);
}

/** A SecKey handle; errSecParam naming `what` otherwise. */
export function requireKey(value: unknown, what: string): SecHandle {
  return requireHandle(value, 'SecKey', what);
}

/**
 * The checked backend that does `key`'s calls: the option's, or the process default, opened
 * now. errSecParam when the key was made by another kind of backend.
 */
export function backendFor(key: SecHandle, what: string, option: Backend | undefined): BoundBackend {
  const backend = bind(option ?? keychain());
  if (key.backend !== backend.name) {
    throw paramError(`${what} is a SecKey of the ${key.backend} backend, but the call uses the ${backend.name} backend: ` +
      'pass the backend that made the key as options.backend');
  }
  return backend;
}
