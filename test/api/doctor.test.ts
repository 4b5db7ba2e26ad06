import { afterEach, describe, expect, it } from 'vitest';
import { delegatingBackend } from '../../src/api/delegate.js';
import { setDefaultBackend } from '../../src/api/default.js';
import {
  createEmulator, diagnose, kSecAccessControlUserPresence, kSecAttrAccessControl, kSecAttrAccessibleWhenUnlocked, kSecAttrAccount,
  kSecAttrService, kSecClass, kSecClassGenericPassword, kSecUseDataProtectionKeychain, kSecValueData, type Emulator, type ItemFinding,
  withTimeout, SecError,
} from '../../src/index.js';

const GROUP = 'TEAMID1234.com.example.app';
const app = { accessGroups: [GROUP] };
const genp = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.app' };

afterEach(() => setDefaultBackend(undefined));

async function add(emulator: Emulator, account: string, keychain: 'file' | 'dataProtection', protectedRead = false) {
  const ac = protectedRead ? await emulator.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence) : undefined;
  await emulator.SecItemAdd({
    ...genp, [kSecAttrAccount]: account, [kSecValueData]: Buffer.from('pw'),
    ...(keychain === 'dataProtection' ? { [kSecUseDataProtectionKeychain]: true } : {}), ...(ac ? { [kSecAttrAccessControl]: ac } : {}),
  });
}

describe('diagnose() on the emulator', () => {
  it('8.6 an unsigned process: no signature, no entitlements, and the data protection keychain refused with the reason', async () => {
    const report = await createEmulator().diagnose();
    expect(report.backend).toBe('emulator');
    expect(report.process).toMatchObject({
      read: true, signed: false, adHoc: false, teamIdentifier: null, signingIdentifier: null,
      entitlements: { 'keychain-access-groups': [], 'application-identifier': null },
    });
    expect(report.dataProtectionKeychain).toMatchObject({
      available: false, status: -34018, accessGroup: null,
      reason: expect.stringContaining('this process cannot use the data protection keychain because it has no keychain-access-groups entitlement'),
    });
    expect(report.defaultKeychain).toMatchObject({ read: true, path: '~/Library/Keychains/login.keychain-db', unlocked: true });
    expect(report.verdicts[0]).toMatch(/^This process cannot use the data protection keychain because/);
    expect(report.item).toBeUndefined();
  });

  it('8.1 an entitled app: signed, its team from its access groups, and the data protection keychain available', async () => {
    const emulator = createEmulator({ app });
    const report = await emulator.diagnose();
    expect(report.process).toMatchObject({ signed: true, adHoc: false, teamIdentifier: 'TEAMID1234', entitlements: { 'keychain-access-groups': [GROUP] } });
    expect(report.dataProtectionKeychain).toMatchObject({ available: true, status: -25300 });
    const other = await emulator.diagnose(undefined, { accessGroup: 'OTHERTEAM1.com.example' });
    expect(other.dataProtectionKeychain).toMatchObject({
      available: false, accessGroup: 'OTHERTEAM1.com.example', reason: expect.stringContaining('"OTHERTEAM1.com.example" is not among its keychain-access-groups'),
    });
  });

  it('1.4 items in each keychain: where they are, the file-based ACL, and whether reading prompts — without prompting', async () => {
    const emulator = createEmulator({ app });
    await add(emulator, 'file-item', 'file');
    await add(emulator, 'open-item', 'dataProtection');
    await add(emulator, 'guarded-item', 'dataProtection', true);
    const report = await emulator.diagnose(genp);
    expect(report.item!.foundIn).toEqual(['dataProtection', 'file']);
    const byAccount: Record<string, ItemFinding> = Object.fromEntries(report.item!.items.map((i) => [i.attributes.acct, i]));
    expect(byAccount['file-item']).toMatchObject({ keychain: 'file', prompts: false, verdict: expect.stringContaining('its ACL trusts this application') });
    expect(byAccount['file-item']!.access!.acl!.find((e) => e.authorizations.includes('decrypt'))!.trustedApplications).toEqual([
      { path: process.execPath, requirement: null, isThisProcess: true },
    ]);
    expect(byAccount['open-item']).toMatchObject({ keychain: 'dataProtection', prompts: false, verdict: expect.stringContaining('reads without a prompt') });
    expect(byAccount['guarded-item']).toMatchObject({ keychain: 'dataProtection', prompts: true, verdict: expect.stringContaining('will prompt for this process because its access control needs the user') });
    expect(byAccount['guarded-item']!.attributes.v_Data).toBeUndefined();
    expect(emulator.prompts).toHaveLength(0);
    expect(report.verdicts.some((v) => v.startsWith('The item svce="com.example.app" acct="guarded-item"'))).toBe(true);
    // A file-based item and a process that can use the data protection keychain: the way out.
    expect(report.verdicts.at(-1)).toContain('migrateToDataProtection(query, { accessGroup })');
    expect(report.sources['process.teamIdentifier']).toBe('SecCodeCopySigningInformation: kSecCodeInfoTeamIdentifier');
    expect(report.sources['item.items[].access']).toContain('SecKeychainItemCopyAccess');
  });

  it('an unsigned process sees only its file-based items; a query that matches nothing says so', async () => {
    const emulator = createEmulator();
    await add(emulator, 'mine', 'file');
    expect((await emulator.diagnose(genp)).item).toMatchObject({ foundIn: ['file'], items: [expect.objectContaining({ keychain: 'file' })] });
    const none = await emulator.diagnose({ ...genp, [kSecAttrAccount]: 'nobody' });
    expect(none.item).toEqual({ foundIn: [], items: [], truncated: false });
    expect(none.verdicts).toContain('The query matched no item in either keychain.');
    // No way out to offer a process that cannot use the data protection keychain.
    expect((await emulator.diagnose(genp)).verdicts.some((v) => v.includes('migrateToDataProtection'))).toBe(false);
  });

  it('reports whether calls may prompt', async () => {
    expect((await createEmulator().diagnose()).interaction.interactive).toBe(true);
    const quiet = await createEmulator({ interactive: false }).diagnose();
    expect(quiet.interaction).toMatchObject({ interactive: false, reason: expect.stringContaining('kSecUseAuthenticationUIFail') });
    // Also through a time limit put around it.
    const limited = await diagnose(undefined, { backend: withTimeout(createEmulator({ interactive: false }), 5000) });
    expect(limited.interaction.interactive).toBe(false);
  });

  it('the top-level diagnose() reports on the process default', async () => {
    setDefaultBackend(createEmulator({ app }));
    const report = await diagnose();
    expect(report.process.teamIdentifier).toBe('TEAMID1234');
  });

  it('bad input is errSecParam naming it', async () => {
    const emulator = createEmulator();
    await expect(emulator.diagnose('genp' as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('query') });
    await expect(emulator.diagnose(undefined, { accessGroup: 7 as never })).rejects.toMatchObject({ message: expect.stringContaining('options.accessGroup') });
    await expect(diagnose(undefined, { backend: {} as never })).rejects.toMatchObject({ message: expect.stringContaining('options.backend') });
  });

  it('a closed emulator answers errSecNotAvailable to the doctor\'s calls, as to every other', async () => {
    const emulator = createEmulator();
    const ref = await emulator.SecItemAdd({ ...genp, [kSecAttrAccount]: 'a', [kSecValueData]: Buffer.from('pw'), r_PersistentRef: true }) as Buffer;
    await expect(emulator.diagnoseFileItem(ref)).resolves.toMatchObject({ read: true });
    emulator.close();
    await expect(emulator.diagnoseProcess()).rejects.toMatchObject({ code: 'errSecNotAvailable' });
    await expect(emulator.diagnoseFileItem(ref)).rejects.toMatchObject({ code: 'errSecNotAvailable' });
  });
});

describe('diagnose() when reading one item\'s ACL fails', () => {
  it('reports that item\'s ACL as not read, with the status, and still answers', async () => {
    const emulator = createEmulator();
    await add(emulator, 'file-item', 'file');
    const native = delegatingBackend(emulator, {
      name: 'native',
      diagnoseFileItem: async () => { throw new SecError(-25240, 'an ACL entry is not in simple form'); }, // errSecACLNotSimple
    });
    const report = await diagnose(genp, { backend: native });
    expect(report.item!.items[0]).toMatchObject({
      keychain: 'file', prompts: null,
      access: { read: false, acl: null, note: expect.stringContaining('errSecACLNotSimple (-25240)') },
      verdict: expect.stringContaining('its ACL was not read'),
    });
  });
});

describe('diagnose() over a backend whose facts could not be read (SecCodeCopySelf failed, the item\'s keychain is locked)', () => {
  it('passes on what was not read, with its note, and still probes the data protection keychain', async () => {
    const emulator = createEmulator();
    await add(emulator, 'file-item', 'file');
    const note = 'not read: OSStatus -67065 (-67065): SecCodeCopySelf failed';
    const native = delegatingBackend(emulator, {
      name: 'native',
      diagnoseProcess: async () => ({
        process: { read: false, note, signed: null, adHoc: null, teamIdentifier: null, signingIdentifier: null, entitlements: null },
        defaultKeychain: { read: false, note, path: null, unlocked: null, readable: null, writable: null },
      }),
      diagnoseFileItem: async () => ({ read: false, note: 'not read: the item\'s keychain /k is locked', acl: null }),
    });
    const report = await diagnose(genp, { backend: native });
    expect(report.process).toEqual({ read: false, note, signed: null, adHoc: null, teamIdentifier: null, signingIdentifier: null, entitlements: null });
    expect(report.defaultKeychain).toMatchObject({ read: false, path: null, unlocked: null });
    expect(report.dataProtectionKeychain).toMatchObject({ available: false, status: -34018, reason: expect.stringContaining('errSecMissingEntitlement') });
    expect(report.item!.items[0]).toMatchObject({ keychain: 'file', prompts: null, access: { read: false, acl: null }, verdict: expect.stringContaining('its ACL was not read') });
    expect(report.verdicts[0]).toContain('The code signature and entitlements were not read');
  });
});
