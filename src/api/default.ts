/** The process default backend as the public API sees it: checked calls over it (bind.ts). */
import type { Backend } from '../backend/backend.js';
import { defaultBackend, openBackend as openUnbound, setDefaultBackend, type BackendOptions } from './select.js';
import { bind, bindCalls } from './bind.js';

/** The raw calls over the process default; the top-level functions are these. */
export const defaultCalls = bindCalls(defaultBackend);

/**
 * The backend the top-level functions use: the native addon on macOS (the real keychain), the
 * emulator elsewhere. SECURITY_FRAMEWORK_BACKEND=native|emulator and SECURITY_FRAMEWORK_STORE
 * are read once, at first use; `setDefaultBackend` changes it. Asking for native off macOS,
 * or an addon that fails to load, throws errSecUnimplemented saying why — never a silent
 * fallback to the emulator.
 */
export function keychain(): Backend {
  return bind(defaultBackend());
}

/** Opens a backend from options, e.g. `openBackend({ backend: 'emulator', path })`. */
export function openBackend(options: BackendOptions): Backend {
  return bind(openUnbound(options));
}

export { setDefaultBackend, type BackendOptions };
