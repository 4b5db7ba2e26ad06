// The app's tests with jest: keychain.setup.cjs mocks keytar with the test keychain, an
// in-memory emulator, fresh for each test. Nothing reaches the real keychain.
const { kSecAttrAccount, kSecAttrService, kSecClass, kSecClassGenericPassword, kSecReturnData } = require('security-framework');
const { testKeychain } = require('security-framework/testing');
const { signIn, signOut, signedIn, tokenFor } = require('./tokenStore.cjs');

test('keeps a token per account', async () => {
  await signIn('alice', 'token-a');
  await signIn('bob', 'token-b');
  expect(await tokenFor('alice')).toBe('token-a');
  expect(await signedIn()).toEqual(['alice', 'bob']);
});

test('starts each test with an empty keychain', async () => {
  expect(await signedIn()).toEqual([]);
});

test('signs out', async () => {
  await signIn('alice', 'token-a');
  expect(await signOut('alice')).toBe(true);
  expect(await tokenFor('alice')).toBeNull();
  expect(await signOut('alice')).toBe(false);
});

test('a spy on the mocked keytar sees the app\'s calls', async () => {
  const keytar = require('keytar');
  const spy = jest.spyOn(keytar, 'setPassword');
  await signIn('alice', 'token-a');
  expect(spy).toHaveBeenCalledWith('com.example.cli', 'alice', 'token-a');
  spy.mockRestore();
});

test('the items are in the test keychain, not the real one', async () => {
  await signIn('alice', 'token-a');
  const data = await testKeychain().SecItemCopyMatching({
    [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.cli', [kSecAttrAccount]: 'alice', [kSecReturnData]: true,
  });
  expect(data.toString('utf8')).toBe('token-a');
});
