import { createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, Keychain, kSecAccessControlBiometryCurrentSet, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly,
  type Emulator,
} from 'security-framework';
import { quickStart } from '../../examples/quick-start.js';
import { readFromApp, saveForHelper, SHARED_GROUP } from '../../examples/shared-access-group.js';
import { refreshTokenInBackground, saveRefreshToken } from '../../examples/background-refresh.js';
import { protectWithTouchId, unlockVault } from '../../examples/touch-id.js';
import { createSigningKey, loadSigningKey, signingKeyCreated } from '../../examples/binary-secrets.js';
import { accounts, login } from '../../examples/keytar-migration.js';
import { keytarForTests } from '../../examples/keytar-testing.js';
import { importClientCertificate, signAsClient } from '../../examples/client-certificate.js';
import { cleanup as removeOpensslFiles, makeCertificate, makePkcs12 } from '../fixtures/openssl.js';
import { statusOf } from '../fixtures/status.js';

// Every cookbook recipe (docs/cookbook.md) is a file in examples/, type-checked with the
// rest of the project and run here on the emulator.

let dir: string;
const open: Emulator[] = [];
const saved = { ...process.env };
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'sf-examples-')); });
afterEach(() => {
  for (const e of open.splice(0)) e.close();
  process.env = { ...saved };
  rmSync(dir, { recursive: true, force: true });
});
function emulator(options: Parameters<typeof createEmulator>[0] = {}): Emulator {
  const e = createEmulator(options);
  open.push(e);
  return e;
}
afterAll(removeOpensslFiles);

describe('cookbook recipes on the emulator', () => {
  it('quick start', async () => {
    expect(await quickStart(new Keychain({ backend: emulator() }))).toBe('s3cret');
  });

  it('an item shared by an app and its helper through an access group', async () => {
    const path = join(dir, 'shared.sqlite');
    const app = new Keychain({ backend: emulator({ path, app: { accessGroups: ['TEAMID1234.com.example.app', SHARED_GROUP] } }) });
    const helper = new Keychain({ backend: emulator({ path, app: { accessGroups: ['TEAMID1234.com.example.helper', SHARED_GROUP] } }) });
    const stranger = new Keychain({ backend: emulator({ path, app: { accessGroups: ['OTHERTEAM.app'] } }) });
    expect(await readFromApp(helper)).toBeNull();
    await saveForHelper(app, 'token-1');
    expect(await readFromApp(helper)).toBe('token-1');
    await saveForHelper(app, 'token-2');
    expect(await readFromApp(helper)).toBe('token-2');
    // An app without the group cannot name it (errSecMissingEntitlement, spec 8.4).
    expect(await statusOf(readFromApp(stranger))).toBe(-34018);
  });

  it('an item readable in the background with afterFirstUnlock', async () => {
    const backend = emulator({ app: { accessGroups: ['TEAMID1234.com.example.app'] } });
    const kc = new Keychain({ backend });
    await saveRefreshToken(kc, 'refresh');
    backend.lock();
    expect(await refreshTokenInBackground(kc)).toBe('refresh');
    // A whenUnlocked item is not readable while locked: the reason for the recipe.
    backend.unlock();
    await kc.set({ class: 'genericPassword', keychain: 'dataProtection', service: 'com.example.sync', account: 'foreground' }, 'x');
    backend.lock();
    expect(await statusOf(kc.get({ class: 'genericPassword', keychain: 'dataProtection', service: 'com.example.sync', account: 'foreground' }))).toBe(-25308);
    // Before the first unlock after a restart even afterFirstUnlock items are out of reach (spec 9.2).
    backend.restart();
    expect(await statusOf(refreshTokenInBackground(kc))).toBe(-25308);
    backend.unlock();
    backend.lock();
    expect(await refreshTokenInBackground(kc)).toBe('refresh');
  });

  it('a Touch ID protected item (the emulator simulates the prompt; real Touch ID needs macOS)', async () => {
    const backend = emulator({ app: { accessGroups: ['TEAMID1234.com.example.app'] } });
    const kc = new Keychain({ backend });
    const accessControl = await backend.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, kSecAccessControlBiometryCurrentSet);
    await protectWithTouchId(kc, accessControl, Buffer.from([1, 2, 3]));
    expect(await unlockVault(kc)).toEqual(Buffer.from([1, 2, 3]));
    expect(backend.prompts.at(-1)).toMatchObject({ reason: 'unlock your vault', constraints: ['biometryCurrentSet'], response: 'approve' });
    backend.user.response = 'cancel';
    expect(await statusOf(unlockVault(kc))).toBe(-128);
    // Attributes alone never prompt (spec 10.2).
    const before = backend.prompts.length;
    expect(await kc.find({ class: 'genericPassword', keychain: 'dataProtection', service: 'com.example.vault' })).toHaveLength(1);
    expect(backend.prompts.length).toBe(before);
  });

  it('storing binary secrets', async () => {
    const kc = new Keychain({ backend: emulator() });
    const key = await createSigningKey(kc);
    expect(key).toHaveLength(32);
    expect(await loadSigningKey(kc)).toEqual(key);
    expect(await signingKeyCreated(kc)).toBeInstanceOf(Date);
  });

  it('migrating from keytar: the default backend', async () => {
    process.env.SECURITY_FRAMEWORK_BACKEND = 'emulator';
    process.env.SECURITY_FRAMEWORK_STORE = join(dir, 'default.sqlite');
    let asked = 0;
    const fresh = async () => { asked++; return 'typed-once'; };
    expect(await login('com.example.cli', 'alice', fresh)).toBe('typed-once');
    expect(await login('com.example.cli', 'alice', fresh)).toBe('typed-once');
    expect(asked).toBe(1);
    expect(await accounts('com.example.cli')).toEqual(['alice']);
  });

  it('a client certificate from a .p12, stored and used', async () => {
    const made = makeCertificate({ subject: '/O=Example/CN=client.example.com' });
    const path = join(dir, 'login.sqlite');
    const name = await importClientCertificate(makePkcs12(made, { password: 'from the operator' }), 'from the operator', emulator({ path }));
    expect(name).toBe('client.example.com');
    // Another run, the same keychain: found by name, signs; node:crypto verifies with the certificate.
    const payload = Buffer.from('GET /v1/account');
    const { certificate, signature } = await signAsClient(name, payload, emulator({ path }));
    expect(certificate.equals(made.der)).toBe(true);
    expect(verify('sha256', payload, createPublicKey(made.certPem), signature)).toBe(true);
  });

  it('keytar on a throwaway emulator for tests', async () => {
    const a = keytarForTests();
    const b = keytarForTests();
    await a.setPassword('svc', 'acct', 'pw');
    expect(await a.getPassword('svc', 'acct')).toBe('pw');
    expect(await b.getPassword('svc', 'acct')).toBeNull();
  });
});
