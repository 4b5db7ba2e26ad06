import { describe, expect, it } from 'vitest';
import { bind } from '../../src/api/bind.js';
import { delegatingBackend } from '../../src/api/delegate.js';
import { interactiveFromEnvironment, nonInteractive } from '../../src/api/interaction.js';
import { NativeBackend } from '../../src/backend/native.js';
import { securitySessionFrom } from '../../src/backend/session.js';
import { FakeAddon } from '../backend/fakeAddon.js';
import { openBackend } from '../../src/api/default.js';
import { NON_INTERACTIVE_NATIVE_TIMEOUT, optionsFromEnvironment } from '../../src/api/select.js';
import {
  Keychain, LAContext, LAPolicyDeviceOwnerAuthentication, createEmulator, kSecAccessControlUserPresence,
  kSecAttrAccessControl, kSecAttrAccessibleWhenUnlocked, kSecAttrAccount, kSecClass, kSecClassGenericPassword,
  kSecReturnAttributes, kSecReturnData, kSecUseAuthenticationUI, kSecUseAuthenticationUIAllow, kSecUseAuthenticationUIFail,
  kSecUseAuthenticationUISkip, kSecUseDataProtectionKeychain, kSecUseNoAuthenticationUI, kSecValueData,
  kSecAccessControlPrivateKeyUsage, kSecAttrKeyType, kSecAttrKeyTypeECSECPrimeRandom, kSecAttrKeySizeInBits, kSecPrivateKeyAttrs,
  kSecUseAuthenticationContext, kSecKeyAlgorithmECDSASignatureMessageX962SHA256,
} from '../../src/index.js';
import { RecordingBackend } from '../conformance/recordingBackend.js';

const app = { accessGroups: ['TEAMID1234.com.example.app'] };
const item = { [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'alice' };

/** A data protection item whose read needs the user (spec 10.1). */
async function protectedItem(emulator: ReturnType<typeof createEmulator>) {
  // The access control is made on an interactive binding over the same store: creating one never prompts.
  const ac = await emulator.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence);
  await emulator.SecItemAdd({ ...item, [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('secret') });
}

describe('non-interactive mode on the native path (the recording stand-in for the addon)', () => {
  it('10.5 every SecItem call reaches the backend with kSecUseAuthenticationUIFail', async () => {
    const recording = new RecordingBackend();
    const calls = bind(nonInteractive(recording));
    await calls.SecItemAdd({ ...item, [kSecValueData]: Buffer.from('pw') });
    await calls.SecItemCopyMatching({ ...item, [kSecReturnData]: true });
    await calls.SecItemUpdate(item, { [kSecValueData]: Buffer.from('pw2') });
    await calls.SecItemDelete(item);
    expect(recording.calls.map((c) => [c.call, c.args[0]![kSecUseAuthenticationUI]])).toEqual([
      ['SecItemAdd', kSecUseAuthenticationUIFail], ['SecItemCopyMatching', kSecUseAuthenticationUIFail],
      ['SecItemUpdate', kSecUseAuthenticationUIFail], ['SecItemDelete', kSecUseAuthenticationUIFail],
    ]);
    // The attributes to update are the item's new values: nothing is added to them.
    expect(recording.calls[2]!.args[1]).toEqual({ [kSecValueData]: Buffer.from('pw2') });
  });

  it('10.5 a value the caller chose is kept, also the deprecated kSecUseNoAuthenticationUI', async () => {
    const recording = new RecordingBackend();
    const calls = bind(nonInteractive(recording));
    await calls.SecItemAdd({ ...item, [kSecValueData]: Buffer.from('pw') });
    await calls.SecItemCopyMatching({ ...item, [kSecUseAuthenticationUI]: kSecUseAuthenticationUIAllow });
    await calls.SecItemCopyMatching({ ...item, [kSecUseAuthenticationUI]: kSecUseAuthenticationUISkip });
    await calls.SecItemCopyMatching({ ...item, [kSecUseNoAuthenticationUI]: true });
    expect(recording.calls.slice(1).map((c) => [c.args[0]![kSecUseAuthenticationUI], c.args[0]![kSecUseNoAuthenticationUI]])).toEqual([
      [kSecUseAuthenticationUIAllow, undefined], [kSecUseAuthenticationUISkip, undefined], [undefined, true],
    ]);
  });

  it('10.5 Keychain({ interactive: false }) sends the same key through the typed API', async () => {
    const recording = new RecordingBackend();
    const kc = new Keychain({ backend: recording, interactive: false });
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'pw');
    await kc.get({ class: 'genericPassword', service: 's', account: 'a' });
    expect(recording.calls.length).toBeGreaterThanOrEqual(2);
    for (const c of recording.calls) expect(c.args[0]![kSecUseAuthenticationUI]).toBe(kSecUseAuthenticationUIFail);
    // The backend itself, called directly, adds nothing.
    const before = recording.calls.length;
    await recording.SecItemCopyMatching({ ...item, [kSecReturnData]: true }).catch(() => undefined);
    expect(recording.calls[before]!.args[0]![kSecUseAuthenticationUI]).toBeUndefined();
  });

  it('10.6 an LAContext made through a non-interactive binding is set interactionNotAllowed on the backend', () => {
    const emulator = createEmulator();
    const sets: unknown[] = [];
    const spy = delegatingBackend(emulator, {
      laContextSet: (context: never, property: never, value: never) => { sets.push([property, value]); emulator.laContextSet(context, property, value); },
    });
    expect(new LAContext({ backend: bind(nonInteractive(spy)) }).interactionNotAllowed).toBe(true);
    expect(sets).toEqual([['interactionNotAllowed', true]]);
    expect(new LAContext({ backend: spy }).interactionNotAllowed).toBe(false);
    expect(sets).toHaveLength(1);
  });
});

describe('non-interactive mode on the emulator', () => {
  it('10.5 a protected item read fails at once with errSecInteractionNotAllowed and shows no prompt', async () => {
    const emulator = createEmulator({ app, interactive: false });
    await protectedItem(emulator);
    await expect(emulator.SecItemCopyMatching({ ...item, [kSecUseDataProtectionKeychain]: true, [kSecReturnData]: true }))
      .rejects.toMatchObject({ status: -25308, code: 'errSecInteractionNotAllowed' });
    expect(emulator.prompts).toHaveLength(0);
    // Attribute-only reads never prompt (10.2), so they still work.
    await expect(emulator.SecItemCopyMatching({ ...item, [kSecUseDataProtectionKeychain]: true, [kSecReturnAttributes]: true })).resolves.toMatchObject({ acct: 'alice' });
  });

  it('10.5 the same read on an interactive emulator prompts the simulated user and succeeds', async () => {
    const emulator = createEmulator({ app });
    await protectedItem(emulator);
    expect(String(await emulator.SecItemCopyMatching({ ...item, [kSecUseDataProtectionKeychain]: true, [kSecReturnData]: true }))).toBe('secret');
    expect(emulator.prompts).toHaveLength(1);
  });

  it('10.6 LAContext evaluation on a non-interactive emulator fails with errSecInteractionNotAllowed', async () => {
    const emulator = createEmulator({ interactive: false });
    const context = new LAContext({ backend: emulator });
    expect(context.interactionNotAllowed).toBe(true);
    await expect(context.evaluatePolicy(LAPolicyDeviceOwnerAuthentication, 'Unlock'))
      .rejects.toMatchObject({ code: 'errSecInteractionNotAllowed', laErrorCode: -1004 });
    expect(emulator.prompts).toHaveLength(0);
  });

  it('10.5 openBackend({ interactive: false }) and Keychain({ interactive: false }) fail fast too', async () => {
    const backend = openBackend({ backend: 'emulator', app, interactive: false });
    await protectedItem(backend as ReturnType<typeof createEmulator>);
    await expect(backend.SecItemCopyMatching({ ...item, [kSecUseDataProtectionKeychain]: true, [kSecReturnData]: true }))
      .rejects.toMatchObject({ code: 'errSecInteractionNotAllowed' });
    const emulator = createEmulator({ app });
    await protectedItem(emulator);
    const kc = new Keychain({ backend: emulator, interactive: false });
    await expect(kc.get({ class: 'genericPassword', account: 'alice', keychain: 'dataProtection' }))
      .rejects.toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(emulator.prompts).toHaveLength(0);
    backend.close();
  });

  it('10.1 a key generated without a context gets a non-interactive one: a guarded signature fails at once', async () => {
    const sign = async (emulator: ReturnType<typeof createEmulator>) => {
      const ac = await emulator.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence | kSecAccessControlPrivateKeyUsage);
      const key = await emulator.SecKeyCreateRandomKey({
        [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256, [kSecPrivateKeyAttrs]: { [kSecAttrAccessControl]: ac },
      });
      return emulator.SecKeyCreateSignature(key, kSecKeyAlgorithmECDSASignatureMessageX962SHA256, Buffer.from('message'));
    };
    const quiet = createEmulator({ app, interactive: false });
    await expect(sign(quiet)).rejects.toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(quiet.prompts).toHaveLength(0);
    const asking = createEmulator({ app });
    await expect(sign(asking)).resolves.toBeInstanceOf(Buffer);
    expect(asking.prompts).toHaveLength(1);
  });

  it('10.4 key generation: the binding adds kSecUseAuthenticationContext only where the caller gave none', async () => {
    const emulator = createEmulator();
    const seen: Record<string, unknown>[] = [];
    const spy = delegatingBackend(emulator, {
      SecKeyCreateRandomKey: (parameters: Record<string, unknown>) => { seen.push(parameters); return emulator.SecKeyCreateRandomKey(parameters as never); },
    });
    const quiet = bind(nonInteractive(spy));
    const params = { [kSecAttrKeyType]: kSecAttrKeyTypeECSECPrimeRandom, [kSecAttrKeySizeInBits]: 256 };
    await quiet.SecKeyCreateRandomKey(params);
    const mine = new LAContext({ backend: emulator });
    await quiet.SecKeyCreateRandomKey({ ...params, [kSecPrivateKeyAttrs]: { [kSecUseAuthenticationContext]: mine } });
    const added = seen[0]![kSecUseAuthenticationContext] as LAContext;
    expect(added).toMatchObject({ kind: 'LAContext' });
    expect(emulator.laContextGet(added, 'interactionNotAllowed')).toBe(true);
    expect(kSecUseAuthenticationContext in seen[1]!).toBe(false);
  });

  it('file-based calls accept the key: adds, reads and deletes work as before', async () => {
    const emulator = createEmulator({ interactive: false });
    await emulator.SecItemAdd({ ...item, [kSecValueData]: Buffer.from('pw') });
    expect(String(await emulator.SecItemCopyMatching({ ...item, [kSecReturnData]: true }))).toBe('pw');
    await emulator.SecItemDelete(item);
  });

  it('a bad interactive option is errSecParam naming it', () => {
    expect(() => createEmulator({ interactive: 'no' as never })).toThrow(expect.objectContaining({ code: 'errSecParam', message: expect.stringContaining('options.interactive') }));
    expect(() => openBackend({ backend: 'emulator', interactive: 0 as never })).toThrow(expect.objectContaining({ code: 'errSecParam' }));
    expect(() => new Keychain({ interactive: null as never })).toThrow(expect.objectContaining({ message: expect.stringContaining('options.interactive') }));
  });
});

describe('the process default: interactive or not, from the environment', () => {
  it('SECURITY_FRAMEWORK_INTERACTIVE decides when set', () => {
    expect(interactiveFromEnvironment({ SECURITY_FRAMEWORK_INTERACTIVE: '0', }).interactive).toBe(false);
    expect(interactiveFromEnvironment({ SECURITY_FRAMEWORK_INTERACTIVE: 'true', CI: 'true' }).interactive).toBe(true);
    expect(() => interactiveFromEnvironment({ SECURITY_FRAMEWORK_INTERACTIVE: 'maybe' })).toThrow(expect.objectContaining({ code: 'errSecParam' }));
  });

  it('a CI service or an SSH login makes it non-interactive, with the reason', () => {
    expect(interactiveFromEnvironment({ CI: 'true' })).toEqual({ interactive: false, reason: expect.stringContaining('CI is set') });
    expect(interactiveFromEnvironment({ TF_BUILD: 'True' }).interactive).toBe(false);
    expect(interactiveFromEnvironment({ SSH_CONNECTION: '10.0.0.2 5000 10.0.0.1 22' })).toEqual({ interactive: false, reason: expect.stringContaining('SSH_CONNECTION') });
    expect(interactiveFromEnvironment({ CI: 'false' }).interactive).toBe(true);
    expect(interactiveFromEnvironment({}).interactive).toBe(true);
  });

  it('the default options carry the decision; the native default also gets a time limit', () => {
    expect(optionsFromEnvironment({ CI: '1' }, 'darwin')).toEqual({ backend: 'native', interactive: false, timeout: NON_INTERACTIVE_NATIVE_TIMEOUT });
    expect(optionsFromEnvironment({ CI: '1', SECURITY_FRAMEWORK_TIMEOUT: '0' }, 'darwin')).toEqual({ backend: 'native', interactive: false });
    expect(optionsFromEnvironment({ SECURITY_FRAMEWORK_TIMEOUT: '5000' }, 'darwin')).toEqual({ backend: 'native', timeout: 5000 });
    expect(optionsFromEnvironment({}, 'darwin')).toEqual({ backend: 'native' });
    expect(optionsFromEnvironment({ CI: '1', SECURITY_FRAMEWORK_STORE: '/tmp/x.sqlite' }, 'linux'))
      .toEqual({ backend: 'emulator', path: '/tmp/x.sqlite', createDirectory: true, interactive: false });
  });
});

describe('the process default on macOS: the security session (SessionGetInfo) after the variables', () => {
  const session = (attributes: number) => () => securitySessionFrom({ status: 0, sessionId: 100_008, attributes });

  it('a graphic session is interactive; no graphic access, the root session or a remote session is not', () => {
    expect(interactiveFromEnvironment({}, session(0x30))).toEqual({ interactive: true, reason: expect.stringContaining('has graphic access') });
    expect(interactiveFromEnvironment({}, session(0x1020))).toEqual({ interactive: false, reason: expect.stringContaining('no graphic access') });
    expect(interactiveFromEnvironment({}, session(0x1)).reason).toContain('root session');
    expect(interactiveFromEnvironment({}, session(0x1030))).toEqual({ interactive: false, reason: expect.stringContaining('over the network') });
    expect(optionsFromEnvironment({}, 'darwin', 'native', session(0x20))).toEqual({ backend: 'native', interactive: false, timeout: NON_INTERACTIVE_NATIVE_TIMEOUT });
  });

  it('a failed SessionGetInfo is unknown, and the variables alone decide', () => {
    const failed = () => securitySessionFrom({ status: -60008 });
    expect(interactiveFromEnvironment({}, failed)).toEqual({ interactive: true, reason: expect.stringContaining('status -60008') });
    expect(interactiveFromEnvironment({ CI: 'true' }, failed).interactive).toBe(false);
    expect(securitySessionFrom({ status: 0 } as never)).toEqual({ known: false, status: 0 });
  });

  it('the variables come first, and the session is read only when none decided', () => {
    let reads = 0;
    const counted = () => {
      reads++;
      return securitySessionFrom({ status: 0, sessionId: 1, attributes: 0 });
    };
    expect(interactiveFromEnvironment({ SECURITY_FRAMEWORK_INTERACTIVE: '1' }, counted).interactive).toBe(true);
    expect(interactiveFromEnvironment({ CI: 'true' }, counted).reason).toContain('CI is set');
    expect(interactiveFromEnvironment({ SSH_TTY: '/dev/ttys001' }, counted).reason).toContain('SSH_TTY');
    expect(reads).toBe(0);
    expect(interactiveFromEnvironment({}, counted).interactive).toBe(false);
    expect(reads).toBe(1);
  });

  it('the native backend reads the session through the addon; an addon that throws is an unknown session', () => {
    const addon = new FakeAddon();
    expect(new NativeBackend(addon).callerSecuritySession()).toMatchObject({ known: true, hasGraphicAccess: true, hasTTY: true, isRemote: false, isRoot: false });
    addon.on('sessionGetInfo', () => {
      throw new Error('no such call');
    });
    expect(new NativeBackend(addon).callerSecuritySession()).toEqual({ known: false, status: -2070 });
  });
});
