/**
 * A recording fake of the native addon (src/backend/addon.ts) for the NativeBackend tests: it
 * records every call (method and arguments) and answers with a default, or with what a test
 * set through `on(method, impl)`. No macOS needed.
 */
import type { LAContextProperty, NativeAddon, NativeCanEvaluate, NativeHandle, NativeItemAccess, NativeSessionInfo, NativeSigningInformation } from '../../src/backend/addon.js';

export const LA_DOMAIN = 'com.apple.LocalAuthentication';

/** The addon's handle objects: class instances (native.ts tells them from dictionaries by prototype). */
export class FakeHandle implements NativeHandle {
  released = false;
  constructor(readonly kind: string, readonly label = kind) {}
  release(): void {
    this.released = true;
  }
}

export type Method = Exclude<keyof NativeAddon, 'constants'>;
type Impl<K extends Method> = NativeAddon[K];

/**
 * Records every call (method and arguments) and answers with a default, or with what a test
 * set through `on(method, impl)`.
 */
export class FakeAddon implements NativeAddon {
  readonly constants = Object.freeze({ kSecClass: 'class', errSecItemNotFound: -25300 });
  readonly calls: { method: Method; args: unknown[]; result: unknown }[] = [];
  private readonly impls = new Map<Method, (...args: never[]) => unknown>();

  on<K extends Method>(method: K, impl: Impl<K>): this {
    this.impls.set(method, impl as (...args: never[]) => unknown);
    return this;
  }

  /** The argument lists of every call of `method`, in order. */
  argsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** What the most recent call of `method` returned (a Promise for the async methods). */
  lastResult(method: Method): unknown {
    return this.calls.filter((c) => c.method === method).at(-1)?.result;
  }

  private run<T>(method: Method, args: unknown[], fallback: () => T): T {
    const call = { method, args, result: undefined as unknown };
    this.calls.push(call);
    const impl = this.impls.get(method) as ((...a: unknown[]) => T) | undefined;
    const result = impl ? impl(...args) : fallback();
    call.result = result;
    return result;
  }

  secItemAdd(attributes: object): Promise<unknown> {
    return this.run('secItemAdd', [attributes], async () => undefined);
  }
  secItemCopyMatching(query: object): Promise<unknown> {
    return this.run('secItemCopyMatching', [query], async () => undefined);
  }
  secItemUpdate(query: object, attributesToUpdate: object): Promise<void> {
    return this.run('secItemUpdate', [query, attributesToUpdate], async () => undefined);
  }
  secItemDelete(query: object): Promise<void> {
    return this.run('secItemDelete', [query], async () => undefined);
  }
  secKeyCreateRandomKey(parameters: object): Promise<NativeHandle> {
    return this.run('secKeyCreateRandomKey', [parameters], async () => new FakeHandle('SecKey', 'private'));
  }
  secKeyCopyPublicKey(key: NativeHandle): Promise<NativeHandle | null> {
    return this.run('secKeyCopyPublicKey', [key], async () => new FakeHandle('SecKey', 'public'));
  }
  secKeyCopyAttributes(key: NativeHandle): Promise<Record<string, unknown>> {
    return this.run('secKeyCopyAttributes', [key], async () => ({ bsiz: 256 }));
  }
  secKeyCopyExternalRepresentation(key: NativeHandle): Promise<Buffer> {
    return this.run('secKeyCopyExternalRepresentation', [key], async () => Buffer.from('external'));
  }
  secKeyCreateWithData(keyData: Uint8Array, attributes: object): Promise<NativeHandle> {
    return this.run('secKeyCreateWithData', [keyData, attributes], async () => new FakeHandle('SecKey', 'imported'));
  }
  secKeyCreateSignature(key: NativeHandle, algorithm: string, dataToSign: Uint8Array): Promise<Buffer> {
    return this.run('secKeyCreateSignature', [key, algorithm, dataToSign], async () => Buffer.from('signature'));
  }
  secKeyVerifySignature(key: NativeHandle, algorithm: string, signedData: Uint8Array, signature: Uint8Array): Promise<boolean> {
    return this.run('secKeyVerifySignature', [key, algorithm, signedData, signature], async () => true);
  }
  secKeyCreateEncryptedData(key: NativeHandle, algorithm: string, plaintext: Uint8Array): Promise<Buffer> {
    return this.run('secKeyCreateEncryptedData', [key, algorithm, plaintext], async () => Buffer.from('ciphertext'));
  }
  secKeyCreateDecryptedData(key: NativeHandle, algorithm: string, ciphertext: Uint8Array): Promise<Buffer> {
    return this.run('secKeyCreateDecryptedData', [key, algorithm, ciphertext], async () => Buffer.from('plaintext'));
  }
  secKeyCopyKeyExchangeResult(privateKey: NativeHandle, algorithm: string, publicKey: NativeHandle, parameters: object): Promise<Buffer> {
    return this.run('secKeyCopyKeyExchangeResult', [privateKey, algorithm, publicKey, parameters], async () => Buffer.from('shared'));
  }
  secKeyIsAlgorithmSupported(key: NativeHandle, operation: number, algorithm: string): Promise<boolean> {
    return this.run('secKeyIsAlgorithmSupported', [key, operation, algorithm], async () => true);
  }
  secAccessControlCreateWithFlags(protection: string, flags: number): Promise<NativeHandle> {
    return this.run('secAccessControlCreateWithFlags', [protection, flags], async () => new FakeHandle('SecAccessControl'));
  }
  secCertificateCreateWithData(data: Uint8Array): Promise<NativeHandle> {
    return this.run('secCertificateCreateWithData', [data], async () => new FakeHandle('SecCertificate'));
  }
  secCertificateCopyData(certificate: NativeHandle): Promise<Buffer> {
    return this.run('secCertificateCopyData', [certificate], async () => Buffer.from([0x30, 0x00]));
  }
  secCertificateCopySubjectSummary(certificate: NativeHandle): Promise<string | null> {
    return this.run('secCertificateCopySubjectSummary', [certificate], async () => 'summary');
  }
  secCertificateCopyKey(certificate: NativeHandle): Promise<NativeHandle | null> {
    return this.run('secCertificateCopyKey', [certificate], async () => new FakeHandle('SecKey', 'certificate key'));
  }
  secIdentityCopyCertificate(identity: NativeHandle): Promise<NativeHandle> {
    return this.run('secIdentityCopyCertificate', [identity], async () => new FakeHandle('SecCertificate', 'identity certificate'));
  }
  secIdentityCopyPrivateKey(identity: NativeHandle): Promise<NativeHandle> {
    return this.run('secIdentityCopyPrivateKey', [identity], async () => new FakeHandle('SecKey', 'identity key'));
  }
  secPKCS12Import(pkcs12Data: Uint8Array, options: object): Promise<Array<Record<string, unknown>>> {
    return this.run('secPKCS12Import', [pkcs12Data, options], async () => []);
  }
  // diagnose(): by default an unsigned process (SecCodeCheckValidity: errSecCSUnsigned) with an
  // unlocked login keychain, whose items carry the ACL SecAccessCreate gives this executable.
  secCodeCheckValidity(): Promise<number> {
    return this.run('secCodeCheckValidity', [], async () => -67062);
  }
  secCodeCopySigningInformation(): Promise<NativeSigningInformation> {
    return this.run('secCodeCopySigningInformation', [], async () => ({}));
  }
  /** A logged-in console session: sessionHasGraphicAccess | sessionHasTTY. */
  sessionGetInfo(): NativeSessionInfo {
    return this.run('sessionGetInfo', [], () => ({ status: 0, sessionId: 100_008, attributes: 0x30 }));
  }
  secTaskCopyValueForEntitlement(entitlement: string): Promise<unknown> {
    return this.run('secTaskCopyValueForEntitlement', [entitlement], async () => null);
  }
  secKeychainCopyDefault(): Promise<{ path: string; status: number }> {
    return this.run('secKeychainCopyDefault', [], async () => ({ path: '/Users/me/Library/Keychains/login.keychain-db', status: 7 }));
  }
  secKeychainItemCopyAccess(item: NativeHandle): Promise<NativeItemAccess> {
    return this.run('secKeychainItemCopyAccess', [item], async () => ({
      keychain: { path: '/Users/me/Library/Keychains/login.keychain-db', status: 7 },
      acl: [
        { authorizations: ['encrypt'], applications: null, description: 'item', promptSelector: 0 },
        { authorizations: ['decrypt', 'derive', 'export_clear', 'export_wrapped', 'mac', 'sign'], applications: [process.execPath], description: 'item', promptSelector: 0x10 },
        { authorizations: ['change_acl'], applications: [], description: 'item', promptSelector: 0x1 },
      ],
    }));
  }
  laContextCreate(): NativeHandle {
    return this.run('laContextCreate', [], () => new FakeHandle('LAContext'));
  }
  laContextCanEvaluatePolicy(context: NativeHandle, policy: number): Promise<NativeCanEvaluate> {
    return this.run('laContextCanEvaluatePolicy', [context, policy], async () => ({ ok: true }));
  }
  laContextEvaluatePolicy(context: NativeHandle, policy: number, localizedReason: string): Promise<void> {
    return this.run('laContextEvaluatePolicy', [context, policy, localizedReason], async () => undefined);
  }
  laContextEvaluateAccessControl(context: NativeHandle, accessControl: NativeHandle, operation: number, localizedReason: string): Promise<void> {
    return this.run('laContextEvaluateAccessControl', [context, accessControl, operation, localizedReason], async () => undefined);
  }
  laContextGet(context: NativeHandle, property: LAContextProperty): string | number | boolean | null {
    return this.run('laContextGet', [context, property], () => null);
  }
  laContextSet(context: NativeHandle, property: Exclude<LAContextProperty, 'biometryType'>, value: string | number | boolean | null): void {
    this.run('laContextSet', [context, property, value], () => undefined);
  }
  laContextInvalidate(context: NativeHandle): void {
    this.run('laContextInvalidate', [context], () => undefined);
  }
}
