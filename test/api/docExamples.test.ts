import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEmulator, keychain, setDefaultBackend, diagnose, kSecAccessControlUserPresence, kSecAttrAccessControl,
  kSecAttrAccessibleWhenUnlocked, kSecAttrAccount, kSecAttrService, kSecClass, kSecClassGenericPassword, kSecValueData,
} from 'security-framework';
import { configureForCi, findWithin, quietKeychain } from '../../examples/ci-non-interactive.js';
import { whyItPrompts } from '../../examples/why-it-prompts.js';
import { moveToDataProtection, planMigration } from '../../examples/move-to-data-protection.js';

// The pages on prompts, CI and migration show code only from examples/, which the type
// checker compiles and these tests run on the emulator.
const root = join(__dirname, '..', '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(root, 'examples', f), 'utf8'));
const GROUP = 'TEAMID1234.com.example.app';
const alice = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'com.example.app', [kSecAttrAccount]: 'alice' };

afterEach(() => setDefaultBackend(undefined));

describe('docs/ci-and-ssh.md, docs/why-it-prompts.md, docs/data-protection-migration.md', () => {
  for (const page of ['ci-and-ssh.md', 'why-it-prompts.md', 'data-protection-migration.md']) {
    it(`${page}: every ts block is code from examples/`, () => {
      const text = readFileSync(join(root, 'docs', page), 'utf8');
      const blocks = [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
      expect(blocks.length).toBeGreaterThan(0);
      for (const block of blocks) expect(examples.some((source) => source.includes(block)), block.slice(0, 80)).toBe(true);
    });
  }

  it('CI: the default, one Keychain and one call never wait for a prompt', async () => {
    configureForCi();
    expect((await diagnose()).interaction.interactive).toBe(false);
    const emulator = createEmulator({ app: { accessGroups: [GROUP] } });
    setDefaultBackend(emulator);
    const ac = await emulator.SecAccessControlCreateWithFlags(kSecAttrAccessibleWhenUnlocked, kSecAccessControlUserPresence);
    await emulator.SecItemAdd({ ...alice, [kSecAttrAccessControl]: ac, [kSecValueData]: Buffer.from('pw') });
    await expect(quietKeychain().get({ class: 'genericPassword', keychain: 'dataProtection', service: 'com.example.app', account: 'alice' }))
      .rejects.toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(emulator.prompts).toHaveLength(0);
    await expect(findWithin({ ...alice, [kSecAttrAccount]: 'nobody' }, 1000)).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    expect(keychain().name).toBe('emulator');
  });

  it('why it prompts: the verdicts for alice', async () => {
    const emulator = createEmulator();
    setDefaultBackend(emulator);
    await emulator.SecItemAdd({ ...alice, [kSecValueData]: Buffer.from('pw') });
    const verdicts = await whyItPrompts();
    expect(verdicts).toContain('This process cannot use the data protection keychain because it has no keychain-access-groups entitlement (it is not signed with any entitlements, as a plain node process is not). It needs a code signature with a keychain-access-groups entitlement, which macOS honours only with a provisioning profile (a signed app bundle).');
    expect(verdicts.some((v) => v.includes('acct="alice"') && v.includes('is in the file-based keychain'))).toBe(true);
  });

  it('moving to the data protection keychain: plan, move, move again', async () => {
    const emulator = createEmulator({ app: { accessGroups: [GROUP] } });
    setDefaultBackend(emulator);
    await emulator.SecItemAdd({ ...alice, [kSecValueData]: Buffer.from('pw') });
    expect(await planMigration(GROUP)).toEqual(['alice']);
    expect(await moveToDataProtection(GROUP)).toEqual({ moved: 1, resumed: 0, wouldMove: 0, skipped: 0 });
    expect(await moveToDataProtection(GROUP)).toEqual({ moved: 0, resumed: 0, wouldMove: 0, skipped: 0 });
  });
});
