/**
 * The native backend: the Backend interface over the Objective-C++ addon (addon.ts describes
 * its JavaScript face). This file only converts: SecHandles to the addon's handle objects and
 * back, addon failures to SecError. Keychain semantics are the framework's.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LAErrorCode, SecError, laError, paramError, secError } from '../errors.js';
import { SecHandle, handlePayload, makeHandle, type HandleKind } from '../handles.js';
import type { CFDictionary, CFResult } from '../values.js';
import type { LAContextProperty, NativeAddon, NativeFailure, NativeHandle } from './addon.js';
import type { Backend, CanEvaluateResult, LAContextSettable } from './backend.js';
import type { DefaultKeychainFacts, FileItemAccessFacts, ProcessFacts } from './diagnosis.js';
import { readDefaultKeychain, readFileItem, readProcess } from './nativeDiagnosis.js';
import { securitySessionFrom, type SecuritySession } from './session.js';

export const NATIVE = 'native';
const LA_DOMAIN = 'com.apple.LocalAuthentication';
/** kCFErrorDomainOSStatus / NSOSStatusErrorDomain: the code is an OSStatus. */
const OSSTATUS_DOMAIN = 'NSOSStatusErrorDomain';
const HANDLE_KINDS: ReadonlySet<string> = new Set<HandleKind>(['SecKey', 'SecCertificate', 'SecIdentity', 'SecAccessControl', 'SecKeychainItem', 'LAContext']);

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isNativeHandle(v: unknown): v is NativeHandle {
  return typeof v === 'object' && v !== null && !isPlainObject(v) && !Array.isArray(v) && !(v instanceof Uint8Array) &&
    !(v instanceof Date) && typeof (v as NativeHandle).kind === 'string' && typeof (v as NativeHandle).release === 'function';
}

/** An addon failure as a SecError: the OSStatus, or the LAError mapped as the keychain maps it. */
export function toSecError(error: unknown): SecError {
  if (error instanceof SecError) return error;
  const failure = error as Partial<NativeFailure> | null;
  if (failure && typeof failure.status === 'number') {
    const detail = `${failure.operation ?? 'native call'}: ${failure.message ?? ''}`.trim();
    if (failure.domain === LA_DOMAIN) return laError(failure.status, detail, error);
    if (failure.domain === undefined || failure.domain === OSSTATUS_DOMAIN) return new SecError(failure.status, detail, { cause: error });
    // Another framework's code (CryptoTokenKit, say) is not an OSStatus: reading it as one
    // would name an unrelated status.
    return secError('errSecInternalComponent', `${detail} (${failure.domain} error ${failure.status})`, { cause: error });
  }
  return secError('errSecInternalComponent', `the native addon failed unexpectedly: ${String(error)}`, { cause: error });
}

export class NativeBackend implements Backend {
  readonly name = NATIVE;
  /** One SecHandle per native handle, so identity survives a round trip. */
  private readonly wrappers = new WeakMap<NativeHandle, SecHandle>();

  constructor(private readonly addon: NativeAddon) {}

  /** The framework's own constant values, for checking src/constants.ts on a Mac. */
  get constants(): Readonly<Record<string, string | number>> {
    return this.addon.constants;
  }

  /** The addon is loaded once per process and holds nothing per backend: nothing to release. */
  close(): void {}

  // ── conversion ──────────────────────────────────────────────────────────────────────────

  private unwrap(handle: SecHandle, what: string): NativeHandle {
    const native = handlePayload<NativeHandle>(handle, NATIVE);
    if (!native) throw paramError(`${what} is a ${handle.kind} of the ${handle.backend} backend; it cannot be used with the native backend`);
    return native;
  }

  private wrap(native: NativeHandle): SecHandle {
    let handle = this.wrappers.get(native);
    if (!handle) {
      const kind = HANDLE_KINDS.has(native.kind) ? (native.kind as HandleKind) : 'SecKeychainItem';
      handle = makeHandle(kind, NATIVE, native);
      this.wrappers.set(native, handle);
    }
    return handle;
  }

  /** Values going in: SecHandles become the addon's handle objects, at any depth. */
  toNative(value: unknown, path = 'value'): unknown {
    if (value instanceof SecHandle) return this.unwrap(value, path);
    if (Array.isArray(value)) return value.map((v, i) => this.toNative(v, `${path}[${i}]`));
    if (typeof value === 'object' && value !== null && isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.toNative(v, path === 'value' ? k : `${path}.${k}`);
      return out;
    }
    return value;
  }

  /** Values coming out: the addon's handle objects become SecHandles, at any depth. */
  fromNative(value: unknown): CFResult | undefined {
    if (value === null || value === undefined) return undefined;
    if (isNativeHandle(value)) return this.wrap(value);
    if (Array.isArray(value)) return value.map((v) => this.fromNative(v) as CFResult);
    if (typeof value === 'object' && isPlainObject(value)) {
      const out: Record<string, CFResult> = {};
      for (const [k, v] of Object.entries(value)) {
        const converted = this.fromNative(v);
        if (converted !== undefined) out[k] = converted;
      }
      return out;
    }
    return value as CFResult;
  }

  private async call<T>(run: () => Promise<T> | T): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toSecError(error);
    }
  }

  private handleResult(value: unknown, operation: string): SecHandle {
    const result = this.fromNative(value);
    if (!(result instanceof SecHandle)) throw secError('errSecInternalComponent', `${operation} returned no object`);
    return result;
  }

  // ── SecItem ─────────────────────────────────────────────────────────────────────────────

  SecItemAdd(attributes: CFDictionary): Promise<CFResult | undefined> {
    return this.call(async () => this.fromNative(await this.addon.secItemAdd(this.toNative(attributes) as object)));
  }

  SecItemCopyMatching(query: CFDictionary): Promise<CFResult | undefined> {
    return this.call(async () => this.fromNative(await this.addon.secItemCopyMatching(this.toNative(query) as object)));
  }

  SecItemUpdate(query: CFDictionary, attributesToUpdate: CFDictionary): Promise<void> {
    return this.call(() => this.addon.secItemUpdate(this.toNative(query) as object, this.toNative(attributesToUpdate) as object));
  }

  SecItemDelete(query: CFDictionary): Promise<void> {
    return this.call(() => this.addon.secItemDelete(this.toNative(query) as object));
  }

  // ── SecKey ──────────────────────────────────────────────────────────────────────────────

  SecKeyCreateRandomKey(parameters: CFDictionary): Promise<SecHandle> {
    return this.call(async () => this.handleResult(await this.addon.secKeyCreateRandomKey(this.toNative(parameters) as object), 'SecKeyCreateRandomKey'));
  }

  SecKeyCopyPublicKey(key: SecHandle): Promise<SecHandle | undefined> {
    return this.call(async () => {
      const result = await this.addon.secKeyCopyPublicKey(this.unwrap(key, 'key'));
      return result === null || result === undefined ? undefined : this.wrap(result);
    });
  }

  SecKeyCopyAttributes(key: SecHandle): Promise<Record<string, CFResult>> {
    return this.call(async () => (this.fromNative(await this.addon.secKeyCopyAttributes(this.unwrap(key, 'key'))) ?? {}) as Record<string, CFResult>);
  }

  SecKeyCopyExternalRepresentation(key: SecHandle): Promise<Buffer> {
    return this.call(() => this.addon.secKeyCopyExternalRepresentation(this.unwrap(key, 'key')));
  }

  SecKeyCreateWithData(keyData: Uint8Array, attributes: CFDictionary): Promise<SecHandle> {
    return this.call(async () => this.handleResult(await this.addon.secKeyCreateWithData(keyData, this.toNative(attributes) as object), 'SecKeyCreateWithData'));
  }

  SecKeyCreateSignature(key: SecHandle, algorithm: string, dataToSign: Uint8Array): Promise<Buffer> {
    return this.call(() => this.addon.secKeyCreateSignature(this.unwrap(key, 'key'), algorithm, dataToSign));
  }

  SecKeyVerifySignature(key: SecHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.call(() => this.addon.secKeyVerifySignature(this.unwrap(key, 'key'), algorithm, signedData, signature));
  }

  SecKeyCreateEncryptedData(key: SecHandle, algorithm: string, plaintext: Uint8Array): Promise<Buffer> {
    return this.call(() => this.addon.secKeyCreateEncryptedData(this.unwrap(key, 'key'), algorithm, plaintext));
  }

  SecKeyCreateDecryptedData(key: SecHandle, algorithm: string, ciphertext: Uint8Array): Promise<Buffer> {
    return this.call(() => this.addon.secKeyCreateDecryptedData(this.unwrap(key, 'key'), algorithm, ciphertext));
  }

  SecKeyCopyKeyExchangeResult(privateKey: SecHandle, algorithm: string, publicKey: SecHandle, parameters: CFDictionary): Promise<Buffer> {
    return this.call(() => this.addon.secKeyCopyKeyExchangeResult(
      this.unwrap(privateKey, 'privateKey'), algorithm, this.unwrap(publicKey, 'publicKey'), this.toNative(parameters) as object));
  }

  SecKeyIsAlgorithmSupported(key: SecHandle, operation: number, algorithm: string): Promise<boolean> {
    return this.call(() => this.addon.secKeyIsAlgorithmSupported(this.unwrap(key, 'key'), operation, algorithm));
  }

  // ── SecAccessControl ────────────────────────────────────────────────────────────────────

  SecAccessControlCreateWithFlags(protection: string, flags: number): Promise<SecHandle> {
    return this.call(async () => {
      // JavaScript's | gives a signed 32-bit number; SecAccessControlCreateFlags is unsigned.
      // The binding admitted only 32-bit masks (arguments.ts), so >>> 0 loses no bits.
      const mask = flags >>> 0;
      return this.handleResult(await this.addon.secAccessControlCreateWithFlags(protection, mask), 'SecAccessControlCreateWithFlags');
    });
  }

  // ── SecCertificate, SecIdentity, SecPKCS12Import ───────────────────────────────────────

  SecCertificateCreateWithData(data: Uint8Array): Promise<SecHandle> {
    return this.call(async () => this.handleResult(await this.addon.secCertificateCreateWithData(data), 'SecCertificateCreateWithData'));
  }

  SecCertificateCopyData(certificate: SecHandle): Promise<Buffer> {
    return this.call(() => this.addon.secCertificateCopyData(this.unwrap(certificate, 'certificate')));
  }

  SecCertificateCopySubjectSummary(certificate: SecHandle): Promise<string | undefined> {
    return this.call(async () => (await this.addon.secCertificateCopySubjectSummary(this.unwrap(certificate, 'certificate'))) ?? undefined);
  }

  SecCertificateCopyKey(certificate: SecHandle): Promise<SecHandle | undefined> {
    return this.call(async () => {
      const key = await this.addon.secCertificateCopyKey(this.unwrap(certificate, 'certificate'));
      return key === null || key === undefined ? undefined : this.wrap(key);
    });
  }

  SecIdentityCopyCertificate(identity: SecHandle): Promise<SecHandle> {
    return this.call(async () => this.handleResult(await this.addon.secIdentityCopyCertificate(this.unwrap(identity, 'identity')), 'SecIdentityCopyCertificate'));
  }

  SecIdentityCopyPrivateKey(identity: SecHandle): Promise<SecHandle> {
    return this.call(async () => this.handleResult(await this.addon.secIdentityCopyPrivateKey(this.unwrap(identity, 'identity')), 'SecIdentityCopyPrivateKey'));
  }

  SecPKCS12Import(pkcs12Data: Uint8Array, options: CFDictionary): Promise<Record<string, CFResult>[]> {
    return this.call(async () => {
      const items = this.fromNative(await this.addon.secPKCS12Import(pkcs12Data, this.toNative(options) as object));
      if (!Array.isArray(items)) throw secError('errSecInternalComponent', 'SecPKCS12Import returned no array');
      return items as Record<string, CFResult>[];
    });
  }

  // ── the caller's security session (session.ts) ──────────────────────────────────────────

  /**
   * SessionGetInfo for the process's own session, read now (synchronously: the default backend
   * is chosen synchronously). An addon without the call, or one that throws, is an unknown
   * session, like a failed status: the caller falls back to the environment.
   */
  callerSecuritySession(): SecuritySession {
    try {
      return securitySessionFrom(this.addon.sessionGetInfo());
    } catch {
      return { known: false, status: -2070 /* errSecInternalComponent */ };
    }
  }

  // ── diagnose() (diagnosis.ts; nativeDiagnosis.ts reads it) ─────────────────────────────

  async diagnoseProcess(): Promise<{ process: ProcessFacts; defaultKeychain: DefaultKeychainFacts }> {
    return { process: await readProcess(this.addon, toSecError), defaultKeychain: await readDefaultKeychain(this.addon, toSecError) };
  }

  diagnoseFileItem(persistentRef: Uint8Array): Promise<FileItemAccessFacts> {
    return readFileItem(this.addon, toSecError, persistentRef);
  }

  // ── LAContext ───────────────────────────────────────────────────────────────────────────

  laContextCreate(): NativeHandle {
    try {
      return this.addon.laContextCreate();
    } catch (error) {
      throw toSecError(error);
    }
  }

  private context(handle: SecHandle): NativeHandle {
    return this.unwrap(handle, 'context');
  }

  laContextCanEvaluatePolicy(context: SecHandle, policy: number): Promise<CanEvaluateResult> {
    return this.call(async () => {
      const r = await this.addon.laContextCanEvaluatePolicy(this.context(context), policy);
      return r.ok ? { canEvaluate: true } : { canEvaluate: false, errorCode: r.code ?? LAErrorCode.authenticationFailed, ...(r.message ? { errorMessage: r.message } : {}) };
    });
  }

  laContextEvaluatePolicy(context: SecHandle, policy: number, localizedReason: string): Promise<void> {
    return this.call(() => this.addon.laContextEvaluatePolicy(this.context(context), policy, localizedReason));
  }

  laContextEvaluateAccessControl(context: SecHandle, accessControl: SecHandle, operation: number, localizedReason: string): Promise<void> {
    return this.call(() => this.addon.laContextEvaluateAccessControl(
      this.context(context), this.unwrap(accessControl, 'accessControl'), operation, localizedReason));
  }

  laContextBiometryType(context: SecHandle): number {
    return Number(this.sync(() => this.addon.laContextGet(this.context(context), 'biometryType')));
  }

  laContextGet<K extends keyof LAContextSettable>(context: SecHandle, property: K): LAContextSettable[K] {
    return this.sync(() => this.addon.laContextGet(this.context(context), property as LAContextProperty)) as LAContextSettable[K];
  }

  laContextSet<K extends keyof LAContextSettable>(context: SecHandle, property: K, value: LAContextSettable[K]): void {
    this.sync(() => this.addon.laContextSet(this.context(context), property, value));
  }

  laContextInvalidate(context: SecHandle): void {
    this.sync(() => this.addon.laContextInvalidate(this.context(context)));
  }

  private sync<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      throw toSecError(error);
    }
  }
}

/** Why the addon could not be loaded, and what to do — as the SecError the user gets. */
export function unavailable(reason: string, cause?: unknown): SecError {
  return secError('errSecUnimplemented',
    `the native macOS backend is not available: ${reason}. Reinstall security-framework (the package ships ` +
    `${PREBUILT_ADDON}), point ${ADDON_VARIABLE} at an addon you built (\`npm run build:native\` in a clone of ` +
    'the repository, with the Xcode command line tools), or set SECURITY_FRAMEWORK_BACKEND=emulator to use the emulator',
    cause === undefined ? undefined : { cause });
}

/** The one universal (arm64 + x86_64) binary the package ships, relative to the package root. */
export const PREBUILT_ADDON = 'prebuilds/darwin-x64+arm64/node.napi.node';
/** Where `npm run build:native` (node-gyp) puts a source build, relative to the package root. */
export const SOURCE_BUILD_ADDON = 'build/Release/security_framework.node';
/** An addon at a custom location (an app bundle's Resources, a self-built binary). */
export const ADDON_VARIABLE = 'SECURITY_FRAMEWORK_ADDON';

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A file that is not there, as opposed to one that is there and fails to load. */
function isMissing(error: unknown, path: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (code === 'MODULE_NOT_FOUND' && message(error).includes(path.split('/').pop()!)) || code === 'ENOENT';
}

/**
 * Opens an addon by a path known only at run time. process.dlopen, not require: a bundler
 * leaves it alone (it would otherwise try to resolve, or wrap, a computed path).
 */
function openAddon(path: string): NativeAddon {
  if (!existsSync(path)) throw Object.assign(new Error(`${path} does not exist`), { code: 'ENOENT' });
  const module = { exports: {} };
  process.dlopen(module, path);
  return module.exports as NativeAddon;
}

/**
 * The addon: the file SECURITY_FRAMEWORK_ADDON names when it is set (that one only); else the
 * package's universal prebuild; else a source build in build/Release. The prebuild is required
 * by a literal path inside a darwin-only branch, so a bundler (esbuild, webpack, bun build
 * --compile) can follow it and embed the file, and a build for another platform can drop it.
 */
function loadAddon(): NativeAddon {
  const override = process.env[ADDON_VARIABLE];
  if (override) {
    try {
      return openAddon(override);
    } catch (error) {
      throw unavailable(`${ADDON_VARIABLE}=${override} could not be loaded (${message(error)})`, error);
    }
  }
  const failures: string[] = [];
  let cause: unknown;
  if (process.platform === 'darwin') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return require('../../prebuilds/darwin-x64+arm64/node.napi.node') as NativeAddon;
    } catch (error) {
      cause = error;
      failures.push(isMissing(error, PREBUILT_ADDON)
        ? `the package has no ${PREBUILT_ADDON}`
        : `the package's ${PREBUILT_ADDON} failed to load (${message(error)})`);
    }
  }
  const sourceBuild = join(__dirname, '..', '..', ...SOURCE_BUILD_ADDON.split('/'));
  try {
    return openAddon(sourceBuild);
  } catch (error) {
    if (isMissing(error, SOURCE_BUILD_ADDON)) {
      failures.push(`there is no source build at ${SOURCE_BUILD_ADDON}`);
      cause ??= error;
    } else {
      failures.push(`the source build ${sourceBuild} failed to load (${message(error)})`);
      cause = error;
    }
  }
  throw unavailable(failures.join(', and '), cause);
}

let loaded: NativeBackend | undefined;

/** The native backend over the addon (loadAddon() says where it comes from), once per process. */
export function loadNativeBackend(platform: NodeJS.Platform = process.platform): NativeBackend {
  if (loaded) return loaded;
  if (platform !== 'darwin') throw unavailable(`it runs only on macOS, and this is ${platform}`);
  loaded = new NativeBackend(loadAddon());
  return loaded;
}
