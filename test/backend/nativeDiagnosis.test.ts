/**
 * The native backend's diagnoseProcess and diagnoseFileItem over a recording fake of the addon:
 * what each addon answer becomes in ProcessFacts, DefaultKeychainFacts and FileItemAccessFacts
 * (an unsigned, an ad hoc signed and a team-signed process; an unlocked and a locked keychain; a
 * failed call). No macOS needed; test/native/harness runs the addon's calls, and
 * test/native/macosDoctor.test.ts reads a real process and keychain.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NativeBackend } from '../../src/backend/native.js';
import { SecError } from '../../src/errors.js';
import { FakeAddon, FakeHandle } from './fakeAddon.js';

let addon: FakeAddon;
let backend: NativeBackend;
beforeEach(() => {
  addon = new FakeAddon();
  backend = new NativeBackend(addon);
});

const failure = (status: number, operation: string) => Object.assign(new Error(`${operation} failed`), { status, domain: 'NSOSStatusErrorDomain', operation });
const TEAM_ENTITLEMENTS: Record<string, unknown> = {
  'keychain-access-groups': ['ABCDE12345.com.example.shared'],
  'com.apple.application-identifier': 'ABCDE12345.com.example.app',
  'com.apple.security.application-groups': ['ABCDE12345.group.example'],
};

describe('NativeBackend.diagnoseProcess', () => {
  it('an unsigned process (SecCodeCheckValidity: errSecCSUnsigned, no kSecCodeInfoIdentifier): signed false, not ad hoc, no team, no entitlements', async () => {
    const { process, defaultKeychain } = await backend.diagnoseProcess();
    expect(process).toMatchObject({
      read: true, signed: false, adHoc: false, teamIdentifier: null, signingIdentifier: null,
      entitlements: { 'keychain-access-groups': [], 'application-identifier': null, 'com.apple.security.application-groups': [] },
    });
    expect(process.note).toMatch(/SecCodeCheckValidity answered errSecCSUnsigned \(-67062\)/);
    expect(process.note).toMatch(/SecTaskCopyValueForEntitlement/);
    expect(defaultKeychain).toEqual({
      read: true, note: 'SecKeychainCopyDefault, SecKeychainGetPath and SecKeychainGetStatus',
      path: '/Users/me/Library/Keychains/login.keychain-db', unlocked: true, readable: true, writable: true,
    });
    // application-identifier: macOS's com.apple.application-identifier first, then iOS's name.
    expect(addon.argsOf('secTaskCopyValueForEntitlement').map(([name]) => name)).toEqual([
      'keychain-access-groups', 'com.apple.application-identifier', 'application-identifier', 'com.apple.security.application-groups']);
  });

  it('an ad hoc signature: signed (valid), adHoc from kSecCodeSignatureAdhoc in kSecCodeInfoFlags, its identifier, no team', async () => {
    addon.on('secCodeCheckValidity', async () => 0).on('secCodeCopySigningInformation', async () => ({ identifier: 'node-5555', flags: 0x20002 }));
    const { process } = await backend.diagnoseProcess();
    expect(process).toMatchObject({ read: true, signed: true, adHoc: true, teamIdentifier: null, signingIdentifier: 'node-5555' });
  });

  it('a team-signed app: its team identifier, signing identifier and entitlements from SecTask', async () => {
    addon.on('secCodeCheckValidity', async () => 0)
      .on('secCodeCopySigningInformation', async () => ({ identifier: 'com.example.app', teamIdentifier: 'ABCDE12345', flags: 0x10000, entitlements: TEAM_ENTITLEMENTS }))
      .on('secTaskCopyValueForEntitlement', async (name) => TEAM_ENTITLEMENTS[name] ?? null);
    const { process } = await backend.diagnoseProcess();
    expect(process).toEqual({
      read: true, note: expect.stringContaining('SecCodeCheckValidity answered errSecSuccess (0)') as unknown as string,
      signed: true, adHoc: false, teamIdentifier: 'ABCDE12345', signingIdentifier: 'com.example.app',
      entitlements: {
        'keychain-access-groups': ['ABCDE12345.com.example.shared'], 'application-identifier': 'ABCDE12345.com.example.app',
        'com.apple.security.application-groups': ['ABCDE12345.group.example'],
      },
    });
  });

  it('a signature that does not validate is not signed, whatever the signing information says', async () => {
    addon.on('secCodeCheckValidity', async () => -67061).on('secCodeCopySigningInformation', async () => ({ identifier: 'com.example.app', flags: 0 }));
    const { process } = await backend.diagnoseProcess();
    expect(process.signed).toBe(false);
    expect(process.signingIdentifier).toBe('com.example.app');
  });

  it('a failed call marks the section not read with its status; no default keychain (errSecNoDefaultKeychain) marks that section', async () => {
    addon.on('secCodeCheckValidity', async () => { throw failure(-67065, 'SecCodeCheckValidity'); })
      .on('secKeychainCopyDefault', async () => { throw failure(-25307, 'SecKeychainCopyDefault'); });
    const { process, defaultKeychain } = await backend.diagnoseProcess();
    expect(process).toMatchObject({ read: false, signed: null, adHoc: null, entitlements: null });
    expect(process.note).toMatch(/^not read: OSStatus -67065 \(-67065\)/);
    expect(defaultKeychain).toMatchObject({ read: false, path: null, unlocked: null });
    expect(defaultKeychain.note).toMatch(/errSecNoDefaultKeychain \(-25307\)/);
  });

  it('a locked, read-only default keychain: each SecKeychainStatus bit read on its own', async () => {
    addon.on('secKeychainCopyDefault', async () => ({ path: '/k', status: 2 }));
    const { defaultKeychain } = await backend.diagnoseProcess();
    expect(defaultKeychain).toMatchObject({ read: true, unlocked: false, readable: true, writable: false });
  });
});

describe('NativeBackend.diagnoseFileItem', () => {
  const REF = Buffer.from('persistent-ref');

  it('finds the item by its persistent reference as a reference (kSecReturnRef, never data), reads its ACL, marks this executable, and releases the reference', async () => {
    const item = new FakeHandle('SecKeychainItem');
    addon.on('secItemCopyMatching', async () => item);
    const access = await backend.diagnoseFileItem(REF);
    expect(addon.argsOf('secItemCopyMatching')).toEqual([[{ v_PersistentRef: REF, r_Ref: true, u_AuthUI: 'u_AuthUIF' }]]);
    expect(addon.argsOf('secKeychainItemCopyAccess')).toEqual([[item]]);
    expect(item.released).toBe(true);
    expect(access.read).toBe(true);
    expect(access.note).toMatch(/^in \/Users\/me\/Library\/Keychains\/login.keychain-db: .*SecACLCopyContents/);
    expect(access.acl).toEqual([
      { authorizations: ['encrypt'], trustedApplications: null, promptsOthers: false },
      { authorizations: ['decrypt', 'derive', 'export_clear', 'export_wrapped', 'mac', 'sign'], trustedApplications: [{ path: process.execPath, requirement: null, isThisProcess: true }], promptsOthers: true },
      { authorizations: ['change_acl'], trustedApplications: [], promptsOthers: true },
    ]);
  });

  it('another application in the list is not this process', async () => {
    addon.on('secItemCopyMatching', async () => new FakeHandle('SecKeychainItem')).on('secKeychainItemCopyAccess', async () => ({
      keychain: { path: '/k', status: 7 },
      acl: [{ authorizations: ['decrypt'], applications: ['/Applications/Other.app'], description: 'd', promptSelector: 0 }],
    }));
    const { acl } = await backend.diagnoseFileItem(REF);
    // Selector 0 is ACL::defaultSelector: securityd's default mode still asks an unsigned client.
    expect(acl).toEqual([{ authorizations: ['decrypt'], trustedApplications: [{ path: '/Applications/Other.app', requirement: null, isThisProcess: false }], promptsOthers: true }]);
  });

  it('promptsOthers is what securityd does for this process: a valid signature is always asked; the selector\'s Act bits can withdraw the prompt from unsigned or invalid code', async () => {
    // securityd/src/acl_keychain.cpp, KeychainPromptAclSubject::validateExplicitly; main.cpp's default mode.
    const cases: [validity: number, selector: number, prompts: boolean][] = [
      [0, 0, true], [0, 0x20, true], [0, 0xa0, true],
      [-67062, 0, true], [-67062, 0x10, true], [-67062, 0x20, false], [-67062, 0x30, true], [-67062, 0x80, true],
      [-67061, 0, true], [-67061, 0x80, false], [-67063, 0xc0, true], [-67068, 0x80, false], [-67061, 0x20, true],
      [-67030, 0, false],
    ];
    for (const [validity, selector, prompts] of cases) {
      addon.on('secCodeCheckValidity', async () => validity)
        .on('secItemCopyMatching', async () => new FakeHandle('SecKeychainItem'))
        .on('secKeychainItemCopyAccess', async () => ({
          keychain: { path: '/k', status: 7 },
          acl: [
            { authorizations: ['decrypt'], applications: ['/Applications/Other.app'], description: 'd', promptSelector: selector },
            { authorizations: ['encrypt'], applications: null, description: 'd', promptSelector: selector },
          ],
        }));
      const { acl } = await backend.diagnoseFileItem(REF);
      expect(acl!.map((entry) => entry.promptsOthers), `validity ${validity}, selector 0x${selector.toString(16)}`).toEqual([prompts, false]);
    }
  });

  it('a locked keychain: the ACL is not read, and the note says why', async () => {
    addon.on('secItemCopyMatching', async () => new FakeHandle('SecKeychainItem'))
      .on('secKeychainItemCopyAccess', async () => ({ keychain: { path: '/k', status: 6 }, acl: null }));
    expect(await backend.diagnoseFileItem(REF)).toEqual({
      read: false, acl: null, note: 'not read: the item\'s keychain /k is locked, and reading its ACL could ask to unlock it (SecKeychainGetStatus)',
    });
  });

  it('when the framework wants a class beside the persistent reference, each file-based class is tried', async () => {
    const item = new FakeHandle('SecKeychainItem');
    addon.on('secItemCopyMatching', async (query) => {
      const cls = (query as { class?: string }).class;
      if (cls === undefined) throw failure(-50, 'SecItemCopyMatching');
      if (cls !== 'keys') throw failure(-25300, 'SecItemCopyMatching');
      return item;
    });
    expect((await backend.diagnoseFileItem(REF)).read).toBe(true);
    expect(addon.argsOf('secItemCopyMatching').map(([q]) => (q as { class?: string }).class)).toEqual([undefined, 'genp', 'inet', 'keys']);
  });

  it('an item that is not found rejects with errSecItemNotFound; an ACL read that fails rejects with its status and still releases the reference', async () => {
    addon.on('secItemCopyMatching', async () => { throw failure(-25300, 'SecItemCopyMatching'); });
    await expect(backend.diagnoseFileItem(REF)).rejects.toMatchObject({ status: -25300 });
    expect(addon.argsOf('secItemCopyMatching')).toHaveLength(1);
    const item = new FakeHandle('SecKeychainItem');
    addon.on('secItemCopyMatching', async () => item).on('secKeychainItemCopyAccess', async () => { throw failure(-25243, 'SecKeychainItemCopyAccess'); });
    const error = await backend.diagnoseFileItem(REF).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecError);
    expect((error as SecError).status).toBe(-25243);
    expect(item.released).toBe(true);
  });
});
