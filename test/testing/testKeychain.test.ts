import { describe, expect, it } from 'vitest';
import {
  Keychain, SecItemAdd, SecItemCopyMatching, createEmulator, keychain, setDefaultBackend,
  kSecAttrAccount, kSecAttrService, kSecClass, kSecClassGenericPassword, kSecMatchLimit, kSecMatchLimitAll, kSecReturnAttributes, kSecReturnData, kSecUseDataProtectionKeychain, kSecValueData,
} from '../../src/index.js';
import * as facade from '../../src/typed/keytar.js';
import { resetTestKeychain, testKeychain, useTestKeychain, type TestKeychainOptions } from '../../src/testing/index.js';
import { statusOf } from '../fixtures/status.js';

const item = (account: string) => ({ [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'svc', [kSecAttrAccount]: account });
const add = (account: string) => SecItemAdd({ ...item(account), [kSecValueData]: Buffer.from(account) });
const read = (account: string) => SecItemCopyMatching({ ...item(account), [kSecReturnData]: true });

describe('importing security-framework/testing', () => {
  // Runs first in this file: nothing has called useTestKeychain or resetTestKeychain yet.
  it('makes the process default the test keychain, opened at its first use', async () => {
    expect(keychain().name).toBe('emulator');
    await add('alice');
    expect(await testKeychain().SecItemCopyMatching({ ...item('alice'), [kSecReturnData]: true })).toEqual(Buffer.from('alice'));
  });
});

describe('useTestKeychain', () => {
  it('returns a fresh in-memory emulator that every default path reaches', async () => {
    const kc = useTestKeychain();
    expect(testKeychain()).toBe(kc);
    expect(await statusOf(read('alice'))).toBe(-25300);
    await add('top-level');
    await new Keychain().set({ class: 'genericPassword', service: 'svc', account: 'typed' }, 'typed');
    await facade.setPassword('svc', 'facade', 'facade');
    const accounts = await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecReturnAttributes]: true, [kSecMatchLimit]: kSecMatchLimitAll }) as { acct: string }[];
    expect(accounts.map((a) => a.acct).sort()).toEqual(['facade', 'top-level', 'typed']);
  });

  it('starts the emulator in the state the options describe', () => {
    const app = { accessGroups: ['TEAMID.com.example.app', 'TEAMID.shared'] };
    const kc = useTestKeychain({ app, lockState: 'locked', passcodeSet: false, user: { response: 'cancel', biometryEnrolled: false } });
    expect(kc.app).toEqual(app);
    expect(kc.lockState).toBe('locked');
    expect(kc.passcodeSet).toBe(false);
    expect(kc.user).toEqual({ response: 'cancel', biometryEnrolled: false });
    expect(useTestKeychain({ lockState: 'beforeFirstUnlock' }).lockState).toBe('beforeFirstUnlock');
    expect(useTestKeychain({ lockState: 'unlocked' }).lockState).toBe('unlocked');
    const plain = useTestKeychain();
    expect([plain.app, plain.lockState, plain.passcodeSet, plain.user]).toEqual([undefined, 'unlocked', true, { response: 'approve', biometryEnrolled: true }]);
  });

  it('runs as the app the options name: the data protection keychain takes its writes', async () => {
    useTestKeychain();
    const dp = { ...item('dp'), [kSecUseDataProtectionKeychain]: true, [kSecValueData]: Buffer.from('x') };
    expect(await statusOf(SecItemAdd(dp))).toBe(-34018);
    useTestKeychain({ app: { accessGroups: ['TEAMID.com.example.app'] } });
    expect(await statusOf(SecItemAdd(dp))).toBe(0);
  });

  it('closes the test keychain it replaces', async () => {
    const old = useTestKeychain();
    await add('alice');
    const fresh = useTestKeychain();
    expect(fresh).not.toBe(old);
    expect(await statusOf(old.SecItemCopyMatching(item('alice')))).toBe(-25291);
    expect(await statusOf(read('alice'))).toBe(-25300);
  });

  it.each<[string, unknown, RegExp]>([
    ['a lock state that is not one', { lockState: 'open' }, /options\.lockState must be "unlocked", "locked", "beforeFirstUnlock"/],
    ['a passcodeSet that is not a boolean', { passcodeSet: 'yes' }, /options\.passcodeSet must be a boolean/],
    ['a user response that is not one', { user: { response: 'deny' } }, /options\.user\.response must be "approve", "cancel", "fail"/],
    ['a biometryEnrolled that is not a boolean', { user: { biometryEnrolled: 1 } }, /options\.user\.biometryEnrolled must be a boolean/],
    ['a user that is not an object', { user: 'alice' }, /options\.user must be an object/],
    ['an app without access groups', { app: {} }, /app\.accessGroups/],
    ['options that are not an object', 'fresh', /options must be an object/],
  ])('refuses %s with errSecParam, and keeps the test keychain and its options', async (_, options, message) => {
    const kc = useTestKeychain({ passcodeSet: false });
    await add('kept');
    let thrown: unknown;
    try { useTestKeychain(options as TestKeychainOptions); } catch (error) { thrown = error; }
    expect(thrown).toMatchObject({ status: -50, code: 'errSecParam', message: expect.stringMatching(message) });
    expect(testKeychain()).toBe(kc);
    expect(await statusOf(read('kept'))).toBe(0);
    expect(resetTestKeychain().passcodeSet).toBe(false);
  });
});

describe('resetTestKeychain', () => {
  it('gives a fresh, empty test keychain in the state of the last options, undoing what a test changed', async () => {
    const kc = useTestKeychain({ app: { accessGroups: ['TEAMID.com.example.app'] }, user: { response: 'fail' } });
    await add('alice');
    kc.lock();
    kc.passcodeSet = false;
    kc.user.response = 'approve';
    kc.user.biometryEnrolled = false;
    const fresh = resetTestKeychain();
    expect(fresh).not.toBe(kc);
    expect(testKeychain()).toBe(fresh);
    expect([fresh.app, fresh.lockState, fresh.passcodeSet, fresh.user]).toEqual([
      { accessGroups: ['TEAMID.com.example.app'] }, 'unlocked', true, { response: 'fail', biometryEnrolled: true },
    ]);
    expect(fresh.prompts).toEqual([]);
    expect(await statusOf(read('alice'))).toBe(-25300);
    expect(await statusOf(kc.SecItemCopyMatching(item('alice')))).toBe(-25291);
  });

  it('keeps the options it was given even when the caller changes them afterwards', () => {
    const groups = ['TEAMID.com.example.app'];
    useTestKeychain({ app: { accessGroups: groups } });
    groups.push('TEAMID.other');
    expect(resetTestKeychain().app).toEqual({ accessGroups: ['TEAMID.com.example.app'] });
  });

  it('takes no arguments, so it can be a hook itself (jest passes done to a hook that declares one)', () => {
    expect(resetTestKeychain.length).toBe(0);
  });

  it('leaves keychain(), Keychain objects and the keytar facade made before it pointing at the new test keychain', async () => {
    useTestKeychain();
    const kept = keychain();
    const typed = new Keychain();
    resetTestKeychain();
    await kept.SecItemAdd({ ...item('kept'), [kSecValueData]: Buffer.from('k') });
    await typed.set({ class: 'genericPassword', service: 'svc', account: 'typed' }, 't');
    await facade.setPassword('svc', 'facade', 'f');
    expect(await testKeychain().SecItemCopyMatching({ ...item('kept'), [kSecReturnData]: true })).toEqual(Buffer.from('k'));
    expect(await facade.getPassword('svc', 'typed')).toBe('t');
    expect(await new Keychain({ backend: testKeychain() }).get({ class: 'genericPassword', service: 'svc', account: 'facade' }, { encoding: 'utf8' })).toBe('f');
  });

  it('makes the test keychain the process default again after a test set another', async () => {
    useTestKeychain();
    const other = createEmulator();
    setDefaultBackend(other);
    await add('elsewhere');
    resetTestKeychain();
    await add('here');
    expect(await statusOf(testKeychain().SecItemCopyMatching(item('here')))).toBe(0);
    expect(await statusOf(testKeychain().SecItemCopyMatching(item('elsewhere')))).toBe(-25300);
    // A backend the test passed stays the test's to close.
    expect(await statusOf(other.SecItemCopyMatching(item('elsewhere')))).toBe(0);
    other.close();
  });
});

describe('testKeychain', () => {
  it('is the same emulator until the next reset', () => {
    const kc = useTestKeychain();
    expect(testKeychain()).toBe(kc);
    expect(testKeychain()).toBe(kc);
    const fresh = resetTestKeychain();
    expect(fresh === kc).toBe(false);
    expect(testKeychain() === fresh).toBe(true);
  });
});
