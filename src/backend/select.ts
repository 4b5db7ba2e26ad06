import { homedir } from 'node:os';
import { join } from 'node:path';
import { secError } from '../errors.js';
import type { Backend } from './backend.js';
import { openDefaultEmulator } from '../emulator/emulator.js';
import { loadNativeBackend } from './native.js';

export type BackendName = 'native' | 'emulator';

/** Where the default emulator keeps its store when SECURITY_FRAMEWORK_STORE is not set. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = homedir();
  let base: string;
  if (platform === 'win32') {
    base = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
  } else if (platform === 'darwin') {
    base = join(home, 'Library', 'Application Support');
  } else {
    base = env.XDG_DATA_HOME && env.XDG_DATA_HOME.startsWith('/') ? env.XDG_DATA_HOME : join(home, '.local', 'share');
  }
  return join(base, 'security-framework', 'keychain.sqlite');
}

/** Which backend `keychain()` uses: SECURITY_FRAMEWORK_BACKEND, else the platform default. */
export function selectedBackendName(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BackendName {
  const wanted = env.SECURITY_FRAMEWORK_BACKEND;
  if (wanted === undefined || wanted === '') return platform === 'darwin' ? 'native' : 'emulator';
  if (wanted === 'native' || wanted === 'emulator') return wanted;
  throw secError('errSecParam', `SECURITY_FRAMEWORK_BACKEND must be "native" or "emulator", not ${JSON.stringify(wanted)}`);
}

let cached: { key: string; backend: Backend } | undefined;

/**
 * The default backend for this process: the native addon on macOS (the real keychain), the
 * emulator elsewhere (a persistent store under the user's data directory, or
 * SECURITY_FRAMEWORK_STORE). SECURITY_FRAMEWORK_BACKEND=native|emulator overrides the choice;
 * asking for native off macOS, or an addon that fails to load, is errSecUnimplemented saying
 * why — never a silent fallback to the emulator.
 */
export function keychain(): Backend {
  const name = selectedBackendName();
  const path = process.env.SECURITY_FRAMEWORK_STORE || defaultStorePath();
  const key = `${name}:${path}`;
  if (cached?.key === key) return cached.backend;
  const backend = name === 'native' ? loadNativeBackend() : openDefaultEmulator(path);
  cached = { key, backend };
  return backend;
}
