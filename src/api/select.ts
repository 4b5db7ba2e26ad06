/**
 * Which backend the process uses by default, chosen explicitly: `openBackend` opens one from
 * options (a pure function of them); `setDefaultBackend` replaces the process default,
 * closing the one it had opened; the environment variables are read once, when the default
 * is first used without having been set.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readOptions } from '../arguments.js';
import { secError } from '../errors.js';
import { describeValue, readCallerValue } from '../values.js';
import type { AppIdentity, EmulatorOptions } from '../emulator/emulator.js';
import type { Backend } from '../backend/backend.js';
import { loadNativeBackend } from '../backend/native.js';
import { emulatorModule } from './emulatorLoader.js';
import type { SecuritySession } from '../backend/session.js';
import { applyInteraction, interactiveFromEnvironment, requireInteractive } from './interaction.js';
import { requireTimeout, timeoutFromEnvironment, limitCalls } from './timeout.js';

export type BackendName = 'native' | 'emulator';

/** What `openBackend` and `setDefaultBackend` take. */
export interface BackendOptions {
  /** 'native': the real keychain (macOS only). 'emulator': the keychain emulator. */
  readonly backend: BackendName;
  /** The emulator's SQLite file; absent = in memory, fresh. Ignored by 'native'. */
  readonly path?: string;
  /** The emulated app's entitlements; absent = a plain unsigned process. Ignored by 'native'. */
  readonly app?: AppIdentity;
  /** Create the emulator's store directory when it does not exist (the default store does). */
  readonly createDirectory?: boolean;
  /**
   * false: no call may prompt — SecItem calls carry kSecUseAuthenticationUIFail and LAContexts
   * start with interactionNotAllowed, so a read that needs a person fails at once with
   * errSecInteractionNotAllowed (interaction.ts). Default true; the process default reads
   * SECURITY_FRAMEWORK_INTERACTIVE, CI and SSH variables and, on macOS, the security session
   * (docs/ci-and-ssh.md).
   */
  readonly interactive?: boolean;
  /**
   * Milliseconds after which a call's Promise rejects with errSecInteractionRequired
   * (SecTimeoutError) even though the framework call goes on (timeout.ts); 0 or absent: none.
   */
  readonly timeout?: number;
}

/** The native default's timeout when the environment forbids prompts and sets none: 30 s. */
export const NON_INTERACTIVE_NATIVE_TIMEOUT = 30_000;

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

/** Which backend the environment asks for: SECURITY_FRAMEWORK_BACKEND, else the platform default. */
export function selectedBackendName(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): BackendName {
  const wanted = env.SECURITY_FRAMEWORK_BACKEND;
  if (wanted === undefined || wanted === '') return platform === 'darwin' ? 'native' : 'emulator';
  if (wanted === 'native' || wanted === 'emulator') return wanted;
  throw secError('errSecParam', `SECURITY_FRAMEWORK_BACKEND must be "native" or "emulator", not ${JSON.stringify(wanted)}`);
}

/**
 * The caller's security session through the native backend (SessionGetInfo), or undefined when
 * the addon cannot be loaded — opening the backend then reports why.
 */
export function nativeSecuritySession(): SecuritySession | undefined {
  try {
    return loadNativeBackend().callerSecuritySession();
  } catch {
    return undefined;
  }
}

/**
 * Where the default's interactive decision reads the security session: the native backend on
 * macOS; nowhere for the emulator, which keeps its explicit option.
 */
function sessionSource(platform: NodeJS.Platform, backend: BackendName): (() => SecuritySession | undefined) | undefined {
  return backend === 'native' && platform === 'darwin' ? nativeSecuritySession : undefined;
}

/** Whether the process default may prompt, and why (interaction.ts): the environment, then the session. */
export function defaultInteraction(
  env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, backend: BackendName = selectedBackendName(env, platform),
): { readonly interactive: boolean; readonly reason: string } {
  return interactiveFromEnvironment(env, sessionSource(platform, backend));
}

/**
 * The default backend's options as the environment gives them (`backend` overrides the choice).
 * `session` reads the caller's security session (default: the native backend's on macOS).
 */
export function optionsFromEnvironment(
  env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, backend: BackendName = selectedBackendName(env, platform),
  session: (() => SecuritySession | undefined) | undefined = sessionSource(platform, backend),
): BackendOptions {
  const { interactive } = interactiveFromEnvironment(env, session);
  const given = timeoutFromEnvironment(env);
  // The file-based keychain shows its own dialogs whatever kSecUseAuthenticationUI says
  // (spec/semantics.md 10.5): where no one can answer, a time limit is the only guard.
  const timeout = given === null ? (interactive || backend !== 'native' ? undefined : NON_INTERACTIVE_NATIVE_TIMEOUT) : given;
  const calls = { ...(interactive ? {} : { interactive }), ...(timeout === undefined ? {} : { timeout }) };
  return backend === 'native' ? { backend, ...calls }
    : { backend, path: env.SECURITY_FRAMEWORK_STORE || defaultStorePath(env, platform), createDirectory: true, ...calls };
}

/**
 * Opens a backend: the native addon (errSecUnimplemented saying why off macOS or when the addon
 * cannot load — never a silent fallback to the emulator), or an emulator on `path`.
 */
export function openBackend(options: BackendOptions): Backend {
  if (options === undefined) throw secError('errSecParam', 'options must be an object such as { backend: "emulator" }');
  // Read once, into plain values: the emulator's own checks then see no getter or Proxy.
  const { backend, interactive, timeout, ...emulator } = readOptions(options, 'options', ['backend', 'path', 'app', 'createDirectory', 'interactive', 'timeout']);
  if (backend !== 'native' && backend !== 'emulator') {
    throw secError('errSecParam', `options.backend must be "native" or "emulator", not ${describeValue(backend)}`);
  }
  // Checked before anything opens.
  const limit = requireTimeout(timeout, 'options.timeout');
  const prompts = requireInteractive(interactive, 'options.interactive');
  const opened = backend === 'native' ? loadNativeBackend() : new (emulatorModule().EmulatorBackend)(emulator as EmulatorOptions);
  return applyInteraction(limitCalls(opened, limit), prompts);
}

let current: { backend: Backend; opened: boolean } | undefined;

/**
 * The process default: the native addon on macOS (the real keychain), the emulator elsewhere (a
 * persistent store under the user's data directory, or SECURITY_FRAMEWORK_STORE);
 * SECURITY_FRAMEWORK_BACKEND=native|emulator overrides the choice. Read once, at first use.
 */
export function defaultBackend(): Backend {
  current ??= { backend: openBackend(optionsFromEnvironment()), opened: true };
  return current.backend;
}

function isOptions(value: Backend | BackendOptions): value is BackendOptions {
  // A backend may be a Proxy (it is code, not data); whatever reading it throws is errSecParam.
  return readCallerValue('setDefaultBackend\'s argument', () => typeof (value as Backend).SecItemAdd !== 'function');
}

/**
 * Replaces the process default: with a backend (yours to close), with options to open one, or
 * with undefined to go back to the environment's choice at the next use. A default this module
 * opened is closed when it is replaced.
 */
export function setDefaultBackend(next: Backend | BackendOptions | undefined): void {
  if (next !== undefined && (next === null || typeof next !== 'object')) {
    throw secError('errSecParam', 'setDefaultBackend takes a backend, options such as { backend: "emulator" }, or undefined');
  }
  const replacement = next === undefined ? undefined
    : isOptions(next) ? { backend: openBackend(next), opened: true } : { backend: next, opened: false };
  const previous = current;
  current = replacement;
  if (previous?.opened && previous.backend !== replacement?.backend) previous.backend.close();
}
