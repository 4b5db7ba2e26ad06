import { describe, expect, it, vi } from 'vitest';
import { delegatingBackend } from '../../src/api/delegate.js';
import { openBackend } from '../../src/api/default.js';
import { optionsFromEnvironment } from '../../src/api/select.js';
import { limitCalls, SecTimeoutError, timeoutFromEnvironment, withTimeout } from '../../src/api/timeout.js';
import { makeHandle } from '../../src/handles.js';
import {
  Keychain, LAContext, LAPolicyDeviceOwnerAuthentication, SecError, createEmulator, kSecAttrAccount, kSecClass,
  kSecClassGenericPassword, kSecReturnData, kSecValueData,
} from '../../src/index.js';

const item = { [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'alice' };
const never = () => new Promise<never>(() => undefined);

/** An emulator whose SecItemCopyMatching never settles, as a framework call waiting on a dialog. */
function hanging() {
  const emulator = createEmulator();
  return { emulator, backend: delegatingBackend(emulator, { SecItemCopyMatching: never }) };
}

describe('timeouts', () => {
  it('a call that never settles rejects after the limit with errSecInteractionRequired, naming the call', async () => {
    const { backend } = hanging();
    vi.useFakeTimers();
    try {
      let settled: unknown;
      const pending = withTimeout(backend, 50).SecItemCopyMatching(item).catch((e: unknown) => e).then((e) => (settled = e));
      await vi.advanceTimersByTimeAsync(49);
      expect(settled).toBeUndefined(); // not before the limit
      await vi.advanceTimersByTimeAsync(1);
      const error = await pending;
      expect(error).toBeInstanceOf(SecTimeoutError);
      expect(error).toBeInstanceOf(SecError);
      expect(error).toMatchObject({ status: -25315, code: 'errSecInteractionRequired', operation: 'SecItemCopyMatching', timeout: 50 });
      expect((error as Error).message).toContain('did not finish within 50 ms');
    } finally {
      vi.useRealTimers();
    }
  });

  it('calls that finish in time are unchanged: results and failures pass through', async () => {
    const emulator = createEmulator();
    const limited = withTimeout(emulator, 1000);
    await limited.SecItemAdd({ ...item, [kSecValueData]: Buffer.from('pw') });
    expect(String(await limited.SecItemCopyMatching({ ...item, [kSecReturnData]: true }))).toBe('pw');
    await expect(limited.SecItemAdd({ ...item, [kSecValueData]: Buffer.from('pw') })).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
    // Arguments are still checked first (errSecParam naming the argument).
    await expect(limited.SecItemCopyMatching(null as never)).rejects.toMatchObject({ code: 'errSecParam' });
  });

  it('a handle that arrives after the limit is released at once', async () => {
    const emulator = createEmulator();
    const release = vi.fn();
    const late = makeHandle('SecKey', 'native', { kind: 'SecKey', release });
    const backend = delegatingBackend(emulator, {
      SecKeyCreateRandomKey: () => new Promise((resolve) => setTimeout(() => resolve(late), 80)),
    });
    await expect(limitCalls(backend, 20).SecKeyCreateRandomKey({})).rejects.toBeInstanceOf(SecTimeoutError);
    expect(release).not.toHaveBeenCalled();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(release).toHaveBeenCalledTimes(1);
  });

  it('17.2 an LAContext evaluation that times out is cancelled: the context is invalidated', async () => {
    const emulator = createEmulator();
    const invalidated = vi.fn();
    const backend = delegatingBackend(emulator, {
      laContextEvaluatePolicy: never,
      laContextInvalidate: (context: never) => { invalidated(); emulator.laContextInvalidate(context); },
    });
    const context = new LAContext({ backend: withTimeout(backend, 30) });
    await expect(context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, 'Unlock')).rejects.toMatchObject({ operation: 'laContextEvaluatePolicy' });
    expect(invalidated).toHaveBeenCalledTimes(1);
    await expect(context.canEvaluatePolicy(LAPolicyDeviceOwnerAuthentication)).resolves.toMatchObject({ canEvaluate: false, errorCode: -10 });
  });

  it('the option on openBackend and Keychain, and SECURITY_FRAMEWORK_TIMEOUT for the process default', async () => {
    const { backend } = hanging();
    await expect(new Keychain({ backend, timeout: 30 }).get({ class: 'genericPassword', account: 'a' }))
      .rejects.toMatchObject({ code: 'errSecInteractionRequired' });
    const opened = openBackend({ backend: 'emulator', timeout: 1000 });
    await expect(opened.SecItemCopyMatching(item)).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    opened.close();
    expect(timeoutFromEnvironment({ SECURITY_FRAMEWORK_TIMEOUT: '2500' })).toBe(2500);
    expect(timeoutFromEnvironment({ SECURITY_FRAMEWORK_TIMEOUT: '0' })).toBeUndefined();
    expect(timeoutFromEnvironment({})).toBeNull();
    expect(() => timeoutFromEnvironment({ SECURITY_FRAMEWORK_TIMEOUT: '5s' })).toThrow(expect.objectContaining({ code: 'errSecParam' }));
    expect(optionsFromEnvironment({ SECURITY_FRAMEWORK_TIMEOUT: '2500' }, 'darwin')).toEqual({ backend: 'native', timeout: 2500 });
  });

  it('a bad timeout is errSecParam naming it', () => {
    const emulator = createEmulator();
    expect(() => withTimeout(emulator, -1)).toThrow(expect.objectContaining({ code: 'errSecParam', message: expect.stringContaining('timeout') }));
    expect(() => withTimeout(emulator, 1.5)).toThrow(expect.objectContaining({ code: 'errSecParam' }));
    expect(() => openBackend({ backend: 'emulator', timeout: '10' as never })).toThrow(expect.objectContaining({ message: expect.stringContaining('options.timeout') }));
    expect(() => new Keychain({ timeout: 2 ** 31 })).toThrow(expect.objectContaining({ message: expect.stringContaining('options.timeout') }));
    expect(() => withTimeout({} as never, 10)).toThrow(expect.objectContaining({ code: 'errSecParam', message: expect.stringContaining('backend') }));
  });
});
