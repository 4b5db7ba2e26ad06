import { BoundBackend } from '../../src/api/bind.js';
import { createEmulator, type Emulator } from '../../src/api/emulator.js';
import type { TargetFactory } from '../../src/conformance/runner.js';
import { nativeSkipReason } from '../../src/conformance/runner.js';
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
 * records every SecItem call and can alter its results; the other calls go to the emulator.
 */
export class RecordingBackend extends BoundBackend {
  override readonly name = 'native';
  readonly calls: RecordedCall[] = [];
  readonly inner: Emulator;

  constructor(private readonly inject: Injection = (_c, r) => r) {
    const inner = createEmulator();
    super(inner);
    this.inner = inner;
    this.SecItemAdd = (a) => this.record('SecItemAdd', [a], () => inner.SecItemAdd(a));
    this.SecItemCopyMatching = (q) => this.record('SecItemCopyMatching', [q], () => inner.SecItemCopyMatching(q));
    this.SecItemUpdate = (q, a) => this.record('SecItemUpdate', [q, a], () => inner.SecItemUpdate(q, a));
    this.SecItemDelete = (q) => this.record('SecItemDelete', [q], () => inner.SecItemDelete(q));
  }

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
}

/** A "native" side for the runner: one recording backend for the whole run, like a real keychain. */
export function recordingFactory(backend: RecordingBackend): TargetFactory {
  return { name: 'native', skipReason: nativeSkipReason, open: () => ({ backend }) };
}
