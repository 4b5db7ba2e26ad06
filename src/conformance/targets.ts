/**
 * The two sides a scenario runs on: a fresh in-memory emulator per scenario (with the
 * scenario's app identity and device controls), and the real keychain of this Mac through
 * the native backend.
 */
import type { SecItemBackend } from '../backend/backend.js';
import { createEmulator } from '../emulator/emulator.js';
import type { ControlName } from './format.js';
import { missingCalls, nativeSkipReason, type TargetFactory } from './runner.js';

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
 * The real keychain, loaded lazily through keychain() with SECURITY_FRAMEWORK_BACKEND=native.
 * Throws (with the reason) when this build or platform has no native backend.
 */
export async function loadNativeFactory(): Promise<TargetFactory> {
  process.env.SECURITY_FRAMEWORK_BACKEND = 'native';
  const { keychain } = await import('../backend/select.js');
  const backend: SecItemBackend = keychain();
  if (backend.name !== 'native') throw new Error(`keychain() gave the ${backend.name} backend, not the native one`);
  return {
    name: 'native',
    skipReason: (scenario) => nativeSkipReasonFor(scenario, backend),
    open: () => ({ backend }),
  };
}

/** Why a real-keychain backend skips a scenario: safety and identity rules, then missing calls. */
export function nativeSkipReasonFor(scenario: Parameters<typeof nativeSkipReason>[0], backend: SecItemBackend): string | undefined {
  const missing = missingCalls(scenario, backend);
  return nativeSkipReason(scenario) ?? (missing.length > 0 ? `the native backend has no ${missing.join(', ')} yet` : undefined);
}
