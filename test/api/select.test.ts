import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keychain, setDefaultBackend } from '../../src/api/default.js';
import { defaultStorePath, optionsFromEnvironment, selectedBackendName } from '../../src/api/select.js';
import {
  SecAccessControlCreateWithFlags, SecError, SecItemAdd, SecItemCopyMatching, SecItemDelete, SecItemUpdate, SecKeyCreateRandomKey, SecKeyCreateSignature,
  kSecAttrAccessibleWhenUnlocked, kSecAttrAccount, kSecClass, kSecClassGenericPassword, kSecReturnData, kSecValueData,
} from '../../src/index.js';

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-select-'));
  setDefaultBackend(undefined);
});
afterEach(() => {
  setDefaultBackend(undefined);
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});

describe('keychain()', () => {
  it('defaults to a persistent emulator under the user data directory', () => {
    expect(defaultStorePath({ XDG_DATA_HOME: '/data' }, 'linux')).toBe('/data/security-framework/keychain.sqlite');
    expect(defaultStorePath({}, 'linux')).toMatch(/\.local[\\/]share[\\/]security-framework[\\/]keychain\.sqlite$/);
    expect(defaultStorePath({ XDG_DATA_HOME: 'relative' }, 'linux')).toMatch(/\.local[\\/]share/);
    expect(defaultStorePath({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32')).toContain('security-framework');
    expect(defaultStorePath({}, 'darwin')).toMatch(/Library[\\/]Application Support[\\/]security-framework/);
  });

  it('SECURITY_FRAMEWORK_STORE chooses the store and the top-level calls use it', async () => {
    const path = join(dir, 'default.sqlite');
    process.env.SECURITY_FRAMEWORK_STORE = path;
    // The emulator is the default off macOS; on a Mac (the macOS workflow) it must be asked for.
    if (process.platform === 'darwin') process.env.SECURITY_FRAMEWORK_BACKEND = 'emulator';
    else delete process.env.SECURITY_FRAMEWORK_BACKEND;
    expect(keychain().name).toBe('emulator');
    await SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'top-level', [kSecValueData]: Buffer.from('pw') });
    expect(existsSync(path)).toBe(true);
    expect(String(await SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'top-level', [kSecReturnData]: true }))).toBe('pw');
    await SecItemDelete({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'top-level' });
  });

  it('SECURITY_FRAMEWORK_BACKEND=emulator is accepted; an unknown value is errSecParam', () => {
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'emulator' })).toBe('emulator');
    expect(() => selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'sqlite' })).toThrow(expect.objectContaining({ code: 'errSecParam' }));
  });
});

describe('raw calls', () => {
  it('reject bad input asynchronously with SecError, never a synchronous throw', async () => {
    process.env.SECURITY_FRAMEWORK_STORE = join(dir, 'x.sqlite');
    const pending = SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: Symbol('x') as never });
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({ name: 'SecError', status: -50, message: expect.stringContaining('kSecAttrAccount') });
  });
});

describe('selectedBackendName()', () => {
  it('defaults to native on macOS and to the emulator elsewhere', () => {
    expect(selectedBackendName({}, 'darwin')).toBe('native');
    expect(selectedBackendName({}, 'linux')).toBe('emulator');
    expect(selectedBackendName({}, 'win32')).toBe('emulator');
  });

  it('an empty SECURITY_FRAMEWORK_BACKEND counts as unset', () => {
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: '' }, 'darwin')).toBe('native');
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: '' }, 'linux')).toBe('emulator');
  });

  it('SECURITY_FRAMEWORK_BACKEND overrides the platform default on macOS and elsewhere', () => {
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'emulator' }, 'darwin')).toBe('emulator');
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'native' }, 'linux')).toBe('native');
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'native' }, 'darwin')).toBe('native');
    expect(selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'emulator' }, 'linux')).toBe('emulator');
  });

  it('an unknown value is errSecParam on every platform, quoting the value', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      expect(() => selectedBackendName({ SECURITY_FRAMEWORK_BACKEND: 'Native' }, platform))
        .toThrow(expect.objectContaining({ status: -50, message: expect.stringContaining('"Native"') }));
    }
  });
});

describe.skipIf(process.platform === 'darwin')('SECURITY_FRAMEWORK_BACKEND=native off macOS', () => {
  beforeEach(() => {
    process.env.SECURITY_FRAMEWORK_STORE = join(dir, 'never.sqlite');
    process.env.SECURITY_FRAMEWORK_BACKEND = 'native';
  });

  it('keychain() throws errSecUnimplemented saying why, and does not fall back to the emulator', () => {
    let error: unknown;
    try {
      keychain();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecError);
    expect(error).toMatchObject({ status: -4, code: 'errSecUnimplemented' });
    expect((error as SecError).message).toContain('macOS');
    expect((error as SecError).message).toContain('SECURITY_FRAMEWORK_BACKEND=emulator');
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  });

  it('the environment is read once: a change takes effect only after setDefaultBackend(undefined), and then native still throws', () => {
    delete process.env.SECURITY_FRAMEWORK_BACKEND;
    const first = keychain();
    expect(first.name).toBe('emulator');
    process.env.SECURITY_FRAMEWORK_BACKEND = 'native';
    expect(keychain()).toBe(first);
    setDefaultBackend(undefined);
    expect(() => keychain()).toThrow(expect.objectContaining({ code: 'errSecUnimplemented' }));
    // The emulator it replaced was closed.
    return expect(first.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword })).rejects.toMatchObject({ code: 'errSecNotAvailable' });
  });

  it('a raw SecItemCopyMatching rejects (never throws synchronously) with errSecUnimplemented', async () => {
    let pending: Promise<unknown> | undefined;
    expect(() => { pending = SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecReturnData]: true }); }).not.toThrow();
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toMatchObject({ name: 'SecError', status: -4, code: 'errSecUnimplemented', message: expect.stringContaining('macOS') });
  });

  it('raw SecItemAdd, SecKeyCreateRandomKey and SecAccessControlCreateWithFlags reject with errSecUnimplemented too', async () => {
    await expect(SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'a', [kSecValueData]: Buffer.from('x') }))
      .rejects.toMatchObject({ status: -4, code: 'errSecUnimplemented' });
    await expect(SecKeyCreateRandomKey({})).rejects.toMatchObject({ status: -4, code: 'errSecUnimplemented' });
    await expect(SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, 0)).rejects.toMatchObject({ status: -4, code: 'errSecUnimplemented' });
  });

  it('SecKey and SecItemUpdate arguments are checked before the backend is chosen: bad input is errSecParam, not errSecUnimplemented', async () => {
    await expect(SecKeyCreateRandomKey(null as never)).rejects.toMatchObject({ status: -50, message: expect.stringContaining('parameters') });
    await expect(SecKeyCreateSignature('not a key' as never, 'alg', Buffer.from('x'))).rejects.toMatchObject({ status: -50 });
    await expect(SecItemUpdate({ [kSecClass]: kSecClassGenericPassword }, { [kSecAttrAccount]: Symbol('x') as never }))
      .rejects.toMatchObject({ status: -50, message: expect.stringContaining('kSecAttrAccount') });
  });

  it('SecItemAdd, SecItemCopyMatching and SecItemDelete check the dictionary before choosing the backend', async () => {
    const bad = { [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: Symbol('x') as never };
    await expect(SecItemAdd(bad)).rejects.toMatchObject({ status: -50 });
    await expect(SecItemCopyMatching(bad)).rejects.toMatchObject({ status: -50 });
    await expect(SecItemDelete(bad)).rejects.toMatchObject({ status: -50 });
  });
});
