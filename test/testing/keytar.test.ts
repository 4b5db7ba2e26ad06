import { describe, expect, it, vi } from 'vitest';
import keytarDefault, * as keytarNamespace from 'keytar';
import { getPassword as namedGetPassword } from 'keytar';
import { createEmulator, Keychain, setDefaultBackend } from '../../src/index.js';
import * as facade from '../../src/typed/keytar.js';
import { keytar, resetTestKeychain, testKeychain, useTestKeychain } from '../../src/testing/index.js';

// As an app's tests use it: keytar replaced by this module.
vi.mock('keytar', async () => (await import('../../src/testing/index.js')).keytar);

const FUNCTIONS = ['getPassword', 'setPassword', 'deletePassword', 'findPassword', 'findCredentials'] as const;
const stored = (account: string) => new Keychain({ backend: testKeychain() })
  .get({ class: 'genericPassword', keychain: 'file', service: 'svc', account }, { encoding: 'utf8' });

describe('keytar from security-framework/testing', () => {
  it('has keytar\'s five functions, and is its own default export', () => {
    for (const name of FUNCTIONS) expect(typeof keytar[name]).toBe('function');
    expect(keytar.default).toBe(keytar);
    expect(Object.keys(keytar).sort()).toEqual([...FUNCTIONS, 'default'].sort());
  });

  it('goes to the test keychain current at each call', async () => {
    useTestKeychain();
    await keytar.setPassword('svc', 'alice', 'pw');
    expect(await stored('alice')).toBe('pw');
    resetTestKeychain();
    expect(await keytar.getPassword('svc', 'alice')).toBeNull();
    await keytar.setPassword('svc', 'bob', 'pw2');
    expect(await stored('bob')).toBe('pw2');
  });

  it('keeps going to the test keychain when a test sets another process default', async () => {
    useTestKeychain();
    const other = createEmulator();
    setDefaultBackend(other);
    try {
      await keytar.setPassword('svc', 'alice', 'pw');
      expect(await stored('alice')).toBe('pw');
      expect(await facade.createKeytar(other).getPassword('svc', 'alice')).toBeNull();
    } finally {
      resetTestKeychain();
      other.close();
    }
  });

  it('shares the items of security-framework/keytar, which uses the process default', async () => {
    useTestKeychain();
    await facade.setPassword('svc', 'alice', 'from-facade');
    expect(await keytar.getPassword('svc', 'alice')).toBe('from-facade');
    await keytar.setPassword('svc', 'bob', 'from-mock');
    expect(await facade.findCredentials('svc')).toEqual(expect.arrayContaining([
      { account: 'alice', password: 'from-facade' }, { account: 'bob', password: 'from-mock' },
    ]));
  });

  it('checks its arguments as the facade does: synchronously', () => {
    expect(() => keytar.getPassword('', 'alice')).toThrow(/Service is required\./);
    expect(() => keytar.setPassword('svc', 'alice', '')).toThrow(/Password is required\./);
  });

  it('as vi.mock(\'keytar\'): the default export, the namespace and the named functions are this module', async () => {
    useTestKeychain();
    expect(keytarDefault).toBe(keytar);
    for (const name of FUNCTIONS) expect(keytarNamespace[name]).toBe(keytar[name]);
    await keytarDefault.setPassword('svc', 'alice', 'pw');
    expect(await namedGetPassword('svc', 'alice')).toBe('pw');
    expect(await keytarNamespace.findPassword('svc')).toBe('pw');
  });

  it('as vi.mock(\'keytar\'): a spy on the default export sees the calls made through it', async () => {
    useTestKeychain();
    const spy = vi.spyOn(keytarDefault, 'deletePassword');
    try {
      expect(await keytarDefault.deletePassword('svc', 'nobody')).toBe(false);
      expect(spy).toHaveBeenCalledWith('svc', 'nobody');
    } finally {
      spy.mockRestore();
    }
  });
});
