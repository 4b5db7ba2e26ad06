import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStorePath, keychain, selectedBackendName } from '../../src/backend/select.js';
import { SecItemAdd, SecItemCopyMatching, SecItemDelete, kSecAttrAccount, kSecClass, kSecClassGenericPassword, kSecReturnData, kSecValueData } from '../../src/index.js';

let dir: string;
const saved = { ...process.env };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-select-'));
});
afterEach(() => {
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
    delete process.env.SECURITY_FRAMEWORK_BACKEND;
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
