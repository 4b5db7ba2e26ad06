/**
 * Non-interactive mode: a binding whose calls never wait for a person. Every SecItem call
 * carries `kSecUseAuthenticationUI: kSecUseAuthenticationUIFail` unless the caller chose a
 * value (or the deprecated `kSecUseNoAuthenticationUI`), every LAContext made through it
 * starts with `interactionNotAllowed = true`, and a key it generates gets such a context as
 * kSecUseAuthenticationContext unless the caller gave one, so a read that would show a Touch ID or password
 * prompt fails at once with errSecInteractionNotAllowed instead (spec/semantics.md 10.5,
 * 10.6). Done here, above the seam, so the native addon and the emulator receive the same keys.
 *
 * Whether the process default is interactive is decided once, at first use, from the
 * environment and, on macOS, the security session (select.ts, `interactiveFromEnvironment`); `createEmulator()` and `openBackend()` are
 * interactive unless told otherwise, because the emulator simulates a person who answers.
 */
import type { Backend } from '../backend/backend.js';
import { sessionAllowsPrompts, type SecuritySession } from '../backend/session.js';
import {
  kSecPrivateKeyAttrs, kSecUseAuthenticationContext, kSecUseAuthenticationUI, kSecUseAuthenticationUIFail, kSecUseNoAuthenticationUI,
} from '../constants.js';
import { paramError } from '../errors.js';
import { makeHandle, type SecHandle } from '../handles.js';
import type { CFDictionary } from '../values.js';
import { delegatingBackend, delegationChain } from './delegate.js';

/** The dictionary with kSecUseAuthenticationUIFail, unless the caller already chose. */
export function withoutAuthenticationUI(dictionary: CFDictionary): CFDictionary {
  if (kSecUseAuthenticationUI in dictionary || kSecUseNoAuthenticationUI in dictionary) return dictionary;
  return { ...dictionary, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIFail };
}

/**
 * A new LAContext of `backend` with interactionNotAllowed set (LAContext.h): an evaluation that
 * needs UI fails with LAErrorNotInteractive, which the keychain reports as
 * errSecInteractionNotAllowed (spec 10.6).
 */
function quietContext(backend: Backend): { payload: unknown; handle: SecHandle } {
  const payload = backend.laContextCreate();
  const handle = makeHandle('LAContext', backend.name, payload);
  backend.laContextSet(handle, 'interactionNotAllowed', true);
  return { payload, handle };
}

/**
 * Key generation parameters with a non-interactive kSecUseAuthenticationContext, unless the
 * caller gave one (at the top level or in kSecPrivateKeyAttrs): the key keeps the context it
 * was made with, so a private-key operation that its access control guards fails instead of
 * prompting (spec 10.1, 10.4, 10.6).
 */
function withQuietContext(backend: Backend, parameters: CFDictionary): CFDictionary {
  const priv = parameters[kSecPrivateKeyAttrs];
  const given = kSecUseAuthenticationContext in parameters
    || (priv !== null && typeof priv === 'object' && !Array.isArray(priv) && kSecUseAuthenticationContext in priv);
  return given ? parameters : { ...parameters, [kSecUseAuthenticationContext]: quietContext(backend).handle };
}

const wrapped = new WeakMap<Backend, Backend>();
const wrappers = new WeakSet<Backend>();

/** Whether `backend` is, or delegates to, a non-interactive one made here. */
export function isNonInteractive(backend: Backend): boolean {
  return delegationChain(backend).some((b) => wrappers.has(b));
}

/**
 * `backend` in non-interactive mode (the same object for the same backend). Only the
 * dictionary that selects items gets the key: SecItemUpdate's attributes-to-update are the
 * item's new values and are passed on untouched.
 */
export function nonInteractive(backend: Backend): Backend {
  let b = wrapped.get(backend);
  if (!b) {
    b = delegatingBackend(backend, {
      SecItemAdd: (attributes: CFDictionary) => backend.SecItemAdd(withoutAuthenticationUI(attributes)),
      SecItemCopyMatching: (query: CFDictionary) => backend.SecItemCopyMatching(withoutAuthenticationUI(query)),
      SecItemUpdate: (query: CFDictionary, changes: CFDictionary) => backend.SecItemUpdate(withoutAuthenticationUI(query), changes),
      SecItemDelete: (query: CFDictionary) => backend.SecItemDelete(withoutAuthenticationUI(query)),
      laContextCreate: () => quietContext(backend).payload,
      SecKeyCreateRandomKey: (parameters: CFDictionary) => backend.SecKeyCreateRandomKey(withQuietContext(backend, parameters)),
    });
    wrapped.set(backend, b);
    wrappers.add(b);
  }
  return b;
}

/** An `interactive` option: a boolean, true when absent. */
export function requireInteractive(value: unknown, what: string): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw paramError(`${what} must be a boolean, not ${value === null ? 'null' : typeof value}`);
  return value;
}

/** `backend` as the `interactive` option asks: itself when interactive. */
export function applyInteraction(backend: Backend, interactive: boolean): Backend {
  return interactive ? backend : nonInteractive(backend);
}

/** Why the environment makes the process default interactive or not. */
export interface InteractionDecision {
  readonly interactive: boolean;
  /** In plain words, naming the variable that decided. */
  readonly reason: string;
}

/** CI services set CI (GitHub Actions, GitLab CI, CircleCI, Travis CI, Buildkite, Azure Pipelines set it or TF_BUILD). */
const CI_VARIABLES = ['CI', 'TF_BUILD', 'BUILDKITE', 'JENKINS_URL', 'TEAMCITY_VERSION'] as const;

function isSet(value: string | undefined): value is string {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * Whether the process default may prompt, decided once, at first use (docs/ci-and-ssh.md):
 * - SECURITY_FRAMEWORK_INTERACTIVE=1|0 (also true/false) decides when set;
 * - else a CI service (CI and the others above) → not interactive: no one is there to answer;
 * - else an SSH login (SSH_CONNECTION or SSH_TTY, which sshd sets, sshd(8) "ENVIRONMENT")
 *   → not interactive: a prompt would appear on the Mac's own screen, if anywhere, not in
 *   the terminal that made the call;
 * - else, on the native backend, the security session (`session`, read only when needed):
 *   no sessionHasGraphicAccess, or sessionIsRemote → not interactive; graphic access →
 *   interactive (Security/AuthSession.h; backend/session.ts);
 * - else (no session, or SessionGetInfo failed: unknown) interactive.
 * The variables come first because they are the more specific signal: a CI runner's job can run
 * inside a logged-in graphic session that no one watches.
 */
export function interactiveFromEnvironment(
  env: NodeJS.ProcessEnv = process.env, session?: () => SecuritySession | undefined,
): InteractionDecision {
  const given = env.SECURITY_FRAMEWORK_INTERACTIVE;
  if (given !== undefined && given !== '') {
    const v = given.toLowerCase();
    if (v === '1' || v === 'true') return { interactive: true, reason: 'SECURITY_FRAMEWORK_INTERACTIVE is set to allow prompts' };
    if (v === '0' || v === 'false') return { interactive: false, reason: 'SECURITY_FRAMEWORK_INTERACTIVE is set to forbid prompts' };
    throw paramError(`SECURITY_FRAMEWORK_INTERACTIVE must be 1, 0, true or false, not ${JSON.stringify(given)}`);
  }
  const ci = CI_VARIABLES.find((name) => isSet(env[name]));
  if (ci) return { interactive: false, reason: `${ci} is set: a CI job has no one to answer a prompt` };
  const ssh = (['SSH_CONNECTION', 'SSH_TTY'] as const).find((name) => isSet(env[name]));
  if (ssh) return { interactive: false, reason: `${ssh} is set: over SSH a prompt cannot reach the person at the terminal` };
  const read = session?.();
  if (read) {
    const decided = sessionAllowsPrompts(read);
    if (decided) return decided;
    return {
      interactive: true,
      reason: `SessionGetInfo failed (status ${read.status}), so the security session is unknown; no CI or SSH variable is set, so a person is assumed to be at the screen`,
    };
  }
  return { interactive: true, reason: 'no CI or SSH variable is set, so a person is assumed to be at the screen' };
}
