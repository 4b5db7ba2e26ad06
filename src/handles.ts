/**
 * Opaque handle objects: the JS side of Apple's SecKey, SecCertificate, SecIdentity,
 * SecAccessControl, SecKeychainItem and LAContext references. A handle is created only by a
 * backend (native addon or emulator); user code passes it back inside dictionaries
 * (`kSecValueRef`, `kSecAttrAccessControl`, `kSecUseAuthenticationContext`) or to calls.
 */
export type HandleKind =
  | 'SecKey'
  | 'SecCertificate'
  | 'SecIdentity'
  | 'SecAccessControl'
  | 'SecKeychainItem'
  | 'LAContext';

const payloads = new WeakMap<SecHandle, unknown>();

export class SecHandle {
  /** Which Apple type this handle stands for. */
  readonly kind: HandleKind;
  /** Which backend made it ("native" or "emulator"): handles do not cross backends. */
  readonly backend: string;

  /** @internal Backends create handles through {@link makeHandle}. */
  protected constructor(kind: HandleKind, backend: string) {
    this.kind = kind;
    this.backend = backend;
    // Fixed for the handle's life: the checks that read them can trust what they read.
    Object.defineProperties(this, { kind: { writable: false, configurable: false }, backend: { writable: false, configurable: false } });
  }

  toString(): string {
    return `[${this.kind} (${this.backend})]`;
  }
}

/** @internal A backend wraps its own payload (a native pointer wrapper, an emulator record). */
export function makeHandle<T>(kind: HandleKind, backend: string, payload: T): SecHandle {
  const handle = Reflect.construct(SecHandle, [kind, backend]) as SecHandle;
  payloads.set(handle, payload);
  Object.freeze(handle);
  return handle;
}

/** @internal Attaches a backend's payload to a handle built by a subclass (LAContext). */
export function attachPayload(handle: SecHandle, payload: unknown): void {
  payloads.set(handle, payload);
}

/** @internal The payload a backend stored, or undefined for a foreign handle. */
export function handlePayload<T>(handle: SecHandle, backend: string): T | undefined {
  if (handle.backend !== backend) return undefined;
  return payloads.get(handle) as T | undefined;
}

/**
 * Whether `value` is a handle a backend made (or an LAContext): found by identity, so no
 * prototype trick or Proxy passes for one, and no code of the caller runs.
 */
export function isHandle(value: unknown): value is SecHandle {
  return typeof value === 'object' && value !== null && payloads.has(value as SecHandle);
}
