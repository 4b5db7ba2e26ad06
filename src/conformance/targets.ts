/**
 * The two sides a scenario runs on: a fresh in-memory emulator per scenario (with the
 * scenario's app identity and device controls), and the real keychain of this Mac through
 * the native backend.
 */
import { openBackend } from '../api/default.js';
import { createEmulator } from '../api/emulator.js';
import type { ControlName } from './format.js';
import { nativeSkipReason, type TargetFactory } from './runner.js';

export const emulatorFactory: TargetFactory = {
  name: 'emulator',
  skipReason: () => undefined,
  open(scenario) {
    const emulator = createEmulator(scenario.app ? { app: { accessGroups: scenario.app.accessGroups } } : {});
    const controls: Record<ControlName, () => void> = {
      lock: () => emulator.lock(),
      unlock: () => emulator.unlock(),
      restart: () => emulator.restart(),
      passcodeOff: () => { emulator.passcodeSet = false; },
      passcodeOn: () => { emulator.passcodeSet = true; },
      userApprove: () => { emulator.user.response = 'approve'; },
      userCancel: () => { emulator.user.response = 'cancel'; },
      userFail: () => { emulator.user.response = 'fail'; },
      biometryOff: () => { emulator.user.biometryEnrolled = false; },
      biometryOn: () => { emulator.user.biometryEnrolled = true; },
    };
    return {
      backend: emulator,
      control: (name) => controls[name](),
      promptCount: () => emulator.prompts.length,
      close: () => emulator.close(),
    };
  },
};

/**
 * The real keychain through the native backend. Throws (with the reason) when this build or
 * platform has no native backend.
 */
export async function loadNativeFactory(): Promise<TargetFactory> {
  const backend = openBackend({ backend: 'native' });
  return {
    name: 'native',
    skipReason: nativeSkipReason,
    open: () => ({ backend }),
  };
}
