// The app's tests with vitest: keytar is mocked by the test keychain, an in-memory emulator,
// fresh for each test. Nothing reaches the real keychain.
import { beforeEach, expect, it, vi } from 'vitest';
import keytar from 'keytar';
import {
  kSecAttrService, kSecClass, kSecClassGenericPassword, kSecMatchLimit, kSecMatchLimitAll, kSecReturnAttributes,
} from 'security-framework';
import { resetTestKeychain, testKeychain } from 'security-framework/testing';
import { signedIn, signIn, signOut, tokenFor } from './tokenStore.js';

vi.mock('keytar', async () => (await import('security-framework/testing')).keytar);

beforeEach(resetTestKeychain);

it('keeps a token per account', async () => {
  await signIn('alice', 'token-a');
  await signIn('bob', 'token-b');
  expect(await tokenFor('alice')).toBe('token-a');
  expect(await signedIn()).toEqual(['alice', 'bob']);
});

it('starts each test with an empty keychain', async () => {
  expect(await signedIn()).toEqual([]);
});

it('signs out', async () => {
  await signIn('alice', 'token-a');
  expect(await signOut('alice')).toBe(true);
  expect(await tokenFor('alice')).toBeNull();
  expect(await signOut('alice')).toBe(false);
});

it('stores what keytar stored: a generic password in the login keychain', async () => {
  await signIn('alice', 'token-a');
  const items = await testKeychain().SecItemCopyMatching({
    [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.cli',
    [kSecReturnAttributes]: true, [kSecMatchLimit]: kSecMatchLimitAll,
  });
  expect(items).toMatchObject([{ acct: 'alice', labl: 'com.example.cli' }]);
});

it('a spy on the mocked keytar sees the app\'s calls', async () => {
  const spy = vi.spyOn(keytar, 'setPassword');
  await signIn('alice', 'token-a');
  expect(spy).toHaveBeenCalledWith('com.example.cli', 'alice', 'token-a');
  spy.mockRestore();
});
