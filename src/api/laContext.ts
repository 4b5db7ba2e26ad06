import { readOptions, requireSignal } from '../arguments.js';
import type { Backend, CanEvaluateResult, LAContextSettable } from '../backend/backend.js';
import { defaultBackend } from './select.js';
import { secError } from '../errors.js';
import { SecHandle, attachPayload } from '../handles.js';
import { readCallerValue } from '../values.js';
import { bind, dispatch, requireBackend, type BoundBackend } from './bind.js';

/** LAAccessControlOperation (LAPublicDefines.h). */
export const LAAccessControlOperationCreateItem = 0;
export const LAAccessControlOperationUseItem = 1;
export const LAAccessControlOperationCreateKey = 2;
export const LAAccessControlOperationUseKeySign = 3;
export const LAAccessControlOperationUseKeyDecrypt = 4;
export const LAAccessControlOperationUseKeyKeyExchange = 5;

export interface LAContextOptions {
  /** The backend the context belongs to; default `keychain()`. Use the emulator in tests. */
  backend?: Backend;
}

export interface EvaluateOptions {
  /** Aborting invalidates the context, which cancels the evaluation (LAErrorAppCancel). */
  signal?: AbortSignal;
}

/**
 * LocalAuthentication's LAContext. Authenticate once with `evaluatePolicy` or
 * `evaluateAccessControl`, then pass the context as `kSecUseAuthenticationContext` in SecItem
 * dictionaries to read several protected items without prompting again.
 *
 * Evaluations return Promises; failures reject with a SecError whose `status` is what the
 * keychain would report (errSecUserCanceled, errSecInteractionNotAllowed, errSecAuthFailed)
 * and whose `laErrorCode` is the LAError code.
 */
export class LAContext extends SecHandle {
  /** The backend's checked calls (arguments.ts), so each argument is checked once. */
  readonly #backend: BoundBackend;

  constructor(options?: LAContextOptions) {
    const given = readOptions(options, 'options', ['backend']).backend;
    let backend: BoundBackend;
    if (given === undefined) {
      backend = bind(defaultBackend());
    } else {
      const checked = requireBackend(given, 'options.backend');
      // Binding reads the backend's name (a backend may be a Proxy): what that throws is errSecParam.
      backend = readCallerValue('options.backend', () => bind(checked));
    }
    super('LAContext', backend.name);
    this.#backend = backend;
    attachPayload(this, backend.laContextCreate());
  }

  /** Whether `policy` (an LAPolicy number) can be evaluated now, and the LAError code if not. */
  canEvaluatePolicy(policy: number): Promise<CanEvaluateResult> {
    return this.#backend.laContextCanEvaluatePolicy(this, policy);
  }

  /** Shows the authentication UI for `policy` with `localizedReason` (which must not be empty). */
  evaluatePolicy(policy: number, localizedReason: string, options?: EvaluateOptions): Promise<void> {
    return dispatch(() => this.#withSignal(options, () => this.#backend.laContextEvaluatePolicy(this, policy, localizedReason)));
  }

  /** Authenticates for `operation` (an LAAccessControlOperation) on an access control's constraints. */
  evaluateAccessControl(accessControl: SecHandle, operation: number, localizedReason: string, options?: EvaluateOptions): Promise<void> {
    return dispatch(() => this.#withSignal(options, () => this.#backend.laContextEvaluateAccessControl(
      this, accessControl, operation, localizedReason)));
  }

  /** LABiometryType: 0 none, 1 Touch ID, 2 Face ID, 4 Optic ID. */
  get biometryType(): number {
    return this.#backend.laContextBiometryType(this);
  }

  /** Seconds a recent device unlock with Touch ID may be reused; 0 (default) to 300. */
  get touchIDAuthenticationAllowableReuseDuration(): number {
    return this.#get('touchIDAuthenticationAllowableReuseDuration');
  }
  set touchIDAuthenticationAllowableReuseDuration(seconds: number) {
    this.#set('touchIDAuthenticationAllowableReuseDuration', seconds);
  }

  get localizedReason(): string {
    return this.#get('localizedReason');
  }
  set localizedReason(value: string) {
    this.#set('localizedReason', value);
  }

  get localizedCancelTitle(): string | null {
    return this.#get('localizedCancelTitle');
  }
  set localizedCancelTitle(value: string | null) {
    this.#set('localizedCancelTitle', value);
  }

  get localizedFallbackTitle(): string | null {
    return this.#get('localizedFallbackTitle');
  }
  set localizedFallbackTitle(value: string | null) {
    this.#set('localizedFallbackTitle', value);
  }

  /** When true, an evaluation that would need UI fails with LAErrorNotInteractive instead. */
  get interactionNotAllowed(): boolean {
    return this.#get('interactionNotAllowed');
  }
  set interactionNotAllowed(value: boolean) {
    this.#set('interactionNotAllowed', value);
  }

  /** Cancels a running evaluation (LAErrorAppCancel); later use fails with LAErrorInvalidContext. */
  invalidate(): void {
    this.#backend.laContextInvalidate(this);
  }

  #get<K extends keyof LAContextSettable>(property: K): LAContextSettable[K] {
    return this.#backend.laContextGet(this, property);
  }

  /** Sets a property; the bound backend checks the value (arguments.ts, laContextProperties). */
  #set<K extends keyof LAContextSettable>(property: K, value: LAContextSettable[K]): void {
    this.#backend.laContextSet(this, property, value);
  }

  async #withSignal(options: EvaluateOptions | undefined, run: () => Promise<void>): Promise<void> {
    const signal = requireSignal(readOptions(options, 'options', ['signal']).signal, 'options.signal');
    if (signal === undefined) return run();
    if (signal.aborted) throw secError('errSecUserCanceled', 'the evaluation was aborted before it started');
    const onAbort = () => this.invalidate();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await run();
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}
