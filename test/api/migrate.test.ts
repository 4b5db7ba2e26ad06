import { describe, expect, it } from 'vitest';
import { delegatingBackend } from '../../src/api/delegate.js';
import { migrateBackend } from '../../src/api/migrate.js';
import {
  createEmulator, kSecAttrAccessGroup, kSecAttrAccessibleAfterFirstUnlock, kSecAttrAccount, kSecAttrLabel, kSecAttrService,
  kSecAttrServer, kSecAttrProtocol, kSecAttrProtocolHTTPS, kSecClass, kSecClassGenericPassword, kSecClassInternetPassword,
  kSecMatchLimit, kSecMatchLimitAll, kSecReturnAttributes, kSecReturnData, kSecReturnPersistentRef, kSecUseDataProtectionKeychain, kSecValueData,
  kSecValuePersistentRef, SecError, type Emulator,
} from '../../src/index.js';

const GROUP = 'TEAMID1234.com.example.app';
const app = { accessGroups: [GROUP, 'TEAMID1234.com.example.shared'] };
const genp = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.app' };

async function seed(emulator: Emulator, accounts: string[]) {
  for (const account of accounts) {
    await emulator.SecItemAdd({ ...genp, [kSecAttrAccount]: account, [kSecAttrLabel]: `label ${account}`, [kSecValueData]: Buffer.from(`secret of ${account}`) });
  }
}

async function inKeychain(emulator: Emulator, dataProtection: boolean): Promise<Record<string, string>> {
  try {
    const found = await emulator.SecItemCopyMatching({
      ...genp, [kSecUseDataProtectionKeychain]: dataProtection, [kSecReturnAttributes]: true, [kSecMatchLimit]: kSecMatchLimitAll,
    }) as Record<string, unknown>[];
    const out: Record<string, string> = {};
    for (const item of found) {
      const data = await emulator.SecItemCopyMatching({
        [kSecClass]: kSecClassGenericPassword, [kSecValuePersistentRef]: await ref(emulator, item, dataProtection), [kSecReturnData]: true,
      });
      out[item.acct as string] = String(data);
    }
    return out;
  } catch (error) {
    if (error instanceof SecError && error.code === 'errSecItemNotFound') return {};
    throw error;
  }
}

async function ref(emulator: Emulator, item: Record<string, unknown>, dataProtection: boolean): Promise<Buffer> {
  return await emulator.SecItemCopyMatching({
    ...genp, [kSecAttrAccount]: item.acct as string, [kSecUseDataProtectionKeychain]: dataProtection, [kSecReturnPersistentRef]: true,
  }) as Buffer;
}

describe('migrateToDataProtection on the emulator', () => {
  it('a dry run lists what would move and changes nothing (no secret is read)', async () => {
    const emulator = createEmulator({ app });
    await seed(emulator, ['alice', 'bob']);
    const result = await emulator.migrateToDataProtection(genp, { accessGroup: GROUP, dryRun: true });
    expect(result).toMatchObject({ dryRun: true, accessGroup: GROUP, counts: { wouldMove: 2, moved: 0, resumed: 0, skipped: 0 } });
    expect(result.items.map((i) => [i.attributes.acct, i.outcome])).toEqual([['alice', 'wouldMove'], ['bob', 'wouldMove']]);
    expect(await inKeychain(emulator, false)).toEqual({ alice: 'secret of alice', bob: 'secret of bob' });
    expect(await inKeychain(emulator, true)).toEqual({});
  });

  it('1.1 a real run copies each item into the group, verifies it, then deletes the original', async () => {
    const emulator = createEmulator({ app });
    await seed(emulator, ['alice', 'bob', 'carol']);
    const result = await emulator.migrateToDataProtection(genp, { accessGroup: GROUP, accessible: kSecAttrAccessibleAfterFirstUnlock });
    expect(result.counts).toEqual({ moved: 3, resumed: 0, wouldMove: 0, skipped: 0 });
    expect(await inKeychain(emulator, false)).toEqual({});
    expect(await inKeychain(emulator, true)).toEqual({ alice: 'secret of alice', bob: 'secret of bob', carol: 'secret of carol' });
    const copy = await emulator.SecItemCopyMatching({ ...genp, [kSecAttrAccount]: 'alice', [kSecUseDataProtectionKeychain]: true, [kSecReturnAttributes]: true }) as Record<string, unknown>;
    expect(copy).toMatchObject({ agrp: GROUP, pdmn: 'ck', labl: 'label alice', svce: 'com.example.app' });
  });

  it('a second run finds nothing to do', async () => {
    const emulator = createEmulator({ app });
    await seed(emulator, ['alice']);
    await emulator.migrateToDataProtection(genp, { accessGroup: GROUP });
    const again = await emulator.migrateToDataProtection(genp, { accessGroup: GROUP });
    expect(again.items).toEqual([]);
    expect(again.counts).toEqual({ moved: 0, resumed: 0, wouldMove: 0, skipped: 0 });
    expect(await inKeychain(emulator, true)).toEqual({ alice: 'secret of alice' });
  });

  it('an interrupted run resumes: a copy already made is checked byte for byte and the original deleted, not copied twice', async () => {
    const emulator = createEmulator({ app });
    await seed(emulator, ['alice', 'bob']);
    // As a run stopped after copying alice and before deleting her original.
    await emulator.SecItemAdd({ ...genp, [kSecAttrAccount]: 'alice', [kSecAttrLabel]: 'label alice', [kSecUseDataProtectionKeychain]: true, [kSecAttrAccessGroup]: GROUP, [kSecValueData]: Buffer.from('secret of alice') });
    const result = await emulator.migrateToDataProtection(genp, { accessGroup: GROUP });
    expect(result.items.map((i) => [i.attributes.acct, i.outcome])).toEqual([['alice', 'resumed'], ['bob', 'moved']]);
    expect(await inKeychain(emulator, false)).toEqual({});
    expect(await inKeychain(emulator, true)).toEqual({ alice: 'secret of alice', bob: 'secret of bob' });
  });

  it('a different item already holding the key in the group is a conflict: the original stays', async () => {
    const emulator = createEmulator({ app });
    await seed(emulator, ['alice']);
    await emulator.SecItemAdd({ ...genp, [kSecAttrAccount]: 'alice', [kSecAttrLabel]: 'label alice', [kSecUseDataProtectionKeychain]: true, [kSecAttrAccessGroup]: GROUP, [kSecValueData]: Buffer.from('another secret') });
    const result = await emulator.migrateToDataProtection(genp, { accessGroup: GROUP });
    expect(result.items).toEqual([expect.objectContaining({ outcome: 'skipped', status: -25299, reason: expect.stringContaining('different item') })]);
    expect(await inKeychain(emulator, false)).toEqual({ alice: 'secret of alice' });
    expect(await inKeychain(emulator, true)).toEqual({ alice: 'another secret' });
  });

  it('8.4 an unentitled process is refused before anything is read, and told why', async () => {
    const emulator = createEmulator();
    await seed(emulator, ['alice']);
    const error = await emulator.migrateToDataProtection(genp, { accessGroup: GROUP }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'errSecMissingEntitlement', message: expect.stringContaining('has no keychain-access-groups entitlement') });
    expect(await inKeychain(emulator, false)).toEqual({ alice: 'secret of alice' });
    // An entitled app asking for a group it does not have is refused the same way, naming the group.
    const entitled = createEmulator({ app });
    await expect(entitled.migrateToDataProtection(genp, { accessGroup: 'OTHERTEAM1.com.example' }))
      .rejects.toMatchObject({ code: 'errSecMissingEntitlement', message: expect.stringContaining('"OTHERTEAM1.com.example" is not among its keychain-access-groups') });
  });

  it('an item whose secret needs the user is never copied silently: it is reported and left in place', async () => {
    const emulator = createEmulator({ app });
    await seed(emulator, ['alice', 'bob']);
    // The emulator does not model file-based ACLs; this stand-in answers for bob's secret as
    // macOS does for an item whose ACL does not trust this process, without a dialog (10.5).
    const bobRef = await ref(emulator, { acct: 'bob' }, false);
    const guarded = delegatingBackend(emulator, {
      SecItemCopyMatching: (query: Record<string, unknown>) => {
        const r = query[kSecValuePersistentRef];
        if (query[kSecReturnData] === true && Buffer.isBuffer(r) && r.equals(bobRef)) {
          return Promise.reject(new SecError(-25308, 'the item\'s ACL does not trust this process'));
        }
        return emulator.SecItemCopyMatching(query as never);
      },
    });
    const result = await migrateBackend(genp, { accessGroup: GROUP }, guarded);
    expect(result.items.map((i) => [i.attributes.acct, i.outcome, i.status])).toEqual([['alice', 'moved', undefined], ['bob', 'skipped', -25308]]);
    expect(result.items[1]!.reason).toContain('needs the user');
    expect(await inKeychain(emulator, false)).toEqual({ bob: 'secret of bob' });
    expect(await inKeychain(emulator, true)).toEqual({ alice: 'secret of alice' });
  });

  it('internet passwords move too, with their key attributes', async () => {
    const emulator = createEmulator({ app });
    const inet = { [kSecClass]: kSecClassInternetPassword, [kSecAttrServer]: 'example.com', [kSecAttrProtocol]: kSecAttrProtocolHTTPS };
    await emulator.SecItemAdd({ ...inet, [kSecAttrAccount]: 'alice', [kSecValueData]: Buffer.from('pw') });
    const result = await emulator.migrateToDataProtection(inet, { accessGroup: GROUP });
    expect(result.counts.moved).toBe(1);
    expect(String(await emulator.SecItemCopyMatching({ ...inet, [kSecUseDataProtectionKeychain]: true, [kSecReturnData]: true }))).toBe('pw');
  });

  it('bad input is errSecParam naming it, before anything is read', async () => {
    const emulator = createEmulator({ app });
    await expect(emulator.migrateToDataProtection({ [kSecClass]: 'keys' } as never, { accessGroup: GROUP })).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('kSecClass') });
    await expect(emulator.migrateToDataProtection(genp, undefined as never)).rejects.toMatchObject({ code: 'errSecParam', message: expect.stringContaining('accessGroup') });
    await expect(emulator.migrateToDataProtection(genp, { accessGroup: '' })).rejects.toMatchObject({ code: 'errSecParam' });
    await expect(emulator.migrateToDataProtection(genp, { accessGroup: GROUP, accessible: 'sometimes' })).rejects.toMatchObject({ message: expect.stringContaining('options.accessible') });
    await expect(emulator.migrateToDataProtection({ ...genp, [kSecUseDataProtectionKeychain]: true }, { accessGroup: GROUP })).rejects.toMatchObject({ code: 'errSecParam' });
  });
});
