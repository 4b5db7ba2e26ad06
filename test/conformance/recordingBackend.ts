import type { SecItemBackend } from '../../src/backend/backend.js';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.js';
import type { TargetFactory } from '../../src/conformance/runner.js';
import { nativeSkipReasonFor } from '../../src/conformance/targets.js';
import type { CFDictionary, CFResult } from '../../src/values.js';

export interface RecordedCall {
  call: string;
  args: CFDictionary[];
  status: number;
}

/** Rewrites what a call returns, to inject a difference between "native" and the emulator. */
export type Injection = (call: string, result: CFResult | undefined) => CFResult | undefined;

/**
 * A stand-in for the real keychain in tests: an unsigned emulator behind a backend that
 * records every call and can alter results.
 */
export class RecordingBackend implements SecItemBackend {
  readonly name = 'native';
  readonly calls: RecordedCall[] = [];
  readonly inner: Emulator = createEmulator();

  constructor(private readonly inject: Injection = (_c, r) => r) {}

  private async record<T extends CFResult | undefined | void>(call: string, args: CFDictionary[], run: () => Promise<T>): Promise<T> {
    try {
      const result = await run();
      this.calls.push({ call, args, status: 0 });
      return this.inject(call, result as CFResult | undefined) as T;
    } catch (error) {
      this.calls.push({ call, args, status: (error as { status: number }).status });
      throw error;
    }
  }

  SecItemAdd(a: CFDictionary) { return this.record('SecItemAdd', [a], () => this.inner.SecItemAdd(a)); }
  SecItemCopyMatching(q: CFDictionary) { return this.record('SecItemCopyMatching', [q], () => this.inner.SecItemCopyMatching(q)); }
  SecItemUpdate(q: CFDictionary, a: CFDictionary) { return this.record('SecItemUpdate', [q, a], () => this.inner.SecItemUpdate(q, a)); }
  SecItemDelete(q: CFDictionary) { return this.record('SecItemDelete', [q], () => this.inner.SecItemDelete(q)); }
}

/** A "native" side for the runner: one recording backend for the whole run, like a real keychain. */
export function recordingFactory(backend: RecordingBackend): TargetFactory {
  return { name: 'native', skipReason: (s) => nativeSkipReasonFor(s, backend), open: () => ({ backend }) };
}
