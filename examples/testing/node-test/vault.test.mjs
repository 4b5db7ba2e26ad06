// The app's tests with node:test (`node --test`): the process default is the test keychain,
// an in-memory emulator, made fresh before each test as a signed app on an unlocked Mac whose
// user approves Touch ID. Nothing reaches the real keychain.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import { testKeychain, useTestKeychain } from 'security-framework/testing';
import { createVault, hasVault, unlockVault } from './vault.mjs';

// The data protection keychain needs an app with a keychain access group.
const app = { accessGroups: ['TEAMID1234.com.example.vault'] };
beforeEach(() => useTestKeychain({ app }));

test('the user approves Touch ID', async () => {
  await createVault('s3cret');
  assert.equal(await unlockVault(), 's3cret');
  assert.deepEqual(testKeychain().prompts.map((p) => [p.reason, p.response]), [['unlock your vault', 'approve']]);
});

test('each test starts with an empty keychain', async () => {
  assert.equal(await hasVault(), false);
});

test('looking for the vault does not prompt', async () => {
  await createVault('s3cret');
  assert.equal(await hasVault(), true);
  assert.equal(testKeychain().prompts.length, 0);
});

test('the user cancels the prompt', async () => {
  await createVault('s3cret');
  testKeychain().user.response = 'cancel';
  await assert.rejects(unlockVault(), { code: 'errSecUserCanceled', status: -128 });
});

test('the Mac is locked', async () => {
  await createVault('s3cret');
  testKeychain().lock();
  await assert.rejects(unlockVault(), { code: 'errSecInteractionNotAllowed', status: -25308 });
});

test('a Mac without a passcode cannot hold the vault', async () => {
  useTestKeychain({ app, passcodeSet: false });
  await assert.rejects(createVault('s3cret'), { code: 'errSecAuthFailed', status: -25293 });
});

test('an unsigned build cannot use the data protection keychain', async () => {
  useTestKeychain();
  await assert.rejects(createVault('s3cret'), { code: 'errSecMissingEntitlement', status: -34018 });
});
