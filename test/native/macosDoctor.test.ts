// diagnose()'s macOS facts through the addon on a real Mac: this node process's code signature
// and entitlements (compared with what codesign(1) reports for the same executable), the
// default keychain, and the ACL of an item this process adds. Off macOS every test is skipped,
// and the suite names say why. The keychain tests also need SF_KEYCHAIN_TESTS=1: the macOS
// workflow sets it after making a temporary, unlocked keychain the default (SF_TEST_KEYCHAIN is
// its path; .ci/macos-keychain), and removes that keychain afterwards.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadNativeBackend } from '../../src/backend/native.js';
import {
  kSecAttrAccount, kSecAttrService, kSecClass, kSecClassGenericPassword, kSecReturnPersistentRef, kSecValueData,
} from '../../src/index.js';

const onMac = process.platform === 'darwin';
const keychainReady = onMac && process.env.SF_KEYCHAIN_TESTS === '1' && !!process.env.SF_TEST_KEYCHAIN;
const TIMEOUT = 20_000;

/** What codesign -dv says about this executable: its Identifier, TeamIdentifier and flags line. */
function codesign(): { signed: boolean; identifier?: string; team?: string; adhoc: boolean } {
  const run = spawnSync('codesign', ['-dv', '--verbose=2', process.execPath], { encoding: 'utf8' });
  const text = `${run.stdout}\n${run.stderr}`;
  if (/not signed at all/.test(text)) return { signed: false, adhoc: false };
  const field = (name: string) => new RegExp(`^${name}=(.+)$`, 'm').exec(text)?.[1]?.trim();
  const team = field('TeamIdentifier');
  return { signed: true, identifier: field('Identifier'), team: team === 'not set' ? undefined : team, adhoc: /flags=0x[0-9a-f]+\([^)]*adhoc/.test(text) };
}

describe.skipIf(!onMac)(`native diagnose() facts on macOS${onMac ? '' : ` (skipped: needs macOS, this is ${process.platform})`}`, () => {
  it('this node process: its signing identifier, team and ad hoc flag are what codesign(1) reports; no keychain-access-groups entitlement', async () => {
    const { process: facts } = await loadNativeBackend().diagnoseProcess();
    expect(facts.read, facts.note).toBe(true);
    const expected = codesign();
    expect(facts.signingIdentifier).toBe(expected.identifier ?? null);
    expect(facts.teamIdentifier).toBe(expected.team ?? null);
    expect(facts.adHoc).toBe(expected.adhoc);
    if (!expected.signed) expect(facts.signed).toBe(false);
    if (facts.adHoc) expect(facts.teamIdentifier).toBeNull();
    if (facts.teamIdentifier !== null) expect(facts.teamIdentifier).toMatch(/^[A-Z0-9]{10}$/);
    // node, however it is signed, has no keychain entitlement, so no data protection keychain.
    expect(facts.entitlements).toEqual({ 'keychain-access-groups': [], 'application-identifier': null, 'com.apple.security.application-groups': [] });
  }, TIMEOUT);
});

describe.skipIf(!keychainReady)(
  `native diagnose() keychain facts${keychainReady ? '' : ' (skipped: needs macOS and SF_KEYCHAIN_TESTS=1 with a temporary unlocked keychain)'}`, () => {
    it('the default keychain is the temporary one, unlocked, readable and writable', async () => {
      const { defaultKeychain } = await loadNativeBackend().diagnoseProcess();
      expect(defaultKeychain.read, defaultKeychain.note).toBe(true);
      expect(realpathSync(defaultKeychain.path!)).toBe(realpathSync(process.env.SF_TEST_KEYCHAIN!));
      expect(defaultKeychain).toMatchObject({ unlocked: true, readable: true, writable: true });
    }, TIMEOUT);

    it('an item this process adds has an ACL whose secret-using entry trusts this executable, and reading it prompts for nothing', async () => {
      const backend = loadNativeBackend();
      const query = { [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'security-framework doctor test', [kSecAttrAccount]: `acl-${process.pid}` };
      const ref = await backend.SecItemAdd({ ...query, [kSecValueData]: Buffer.from('secret'), [kSecReturnPersistentRef]: true });
      try {
        expect(Buffer.isBuffer(ref)).toBe(true);
        const access = await backend.diagnoseFileItem(ref as Buffer);
        expect(access.read, access.note).toBe(true);
        expect(access.note).toContain(realpathSync(process.env.SF_TEST_KEYCHAIN!).split('/').pop()!);
        const use = access.acl!.find((entry) => entry.authorizations.includes('decrypt'));
        expect(use, JSON.stringify(access.acl)).toBeDefined();
        const self = use!.trustedApplications?.find((application) => application.isThisProcess);
        expect(self, JSON.stringify(use)).toBeDefined();
        expect(realpathSync(self!.path)).toBe(realpathSync(process.execPath));
      } finally {
        await backend.SecItemDelete(query).catch(() => undefined);
      }
    }, TIMEOUT);
  });
