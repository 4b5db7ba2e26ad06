/** `createEmulator()`: the raw calls bound over a fresh emulator backend, plus its controls. */
import type { LockState } from '../emulator/access.js';
import type { PromptRecord, SimulatedUser } from '../emulator/accessControl.js';
import { types } from 'node:util';
import { readOptions } from '../arguments.js';
import type { AppIdentity, EmulatorBackend, EmulatorControls, EmulatorOptions as StoreOptions } from '../emulator/emulator.js';
import { emulatorModule } from './emulatorLoader.js';
import { paramError } from '../errors.js';
import { BoundBackend } from './bind.js';
import { applyInteraction, requireInteractive } from './interaction.js';
import { diagnoseBackend, readDiagnoseArguments, type DiagnosisReport } from './doctor.js';
import { migrateBackend, type MigrationOptions, type MigrationResult } from './migrate.js';
import { dispatch } from './bind.js';
import type { CFDictionary } from '../values.js';

export type { AppIdentity };

/** What `createEmulator` takes: the emulated Mac (store, app identity) and how calls behave. */
export interface EmulatorOptions extends StoreOptions {
  /**
   * false: no call may prompt (non-interactive mode, api/interaction.ts): a read that would
   * ask the simulated user fails at once with errSecInteractionNotAllowed. Default true.
   */
  interactive?: boolean;
}

/**
 * A keychain emulator: every raw SecItem, SecKey and SecAccessControl call (checked as the
 * top-level functions check them), usable as the `backend` of `Keychain`, `LAContext` and the
 * keytar facade, plus the controls a test needs. Keys live in memory; `kSecAttrIsPermanent:
 * true` is not modeled yet.
 */
export class Emulator extends BoundBackend implements EmulatorControls {
  declare readonly name: 'emulator';
  readonly #emulator: EmulatorBackend;

  /** @internal Use {@link createEmulator}. */
  constructor(emulator: EmulatorBackend, interactive = true) {
    // A Proxy is refused before `instanceof`, which would run its getPrototypeOf trap.
    if (emulator === null || typeof emulator !== 'object' || types.isProxy(emulator) || !(emulator instanceof emulatorModule().EmulatorBackend)) {
      throw paramError('an Emulator wraps an emulator backend: use createEmulator()');
    }
    super(applyInteraction(emulator, interactive));
    this.#emulator = emulator;
  }

  get app(): AppIdentity | undefined {
    return this.#emulator.app;
  }

  get lockState(): LockState {
    return this.#emulator.lockState;
  }

  get passcodeSet(): boolean {
    return this.#emulator.passcodeSet;
  }

  set passcodeSet(value: boolean) {
    if (typeof value !== 'boolean') throw paramError('passcodeSet must be a boolean');
    this.#emulator.passcodeSet = value;
  }

  get user(): SimulatedUser {
    return this.#emulator.user;
  }

  get prompts(): readonly PromptRecord[] {
    return this.#emulator.prompts;
  }

  lock(): void {
    this.#emulator.lock();
  }

  unlock(): void {
    this.#emulator.unlock();
  }

  restart(): void {
    this.#emulator.restart();
  }

  /**
   * The doctor's report for the emulated app (its `app` option) and, given a query, the items
   * it matches (api/doctor.ts); `options.accessGroup` is the group to check.
   */
  diagnose(query?: CFDictionary, options?: { accessGroup?: string }): Promise<DiagnosisReport> {
    return dispatch(() => {
      const given = readDiagnoseArguments(query, options, false);
      return diagnoseBackend(this, given.query, given.accessGroup);
    });
  }

  /** Moves the file-based password items `query` matches into the data protection keychain (api/migrate.ts). */
  migrateToDataProtection(query: CFDictionary, options: MigrationOptions): Promise<MigrationResult> {
    return dispatch(() => migrateBackend(query, options, this));
  }
}

/** A fresh emulator: in memory unless `path` is given. */
// DESIGN.md, "Public contract"
export function createEmulator(options?: EmulatorOptions): Emulator {
  // Read once, into plain values: the emulator's own checks then see no getter or Proxy.
  const { interactive, ...given } = readOptions(options, 'options', ['path', 'createDirectory', 'app', 'interactive']);
  const prompts = requireInteractive(interactive, 'options.interactive');
  return new Emulator(new (emulatorModule().EmulatorBackend)(given as StoreOptions), prompts);
}
