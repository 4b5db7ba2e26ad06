// spec/semantics.md section 1
/**
 * The keychain emulator as a backend: one Mac with its two keychains, the file-based one and
 * the data protection one. This file is the bridge — it routes each call to the file-based keychain, the
 * data protection keychain or both (routing.ts), lets each side translate and answer
 * (side.ts) and merges the answers, the way macOS's SecItem.cpp does; keys (keys.ts) and
 * LocalAuthentication (accessControl.ts) answer their own calls. Arguments arrive checked
 * (api/bind.ts); a failure leaves here as a SecError.
 */
import type { Backend, CanEvaluateResult, LAContextSettable } from '../backend/backend.js';
import { laError, LAErrorCode, paramError } from '../errors.js';
import { handlePayload, type SecHandle } from '../handles.js';
import { describeValue, type CFDictionary, type CFResult, type CFValue } from '../values.js';
import { accessGroupsFor, validateAppIdentity, type AccessGroups, type LockState } from './access.js';
import {
  authenticate, constraintsOf, createAccessControl, newContext, policyUnavailability, prompt,
  type EmulatedContext, type PromptRecord, type SimulatedUser,
} from './accessControl.js';
import { dataProtectionKeys, dataProtectionSide } from './dataProtection.js';
import { fail, toSecError } from './failure.js';
import { fileBasedKeys, fileBasedSide } from './fileBased.js';
import { certificateHandle, certificateKey, requireCertificate, subjectSummary } from './certificates.js';
import { requireIdentity } from './identities.js';
import { addToKeychain, decodePkcs12, readPkcs12Options } from './pkcs12.js';
import { accessControlHandle, accessControlSpec } from './items.js';
import {
  copyAttributes, copyExternalRepresentation, copyKeyExchangeResult, copyPublicKey, createDecryptedData,
  createEncryptedData, createKeyWithData, createRandomKey, createSignature, isAlgorithmSupported, verifySignature,
  type KeyEnvironment,
} from './keys.js';
import { addIdentity, deleteIdentity, isIdentityCall, refuseIdentityRef, updateIdentity, type Bridge } from './identityItems.js';
import { makeDataProtectionRef, parseDataProtectionRef } from './persistentRef.js';
import { attempt, categorize, merge, truthy, type Call, type Outcome, type Targets } from './routing.js';
import type { KeychainSide } from './side.js';
import { Store } from './store.js';
import { emulatedFileItemAccess, emulatedProcess } from './diagnosis.js';
import type { DefaultKeychainFacts, FileItemAccessFacts, ProcessFacts } from '../backend/diagnosis.js';

/** The calling app's identity: its keychain-access-groups entitlement, in order. */
export interface AppIdentity {
  /** The first group is the default for adds. */
  readonly accessGroups: readonly string[];
}

export interface EmulatorOptions {
  /**
   * A SQLite file to keep the keychains in; absent = in memory, fresh. A new file is created
   * in an existing directory; a missing directory makes every call errSecNoSuchKeychain unless
   * `createDirectory` (docs/emulator-store.md, "Opening a store").
   */
  path?: string;
  /** Create the store's directory (0700) when it does not exist. Default false. */
  createDirectory?: boolean;
  /** The app's entitlements; absent = a plain unsigned process, like `node` on a Mac. */
  app?: AppIdentity;
}

/** The controls a test has over the emulated Mac, beside the raw calls. */
export interface EmulatorControls {
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

/** What both keychain sides read of the emulated Mac, live (the controls change it). */
interface MacState {
  readonly store: Store;
  readonly groups: AccessGroups;
  lockState: LockState;
  passcodeSet: boolean;
  readonly user: SimulatedUser;
  readonly prompts: PromptRecord[];
  now(): Date;
}

/** Runs one call of the emulator: a failure leaves as a SecError (failure.ts). */
async function run<T>(body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw toSecError(error);
  }
}

export class EmulatorBackend implements Backend, EmulatorControls {
  readonly name = 'emulator' as const;
  readonly app: AppIdentity | undefined;
  readonly user: SimulatedUser = { biometryEnrolled: true, response: 'approve' };
  private readonly mac: MacState;
  private readonly dp: KeychainSide;
  private readonly fb: KeychainSide;

  constructor(options: EmulatorOptions = {}) {
    if (options === null || typeof options !== 'object') throw paramError('options must be an object such as { path, app }');
    const { path, createDirectory } = options;
    if (path !== undefined && (typeof path !== 'string' || path === '' || path.includes('\0'))) {
      throw paramError(`options.path must be a non-empty file path, not ${describeValue(path)}`);
    }
    if (createDirectory !== undefined && typeof createDirectory !== 'boolean') throw paramError('options.createDirectory must be a boolean');
    this.app = validateAppIdentity(options.app);
    this.mac = {
      store: new Store(path, { createDirectory, rekey: (kc, cls, attrs) => (kc === 'dp' ? dataProtectionKeys : fileBasedKeys)(cls, attrs) }), groups: accessGroupsFor(this.app), lockState: 'unlocked', passcodeSet: true,
      user: this.user, prompts: [], now: () => new Date(),
    };
    this.dp = dataProtectionSide(this.mac);
    this.fb = fileBasedSide(this.mac);
  }

  get lockState(): LockState {
    return this.mac.lockState;
  }

  get passcodeSet(): boolean {
    return this.mac.passcodeSet;
  }

  set passcodeSet(value: boolean) {
    this.mac.passcodeSet = value;
  }

  get prompts(): readonly PromptRecord[] {
    return this.mac.prompts;
  }

  lock(): void {
    if (this.mac.lockState === 'unlocked') this.mac.lockState = 'locked';
  }

  unlock(): void {
    this.mac.lockState = 'unlocked';
  }

  restart(): void {
    this.mac.lockState = 'beforeFirstUnlock';
  }

  close(): void {
    this.mac.store.close();
  }

  // ── diagnose() (backend/diagnosis.ts) ───────────────────────────────────────────────────

  /** The emulated process: the app identity this emulator was created with. */
  diagnoseProcess(): Promise<{ process: ProcessFacts; defaultKeychain: DefaultKeychainFacts }> {
    return run(() => (this.mac.store.requireOpen(), emulatedProcess(this.app)));
  }

  /** A file-based item's ACL, as the emulator models it (diagnosis.ts). */
  diagnoseFileItem(persistentRef: Uint8Array): Promise<FileItemAccessFacts> {
    return run(() => (this.mac.store.requireOpen(), emulatedFileItemAccess(this.mac.store, persistentRef)));
  }

  // ── SecItem (spec 1–15) ─────────────────────────────────────────────────────────────────

  /**
   * The keychains a call goes to (spec 1.1, 1.2), less one that cannot answer it: when both
   * are asked and one can only fail, the merge (1.4) would give the other's answer anyway.
   */
  private targets(dict: CFDictionary, call: Call): Targets {
    const t = categorize(dict);
    if (t.dp && t.fb && !this.dp.reachable(call)) t.dp = false;
    return t;
  }

  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined> {
    return run(() => this.add(attributes));
  }

  /** SecItemAdd's body, also what a permanent generated key goes through (16.5). */
  private add(attributes: CFDictionary): CFResult | undefined {
    const t = categorize(attributes);
    // 15.2: an identity is added as its certificate and its key, in the keychain the add reaches.
    if (isIdentityCall(attributes, 'add')) return addIdentity(this.bridge, attributes, t.fb ? 'fb' : 'dp', identityPersistentRef);
    // SecItemAdd never writes to both: the file-based keychain when it is eligible (1.3).
    const side = t.fb ? this.fb : this.dp;
    return this.mac.store.transaction(() => side.add(attributes));
  }

  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined> {
    return run(() => this.copy(query));
  }

  private copy(query: CFDictionary): CFResult | undefined {
    refuseIdentityRef(query);
    const t = this.targets(query, 'copy');
    const store = this.mac.store;
    if (t.dp && t.fb) return unwrap(store.read(() => merge(attempt(() => this.dp.copy(query)), attempt(() => this.fb.copy(query)))));
    // One keychain: one read, which needs no transaction of its own.
    store.requireOpen();
    return (t.dp ? this.dp : this.fb).copy(query);
  }

  /** The four calls as identities split into certificate and key calls (identityItems.ts, 15.2). */
  private readonly bridge: Bridge = {
    add: (d) => this.add(d), copy: (q) => this.copy(q), update: (q, c) => this.update(q, c), delete: (q) => this.remove(q),
  };

  SecItemUpdate(query: CFDictionary, changes: CFDictionary): Promise<void> {
    return run(() => {
      if (isIdentityCall(query, 'update')) this.eachKeychain(query, 'update', (kc) => updateIdentity(this.bridge, query, changes, kc));
      else this.update(query, changes);
    });
  }

  private update(query: CFDictionary, changes: CFDictionary): void {
    const t = this.targets(query, 'update');
    const store = this.mac.store;
    // The outcome is settled outside the transaction: a file-based update that collides
    // keeps the items it already changed (spec 5.7a); the data protection side and a move
    // undo their own writes (5.7, side.ts).
    unwrap(store.transaction(() => {
      // SecItemChangeSynchronizability (1.5), unless the call names its keychain.
      const flagged = 'nleg' in query;
      const syncOn = !flagged && truthy(changes.sync);
      const syncOff = !flagged && 'sync' in changes && changes.sync !== 'syna' && !syncOn;
      const dp = t.dp
        ? attempt(() => syncOff ? this.move(this.dp, this.fb, query, changes) : this.dp.update(query, changes))
        : undefined;
      const fb = t.fb
        ? attempt(() => syncOn ? this.move(this.fb, this.dp, query, changes) : this.fb.update(query, changes))
        : undefined;
      return merge(dp, fb);
    }));
  }

  SecItemDelete(query: CFDictionary): Promise<void> {
    return run(() => {
      if (isIdentityCall(query, 'delete')) this.eachKeychain(query, 'delete', (kc) => deleteIdentity(this.bridge, query, kc));
      else this.remove(query);
    });
  }

  /** Runs a split identity call once per keychain the call reaches, merged as any call is (1.4). */
  private eachKeychain(query: CFDictionary, call: Call, body: (kc: 'dp' | 'fb') => void): void {
    const t = this.targets(query, call);
    unwrap(merge(t.dp ? attempt(() => body('dp')) : undefined, t.fb ? attempt(() => body('fb')) : undefined));
  }

  private remove(query: CFDictionary): void {
    const t = this.targets(query, 'delete');
    unwrap(this.mac.store.transaction(() => merge(
      t.dp ? attempt(() => this.dp.delete(query)) : undefined,
      t.fb ? attempt(() => this.fb.delete(query)) : undefined,
    )));
  }

  /**
   * SecItemChangeSynchronizability (spec 1.5): without the flag, an update that turns
   * kSecAttrSynchronizable on moves the file-based matches to the data protection keychain,
   * and one that turns it off moves data protection matches to the file-based keychain — a
   * copy-add at the destination (a duplicate there is updated instead), then a delete of the
   * source. If the copy fails its status is returned and the source stays; for a process
   * without entitlements that is errSecMissingEntitlement.
   */
  private move(from: KeychainSide, to: KeychainSide, query: Record<string, CFValue>, changes: Record<string, CFValue>): undefined {
    const sources = from.matches(query);
    if (sources.length === 0) throw fail('errSecItemNotFound', 'no item matched the query');
    return this.mac.store.savepoint(() => {
      for (const source of sources) {
        const secret: Record<string, CFValue> = source.data ? { v_Data: source.data } : {};
        const copy: Record<string, CFValue> = { class: source.cls, ...source.attributes, ...changes, ...secret };
        const added = attempt(() => to.add(copy));
        if (!added.ok) {
          if (added.error.code !== 'errSecDuplicateItem') throw added.error;
          // A duplicate at the destination is updated instead; it is found by its primary key.
          const key: Record<string, CFValue> = { class: source.cls, ...(to.kind === 'dp' ? { sync: true } : {}) };
          for (const k of to.primaryKeyOf(source.cls)) if (copy[k] !== undefined && k !== 'sync') key[k] = copy[k]!;
          to.update(key, { ...changes, ...secret });
        }
        from.delete({ class: source.cls, v_PersistentRef: source.ref });
      }
      return undefined;
    });
  }

  // ── SecAccessControl and SecKey (spec 16; keys.ts) ─────────────────────────────────────

  SecAccessControlCreateWithFlags(protection: string, flags: number): Promise<SecHandle> {
    return run(() => accessControlHandle(createAccessControl(protection, flags)));
  }

  /** What key operations need; errSecNotAvailable once the emulator is closed, as for every call. */
  private keys(): KeyEnvironment {
    this.mac.store.requireOpen();
    return {
      entitled: this.mac.groups.writable.length > 0, user: this.user, passcodeSet: this.mac.passcodeSet, prompts: this.mac.prompts,
      storeKey: (attributes) => this.add(attributes),
    };
  }

  SecKeyCreateRandomKey(parameters: CFDictionary): Promise<SecHandle> {
    return run(() => createRandomKey(parameters, this.keys()));
  }

  SecKeyCopyPublicKey(key: SecHandle): Promise<SecHandle | undefined> {
    return run(() => (this.keys(), copyPublicKey(key)));
  }

  SecKeyCopyAttributes(key: SecHandle): Promise<Record<string, CFResult>> {
    return run(() => (this.keys(), copyAttributes(key)));
  }

  SecKeyCopyExternalRepresentation(key: SecHandle): Promise<Buffer> {
    return run(() => (this.keys(), copyExternalRepresentation(key)));
  }

  SecKeyCreateWithData(keyData: Uint8Array, attributes: CFDictionary): Promise<SecHandle> {
    return run(() => (this.keys(), createKeyWithData(keyData, attributes)));
  }

  SecKeyCreateSignature(key: SecHandle, algorithm: string, dataToSign: Uint8Array): Promise<Buffer> {
    return run(() => createSignature(key, algorithm, dataToSign, this.keys()));
  }

  SecKeyVerifySignature(key: SecHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return run(() => (this.keys(), verifySignature(key, algorithm, signedData, signature)));
  }

  SecKeyCreateEncryptedData(key: SecHandle, algorithm: string, plaintext: Uint8Array): Promise<Buffer> {
    return run(() => (this.keys(), createEncryptedData(key, algorithm, plaintext)));
  }

  SecKeyCreateDecryptedData(key: SecHandle, algorithm: string, ciphertext: Uint8Array): Promise<Buffer> {
    return run(() => createDecryptedData(key, algorithm, ciphertext, this.keys()));
  }

  SecKeyCopyKeyExchangeResult(privateKey: SecHandle, algorithm: string, publicKey: SecHandle, parameters: CFDictionary): Promise<Buffer> {
    return run(() => copyKeyExchangeResult(privateKey, algorithm, publicKey, parameters, this.keys()));
  }

  SecKeyIsAlgorithmSupported(key: SecHandle, operation: number, algorithm: string): Promise<boolean> {
    return run(() => (this.keys(), isAlgorithmSupported(key, operation, algorithm)));
  }

  // ── SecCertificate and SecIdentity (certificates.ts, identities.ts) ─────────────────────

  SecCertificateCreateWithData(data: Uint8Array): Promise<SecHandle> {
    return run(() => (this.mac.store.requireOpen(), certificateHandle(Buffer.from(data))));
  }

  SecCertificateCopyData(certificate: SecHandle): Promise<Buffer> {
    return run(() => (this.mac.store.requireOpen(), Buffer.from(requireCertificate(certificate, 'certificate').der)));
  }

  SecCertificateCopySubjectSummary(certificate: SecHandle): Promise<string | undefined> {
    return run(() => (this.mac.store.requireOpen(), subjectSummary(requireCertificate(certificate, 'certificate'))));
  }

  SecCertificateCopyKey(certificate: SecHandle): Promise<SecHandle | undefined> {
    return run(() => (this.mac.store.requireOpen(), certificateKey(requireCertificate(certificate, 'certificate'))));
  }

  SecIdentityCopyCertificate(identity: SecHandle): Promise<SecHandle> {
    return run(() => (this.mac.store.requireOpen(), requireIdentity(identity, 'identity').certificate));
  }

  SecIdentityCopyPrivateKey(identity: SecHandle): Promise<SecHandle> {
    return run(() => (this.mac.store.requireOpen(), requireIdentity(identity, 'identity').privateKey));
  }

  /**
   * SecPKCS12Import (pkcs12.ts): decoded in memory, then added to a keychain with SecItemAdd
   * one item at a time, as SecImportExport.c does, unless kSecImportToMemoryOnly.
   */
  SecPKCS12Import(pkcs12Data: Uint8Array, options: CFDictionary): Promise<Record<string, CFResult>[]> {
    return run(() => {
      this.mac.store.requireOpen();
      const read = readPkcs12Options(options);
      const decoded = decodePkcs12(Buffer.from(pkcs12Data), read.passphrase);
      addToKeychain(decoded, read, (attributes, required) => {
        // SecItemAdd's own path, so an identity splits into its certificate and key (15.2).
        const added = attempt(() => this.add(attributes));
        if (!added.ok && required && added.error.code !== 'errSecDuplicateItem') throw added.error;
      });
      return decoded.items;
    });
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
    return run(() => {
      const context = this.context(handle);
      const code = context.invalidated ? LAErrorCode.invalidContext : policyUnavailability(policy, this.user, this.mac.passcodeSet);
      return code === 0 ? { canEvaluate: true } : { canEvaluate: false, errorCode: code, errorMessage: laError(code, 'cannot evaluate the policy').message };
    });
  }

  laContextEvaluatePolicy(handle: SecHandle, policy: number, localizedReason: string): Promise<void> {
    return run(() => {
      const context = this.context(handle);
      const unavailable = context.invalidated ? 0 : policyUnavailability(policy, this.user, this.mac.passcodeSet);
      prompt({ reason: localizedReason, constraints: [], mode: 'all', policy, unavailable }, this.user, this.mac.prompts, context);
    });
  }

  laContextEvaluateAccessControl(handle: SecHandle, accessControl: SecHandle, operation: number, localizedReason: string): Promise<void> {
    return run(() => {
      const context = this.context(handle);
      const spec = accessControlSpec(accessControl);
      if (!spec) throw paramError('accessControl must be a SecAccessControl of the emulator');
      if (operation < 0 || operation > 5) throw paramError(`operation ${operation} is not an LAAccessControlOperation`);
      if (context.invalidated) throw laError(LAErrorCode.invalidContext, 'the LAContext was invalidated');
      if (constraintsOf(spec).length === 0) return; // nothing to satisfy
      authenticate(spec, localizedReason, this.user, this.mac.passcodeSet, this.mac.prompts, context);
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
}

/** An identity added by reference answers with its certificate's persistent reference, re-tagged 'idnt' (explode_identity). */
function identityPersistentRef(result: CFResult | undefined): CFResult | undefined {
  const ref = result instanceof Uint8Array ? parseDataProtectionRef(result) : undefined;
  return ref?.uuid ? makeDataProtectionRef('idnt', ref.uuid) : result;
}

function unwrap(outcome: Outcome): CFResult | undefined {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
