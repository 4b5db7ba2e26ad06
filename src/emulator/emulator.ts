/**
 * The keychain emulator: one Mac with its two keychains (spec/semantics.md section 1). This
 * file is the bridge — it routes each call to the file-based keychain, the data protection
 * keychain or both, translates the dictionary for each side and merges the answers, the way
 * macOS's SecItem.cpp does. The keychains' own rules live in fileBased.ts and
 * dataProtection.ts; the I/O in store.ts.
 */
import type { Backend, KeyBackend } from '../backend/backend.js';
import { dispatch } from '../api/secitem.js';
import { checkDictionary, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { accessGroupsFor, validateAppIdentity, type AccessGroups, type LockState } from './access.js';
import {
  dataProtectionAdd, dataProtectionCopyMatching, dataProtectionDelete, dataProtectionMatches, dataProtectionUpdate,
  type DataProtectionContext,
} from './dataProtection.js';
import {
  fileBasedAdd, fileBasedCopyMatching, fileBasedDelete, fileBasedUpdate, fileBasedMatches, type FileBasedContext,
} from './fileBased.js';
import {
  attempt, categorize, merge, translateForDataProtection, translateForFileBased, truthy, type Outcome,
} from './routing.js';
import { Store } from './store.js';
import { secError } from '../errors.js';
import {
  authenticate, constraintsOf, createAccessControl, newContext, policyUnavailability, prompt,
  type EmulatedContext, type PromptRecord, type SimulatedUser,
} from './accessControl.js';
import type { CanEvaluateResult, LAContextSettable } from '../backend/backend.js';
import { handlePayload } from '../handles.js';
import { laError, LAErrorCode, paramError } from '../errors.js';
import { accessControlSpec } from './items.js';
import { accessControlHandle } from './items.js';
import type { SecHandle } from '../handles.js';
import { keyArguments } from '../api/keyArguments.js';
import {
  copyAttributes, copyExternalRepresentation, copyKeyExchangeResult, copyPublicKey, createDecryptedData,
  createEncryptedData, createKeyWithData, createRandomKey, createSignature, isAlgorithmSupported, verifySignature,
  type KeyEnvironment,
} from './keys.js';

/** The calling app's identity: its keychain-access-groups entitlement, in order. */
export interface AppIdentity {
  /** The first group is the default for adds. */
  readonly accessGroups: readonly string[];
}

export interface EmulatorOptions {
  /** A SQLite file to keep the keychains in; absent = in memory, fresh. */
  path?: string;
  /** The app's entitlements; absent = a plain unsigned process, like `node` on a Mac. */
  app?: AppIdentity;
}

/**
 * A keychain emulator: every raw SecItem and SecKey call, plus the controls a test needs.
 * Keys live in memory (keys.ts); `kSecAttrIsPermanent: true` is not modeled yet.
 */
export interface Emulator extends Omit<Backend, keyof KeyBackend>, KeyBackend {
  readonly name: 'emulator';
  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined>;
  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined>;
  SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void>;
  SecItemDelete(query: CFDictionary): Promise<void>;
  /** The app identity this emulator runs as; undefined for a plain unsigned process. */
  readonly app: AppIdentity | undefined;
  /** The simulated device lock state: decides which accessibility classes can be read. */
  readonly lockState: LockState;
  /** Locks the device: WhenUnlocked items become unreadable. */
  lock(): void;
  /** Unlocks the device (also counts as the first unlock after a restart). */
  unlock(): void;
  /** Simulates a restart: locked, and before the first unlock (AfterFirstUnlock items too). */
  restart(): void;
  /** Whether the device has a passcode; WhenPasscodeSetThisDeviceOnly items need one (3.6). */
  passcodeSet: boolean;
  /**
   * SecAccessControlCreateWithFlags(protection, flags): an access control for
   * kSecAttrAccessControl, with Apple's validation.
   */
  SecAccessControlCreateWithFlags(protection: string, flags: number): Promise<SecHandle>;
  /**
   * The simulated device owner. Reading an item whose access control has constraints shows a
   * prompt, which this user answers: `response` 'approve' (default), 'cancel' or 'fail';
   * biometry constraints need `biometryEnrolled` (default true), passcode ones `passcodeSet`.
   */
  readonly user: SimulatedUser;
  /** Every prompt shown so far, oldest first. */
  readonly prompts: readonly PromptRecord[];
  /** Closes the store. Further calls reject. */
  close(): void;
}

class KeychainEmulator implements Emulator {
  readonly name = 'emulator' as const;
  readonly app: AppIdentity | undefined;
  readonly user: SimulatedUser = { biometryEnrolled: true, response: 'approve' };
  readonly prompts: PromptRecord[] = [];
  passcodeSet = true;
  private state: LockState = 'unlocked';
  private readonly store: Store;
  private readonly groups: AccessGroups;

  constructor(options: EmulatorOptions = {}) {
    this.app = validateAppIdentity(options.app);
    this.groups = accessGroupsFor(this.app);
    this.store = new Store(options.path);
  }

  get lockState(): LockState {
    return this.state;
  }

  lock(): void {
    if (this.state === 'unlocked') this.state = 'locked';
  }

  unlock(): void {
    this.state = 'unlocked';
  }

  restart(): void {
    this.state = 'beforeFirstUnlock';
  }

  close(): void {
    this.store.close();
  }

  private get dp(): DataProtectionContext {
    return {
      store: this.store, groups: this.groups, lockState: this.state, passcodeSet: this.passcodeSet,
      user: this.user, prompts: this.prompts, now: () => new Date(),
    };
  }

  private get fb(): FileBasedContext {
    return { store: this.store, now: () => new Date() };
  }

  SecAccessControlCreateWithFlags(protection: string, flags: number): Promise<SecHandle> {
    return dispatch(async () => accessControlHandle(createAccessControl(protection, flags)));
  }

  // ── SecKey (spec 16; keys.ts) ──────────────────────────────────────────────────────────

  /** What key operations need; errSecNotAvailable once the emulator is closed, as for every call. */
  private keys(): KeyEnvironment {
    this.store.requireOpen();
    return { entitled: this.groups.writable.length > 0, user: this.user, passcodeSet: this.passcodeSet, prompts: this.prompts };
  }

  // Arguments are checked as the top-level calls check them (keyArguments.ts), then the key
  // model answers (keys.ts).

  SecKeyCreateRandomKey(parameters: CFDictionary): Promise<SecHandle> {
    return dispatch(() => createRandomKey(...keyArguments.SecKeyCreateRandomKey(parameters), this.keys()));
  }

  SecKeyCopyPublicKey(key: SecHandle): Promise<SecHandle | undefined> {
    return dispatch(async () => { this.store.requireOpen(); return copyPublicKey(...keyArguments.SecKeyCopyPublicKey(key)); });
  }

  SecKeyCopyAttributes(key: SecHandle): Promise<Record<string, CFResult>> {
    return dispatch(async () => { this.store.requireOpen(); return copyAttributes(...keyArguments.SecKeyCopyAttributes(key)); });
  }

  SecKeyCopyExternalRepresentation(key: SecHandle): Promise<Buffer> {
    return dispatch(async () => { this.store.requireOpen(); return copyExternalRepresentation(...keyArguments.SecKeyCopyExternalRepresentation(key)); });
  }

  SecKeyCreateWithData(keyData: Uint8Array, attributes: CFDictionary): Promise<SecHandle> {
    return dispatch(async () => { this.store.requireOpen(); return createKeyWithData(...keyArguments.SecKeyCreateWithData(keyData, attributes)); });
  }

  SecKeyCreateSignature(key: SecHandle, algorithm: string, dataToSign: Uint8Array): Promise<Buffer> {
    return dispatch(async () => createSignature(...keyArguments.SecKeyCreateSignature(key, algorithm, dataToSign), this.keys()));
  }

  SecKeyVerifySignature(key: SecHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return dispatch(async () => { this.store.requireOpen(); return verifySignature(...keyArguments.SecKeyVerifySignature(key, algorithm, signedData, signature)); });
  }

  SecKeyCreateEncryptedData(key: SecHandle, algorithm: string, plaintext: Uint8Array): Promise<Buffer> {
    return dispatch(async () => { this.store.requireOpen(); return createEncryptedData(...keyArguments.SecKeyCreateEncryptedData(key, algorithm, plaintext)); });
  }

  SecKeyCreateDecryptedData(key: SecHandle, algorithm: string, ciphertext: Uint8Array): Promise<Buffer> {
    return dispatch(async () => createDecryptedData(...keyArguments.SecKeyCreateDecryptedData(key, algorithm, ciphertext), this.keys()));
  }

  SecKeyCopyKeyExchangeResult(privateKey: SecHandle, algorithm: string, publicKey: SecHandle, parameters: CFDictionary): Promise<Buffer> {
    return dispatch(async () => copyKeyExchangeResult(
      ...keyArguments.SecKeyCopyKeyExchangeResult(privateKey, algorithm, publicKey, parameters), this.keys()));
  }

  SecKeyIsAlgorithmSupported(key: SecHandle, operation: number, algorithm: string): Promise<boolean> {
    return dispatch(async () => { this.store.requireOpen(); return isAlgorithmSupported(...keyArguments.SecKeyIsAlgorithmSupported(key, operation, algorithm)); });
  }

  // ── LocalAuthentication (spec 10.4, 10.6, 17) ──────────────────────────────────────────

  laContextCreate(): EmulatedContext {
    return newContext();
  }

  private context(handle: SecHandle): EmulatedContext {
    const context = handlePayload<EmulatedContext>(handle, 'emulator');
    if (!context) throw paramError('the LAContext does not belong to the emulator');
    return context;
  }

  laContextCanEvaluatePolicy(handle: SecHandle, policy: number): Promise<CanEvaluateResult> {
    return dispatch(async () => {
      const context = this.context(handle);
      const code = context.invalidated ? LAErrorCode.invalidContext : policyUnavailability(policy, this.user, this.passcodeSet);
      return code === 0 ? { canEvaluate: true } : { canEvaluate: false, errorCode: code, errorMessage: laError(code, 'cannot evaluate the policy').message };
    });
  }

  laContextEvaluatePolicy(handle: SecHandle, policy: number, localizedReason: string): Promise<void> {
    return dispatch(async () => {
      const context = this.context(handle);
      if (localizedReason === '') throw paramError('localizedReason must not be empty');
      const unavailable = context.invalidated ? 0 : policyUnavailability(policy, this.user, this.passcodeSet);
      prompt({ reason: localizedReason, constraints: [], mode: 'all', policy, unavailable }, this.user, this.prompts, context);
    });
  }

  laContextEvaluateAccessControl(handle: SecHandle, accessControl: SecHandle, operation: number, localizedReason: string): Promise<void> {
    return dispatch(async () => {
      const context = this.context(handle);
      const spec = accessControlSpec(accessControl);
      if (!spec) throw paramError('accessControl must be a SecAccessControl of the emulator');
      if (operation < 0 || operation > 5) throw paramError(`operation ${operation} is not an LAAccessControlOperation`);
      if (localizedReason === '') throw paramError('localizedReason must not be empty');
      if (context.invalidated) throw laError(LAErrorCode.invalidContext, 'the LAContext was invalidated');
      if (constraintsOf(spec).length === 0) return; // nothing to satisfy
      authenticate(spec, localizedReason, this.user, this.passcodeSet, this.prompts, context);
    });
  }

  laContextBiometryType(handle: SecHandle): number {
    this.context(handle);
    return this.user.biometryEnrolled ? 1 : 0; // LABiometryTypeTouchID : LABiometryTypeNone
  }

  laContextGet<K extends keyof LAContextSettable>(handle: SecHandle, property: K): LAContextSettable[K] {
    return this.context(handle)[property] as LAContextSettable[K];
  }

  laContextSet<K extends keyof LAContextSettable>(handle: SecHandle, property: K, value: LAContextSettable[K]): void {
    const context = this.context(handle);
    // The reuse duration is capped at five minutes (spec 17.3).
    (context as unknown as Record<string, unknown>)[property] =
      property === 'touchIDAuthenticationAllowableReuseDuration' ? Math.min(Number(value), 300) : value;
  }

  laContextInvalidate(handle: SecHandle): void {
    this.context(handle).invalidated = true;
  }

  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined> {
    return dispatch(async () => {
      const dict = checkDictionary(attributes, 'attributes');
      const targets = categorize(dict);
      // SecItemAdd never writes to both: the file-based keychain when it is eligible (1.3).
      return this.store.transaction(() => targets.fb
        ? fileBasedAdd(this.fb, translateForFileBased(dict, 'add'))
        : dataProtectionAdd(this.dp, translateForDataProtection(dict, 'add')));
    });
  }

  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined> {
    return dispatch(async () => {
      const dict = checkDictionary(query, 'query');
      const targets = categorize(dict);
      return unwrap(this.store.transaction(() => merge(
        targets.dp ? attempt(() => dataProtectionCopyMatching(this.dp, translateForDataProtection(dict, 'copy'))) : undefined,
        targets.fb ? attempt(() => fileBasedCopyMatching(this.fb, translateForFileBased(dict, 'copy'))) : undefined,
      )));
    });
  }

  SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void> {
    return dispatch(async () => {
      const q = checkDictionary(query, 'query');
      const changes = checkDictionary(attributesToUpdate, 'attributesToUpdate');
      const targets = categorize(q);
      // The outcome is settled outside the transaction: a file-based update that collides
      // keeps the items it already changed (spec 5.7a); the data protection side undoes its
      // own writes in its savepoint (5.7).
      unwrap(this.store.transaction(() => {
        // The attributes-to-update dictionary is passed on untranslated (spec 1.6).
        const flagged = 'nleg' in q;
        const syncOff = !flagged && 'sync' in changes && changes.sync !== 'syna' && !truthy(changes.sync);
        const dp = targets.dp
          ? attempt(() => this.store.savepoint(() => syncOff
            ? this.move('toFileBased', q, changes)
            : dataProtectionUpdate(this.dp, translateForDataProtection(q, 'update'), changes)))
          : undefined;
        let fb: Outcome | undefined;
        if (targets.fb) {
          fb = !flagged && truthy(changes.sync)
            ? attempt(() => this.move('toDataProtection', q, changes))
            : attempt(() => fileBasedUpdate(this.fb, translateForFileBased(q, 'update'), changes));
        }
        return merge(dp, fb);
      }));
    });
  }

  SecItemDelete(query: CFDictionary): Promise<void> {
    return dispatch(async () => {
      const dict = checkDictionary(query, 'query');
      const targets = categorize(dict);
      unwrap(this.store.transaction(() => merge(
        targets.dp ? attempt(() => this.store.savepoint(() => dataProtectionDelete(this.dp, translateForDataProtection(dict, 'delete')))) : undefined,
        targets.fb ? attempt(() => fileBasedDelete(this.fb, translateForFileBased(dict, 'delete'))) : undefined,
      )));
    });
  }

  /**
   * SecItemChangeSynchronizability (spec 1.5): without the flag, an update that turns
   * kSecAttrSynchronizable on moves the file-based matches to the data protection keychain,
   * and one that turns it off moves data protection matches to the file-based keychain — a
   * copy-add at the destination (a duplicate there is updated instead), then a delete of the
   * source. If the copy fails its status is returned and the source stays; for a process
   * without entitlements that is errSecMissingEntitlement.
   */
  private move(direction: 'toDataProtection' | 'toFileBased', query: Record<string, CFValue>, changes: Record<string, CFValue>): undefined {
    const toDP = direction === 'toDataProtection';
    const sources = toDP
      ? fileBasedMatches(this.fb, translateForFileBased(query, 'update'))
      : dataProtectionMatches(this.dp, translateForDataProtection(query, 'update'));
    if (sources.length === 0) throw secError('errSecItemNotFound', 'no item matched the query');
    const rest: Record<string, CFValue> = { ...changes };
    if (!toDP) delete rest.sync;
    const add = (d: Record<string, CFValue>) => toDP ? dataProtectionAdd(this.dp, d) : fileBasedAdd(this.fb, translateForFileBased(d, 'add'));
    return this.store.savepoint(() => {
      for (const source of sources) {
        const secret: Record<string, CFValue> = source.data ? { v_Data: source.data } : {};
        const copy: Record<string, CFValue> = { class: source.cls, ...source.attributes, ...rest, ...secret };
        const added = attempt(() => add(copy));
        if (!added.ok) {
          if (added.error.code !== 'errSecDuplicateItem') throw added.error;
          // A duplicate at the destination is updated instead.
          const key: Record<string, CFValue> = { class: source.cls, ...(toDP ? { sync: true } : {}) };
          for (const k of PRIMARY_KEY_ATTRIBUTES) if (copy[k] !== undefined) key[k] = copy[k]!;
          if (toDP) dataProtectionUpdate(this.dp, key, { ...rest, ...secret });
          else fileBasedUpdate(this.fb, key, { ...rest, ...secret });
        }
        if (toDP) fileBasedDelete(this.fb, { class: source.cls, v_PersistentRef: source.ref });
        else dataProtectionDelete(this.dp, { v_PersistentRef: source.ref });
      }
      return undefined;
    });
  }
}

/** The password classes' primary-key attributes, by which a moved item finds its duplicate. */
const PRIMARY_KEY_ATTRIBUTES = ['acct', 'svce', 'srvr', 'sdmn', 'ptcl', 'atyp', 'port', 'path', 'agrp'];

function unwrap(outcome: Outcome): CFResult | undefined {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** A fresh emulator: in memory unless `path` is given (DESIGN.md, "Public contract"). */
export function createEmulator(options?: EmulatorOptions): Emulator {
  return new KeychainEmulator(options);
}

/** The emulator `keychain()` uses off macOS: a persistent store, a plain unsigned process. */
export function openDefaultEmulator(path: string): Backend {
  return new KeychainEmulator({ path });
}
