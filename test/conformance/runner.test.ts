import { describe, expect, it } from 'vitest';
import { SecError } from '../../src/errors.js';
import type { CFDictionary } from '../../src/values.js';
import type { LoadedScenario } from '../../src/conformance/format.js';
import {
  cleanupTargets, memoryOnlyImport, nativeSkipReason, runCorpus, runScenario, summaryLine, unsafeReason,
} from '../../src/conformance/runner.js';
import { reportHtml, reportJson } from '../../src/conformance/report.js';
import { emulatorFactory } from '../../src/conformance/targets.js';
import { RecordingBackend, recordingFactory } from './recordingBackend.js';

const P = 'sfconf-test-';

function scenario(partial: Partial<LoadedScenario> & Pick<LoadedScenario, 'steps'>): LoadedScenario {
  return { id: 'x-test', title: 'a test scenario', rule: '3.11', source: 'test', file: 'test.json', ...partial };
}

const labelScenario = scenario({
  id: 's3-label',
  steps: [
    { call: 'SecItemAdd', attributes: { class: 'genp', svce: '{{p}}svc', acct: '{{p}}acct', v_Data: { $utf8: 'pw' } }, expect: { status: 'errSecSuccess' } },
    { call: 'SecItemCopyMatching', query: { class: 'genp', svce: '{{p}}svc', r_Attributes: true }, expect: { status: 0, result: { $contains: { labl: '{{p}}svc', cdat: { $any: 'date' } } } } },
    { call: 'SecItemCopyMatching', query: { class: 'genp', svce: '{{p}}svc', r_PersistentRef: true }, expect: { status: 0, result: { $any: 'data' } }, save: 'pref' },
    { call: 'SecItemDelete', query: { v_PersistentRef: { $ref: 'pref' } }, expect: { status: 0 } },
  ],
});

describe('emulator mode', () => {
  it('passes a scenario whose expectations hold and reports each mismatch otherwise', async () => {
    const ok = await runScenario(labelScenario, { emulator: emulatorFactory }, 'emulator', P);
    expect(ok.verdict).toBe('passed');
    const wrong = scenario({ steps: [{ call: 'SecItemCopyMatching', query: { class: 'genp', acct: '{{p}}a' }, expect: { status: 'errSecDuplicateItem' } }] });
    const failed = await runScenario(wrong, { emulator: emulatorFactory }, 'emulator', P);
    expect(failed.verdict).toBe('failed');
    expect(failed.steps[0]!.emulator!.mismatches).toEqual(['status: expected -25299 errSecDuplicateItem, got -25300 errSecItemNotFound']);
  });

  it('reports a broken reference as a scenario error', async () => {
    const broken = scenario({ steps: [{ call: 'SecItemDelete', query: { v_PersistentRef: { $ref: 'nothing' } }, expect: { status: 0 } }] });
    const report = await runScenario(broken, { emulator: emulatorFactory }, 'emulator', P);
    expect(report.verdict).toBe('failed');
    expect(report.error).toMatch(/no saved result "nothing"/);
  });

  it('counts a failing scenario with a documented difference as skipped, with the reason', async () => {
    const known = scenario({ knownDifference: 'documented limit', steps: [{ call: 'SecItemDelete', query: { class: 'genp', acct: '{{p}}a' }, expect: { status: 0 } }] });
    const report = await runScenario(known, { emulator: emulatorFactory }, 'emulator', P);
    expect(report.verdict).toBe('skipped');
    expect(report.reason).toBe('known difference: documented limit');
  });
});

describe('both mode against a recording fake backend', () => {
  it('agrees with an identical backend although dates and persistent refs differ', async () => {
    const native = new RecordingBackend();
    const report = await runScenario(labelScenario, { emulator: emulatorFactory, native: recordingFactory(native) }, 'both', P);
    expect(report.steps.flatMap((s) => s.differences)).toEqual([]);
    expect(report.verdict).toBe('passed');
    expect(native.calls.map((c) => c.call).slice(0, 4)).toEqual(['SecItemAdd', 'SecItemCopyMatching', 'SecItemCopyMatching', 'SecItemDelete']);
  });

  it('reports an injected difference in a result and in a status', async () => {
    const native = new RecordingBackend((call, result) => {
      if (call === 'SecItemCopyMatching' && result && typeof result === 'object' && 'labl' in result) {
        return { ...result, labl: 'tampered' };
      }
      return result;
    });
    const report = await runScenario(labelScenario, { emulator: emulatorFactory, native: recordingFactory(native) }, 'both', P);
    expect(report.verdict).toBe('failed');
    expect(report.steps[1]!.differences).toEqual(['result.labl']);
    expect(report.steps[1]!.native!.mismatches).toEqual([`result.labl: expected "${P}svc", got "tampered"`]);
    expect(report.steps[1]!.emulator!.mismatches).toEqual([]);

    const html = reportHtml({ mode: 'both', prefix: P, startedAt: 'now', summary: { passed: 0, failed: 1, skipped: 0 }, scenarios: [report] });
    expect(html).toContain('differs at: result.labl');
    expect(html).toContain('class="diff"');
    expect(html).toContain('&quot;tampered&quot;');
    expect(html).toContain('0 passed, 1 failed, 0 skipped');
    expect(html).not.toMatch(/<script|<link|src="http/);
    const json = JSON.parse(reportJson({ mode: 'both', prefix: P, startedAt: 'now', summary: { passed: 0, failed: 1, skipped: 0 }, scenarios: [report] })) as { scenarios: { steps: { differences: string[] }[] }[] };
    expect(json.scenarios[0]!.steps[1]!.differences).toEqual(['result.labl']);

    const statusDiff = new RecordingBackend();
    statusDiff.SecItemDelete = () => Promise.reject(new SecError(-25300));
    const r2 = await runScenario(labelScenario, { emulator: emulatorFactory, native: recordingFactory(statusDiff) }, 'both', P);
    expect(r2.steps[3]!.differences).toEqual(['status']);
  });
});

describe('safety on a real keychain', () => {
  it('refuses a scenario whose query names no prefixed item', () => {
    const s = scenario({ steps: [{ call: 'SecItemCopyMatching', query: { class: 'genp', acct: 'alice' }, expect: { status: 0 } }] });
    expect(unsafeReason(s)).toMatch(/step 1 \(SecItemCopyMatching\) names no item/);
    expect(nativeSkipReason(s)).toMatch(/^refused on a real keychain/);
  });

  it('refuses an update that renames an item away from the prefix', () => {
    const s = scenario({ steps: [{ call: 'SecItemUpdate', query: { class: 'genp', acct: '{{p}}a' }, attributesToUpdate: { acct: 'bob' }, expect: { status: 0 } }] });
    expect(unsafeReason(s)).toMatch(/renames acct/);
  });

  it('accepts prefixed names, prefixed data and saved references', () => {
    expect(unsafeReason(labelScenario)).toBeUndefined();
    const s = scenario({ steps: [{ call: 'SecItemAdd', attributes: { class: 'genp', acct: { $utf8: '{{p}}a' } }, expect: { status: 0 } }] });
    expect(unsafeReason(s)).toBeUndefined();
  });

  it('lets in-memory SecKey steps run, and refuses a SecKey call that would store a key (kSecAttrIsPermanent)', () => {
    const ephemeral = scenario({ steps: [{ call: 'SecKeyCreateRandomKey', args: [{ type: '73', bsiz: 256 }], expect: { status: 0 }, save: 'key' },
      { call: 'SecKeyCopyPublicKey', args: [{ $ref: 'key' }], expect: { status: 0 } }] });
    expect(unsafeReason(ephemeral)).toBeUndefined();
    const permanent = scenario({ steps: [{ call: 'SecKeyCreateRandomKey', args: [{ type: '73', bsiz: 256, private: { perm: true } }], expect: { status: 0 } }] });
    expect(unsafeReason(permanent)).toMatch(/step 1 \(SecKeyCreateRandomKey\) would store a key/);
  });

  it('lets certificate steps run, and SecPKCS12Import only with kSecImportToMemoryOnly: true (SecImportExport.c)', () => {
    const certificate = scenario({ steps: [{ call: 'SecCertificateCreateWithData', args: [{ $hex: '3000' }], expect: { status: 'errSecParam' } }] });
    expect(unsafeReason(certificate)).toBeUndefined();
    const inMemory = scenario({ steps: [{ call: 'SecPKCS12Import', args: [{ $hex: '3000' }, { passphrase: 'x', memory: true }], expect: { status: 'errSecDecode' } }] });
    expect(unsafeReason(inMemory)).toBeUndefined();
    const intoKeychain = scenario({ steps: [{ call: 'SecPKCS12Import', args: [{ $hex: '3000' }, { passphrase: 'x' }], expect: { status: 'errSecDecode' } }] });
    expect(unsafeReason(intoKeychain)).toMatch(/step 1 \(SecPKCS12Import\) would add items to the keychain/);
  });

  it('SecPKCS12Import runs on a Mac only from macOS 15 (Darwin 24), which honours kSecImportToMemoryOnly', () => {
    expect(memoryOnlyImport('23.6.0')).toBe(false);
    expect(memoryOnlyImport('24.0.0')).toBe(true);
    expect(memoryOnlyImport('25.1.0')).toBe(true);
  });

  it('skips app identities and device controls on native', () => {
    expect(nativeSkipReason(scenario({ app: { accessGroups: ['T.a'] }, steps: labelScenario.steps }))).toMatch(/needs the app identity/);
    expect(nativeSkipReason(scenario({ steps: [{ control: 'lock' }, ...labelScenario.steps] }))).toMatch(/device or simulated-user controls/);
  });

  it('cleans up every prefixed item after a scenario, also when it fails', async () => {
    const native = new RecordingBackend();
    const failing = scenario({
      steps: [
        { call: 'SecItemAdd', attributes: { class: 'genp', svce: '{{p}}s1', acct: '{{p}}a' }, expect: { status: 0 } },
        { call: 'SecItemAdd', attributes: { class: 'inet', srvr: '{{p}}host', acct: '{{p}}b' }, expect: { status: 0 } },
        { call: 'SecItemAdd', attributes: { class: 'genp', svce: '{{p}}s2', acct: '{{p}}c' }, expect: { status: 0 } },
        { call: 'SecItemUpdate', query: { class: 'genp', svce: '{{p}}s2' }, attributesToUpdate: { acct: '{{p}}renamed' }, expect: { status: 0 } },
        { call: 'SecItemCopyMatching', query: { class: 'genp', svce: '{{p}}s1' }, expect: { status: 'errSecItemNotFound' } },
      ],
    });
    const report = await runScenario(failing, { native: recordingFactory(native) }, 'native', P);
    expect(report.verdict).toBe('failed');
    const queries: CFDictionary[] = [{ class: 'genp', svce: `${P}s1` }, { class: 'inet', srvr: `${P}host` }, { class: 'genp', acct: `${P}renamed` }];
    for (const q of queries) {
      await expect(native.inner.SecItemCopyMatching(q)).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    }
    const targets = cleanupTargets(failing, P).map(([k, v]) => `${k}=${String(v)}`);
    expect(targets).toContain(`acct=${P}renamed`);
    expect(targets.every((t) => t.includes(P))).toBe(true);
    // Every cleanup call names a prefixed value, or an item reference one of the scenario's
    // adds returned (a file-based add returns one, 3.9): nothing else on the keychain is touched.
    const cleanupCalls = native.calls.slice(5);
    expect(cleanupCalls.length).toBeGreaterThan(0);
    const byRef = cleanupCalls.filter((c) => Object.keys(c.args[0]!).join() === 'v_Ref');
    expect(byRef).toHaveLength(3);
    expect(cleanupCalls.filter((c) => !byRef.includes(c)).every((c) => c.call === 'SecItemDelete' && Object.values(c.args[0]!).some((v) => String(v).startsWith(P)))).toBe(true);
  });
});

describe('runCorpus', () => {
  it('counts verdicts, stops when interrupted and prints the exact summary line', async () => {
    const many = [1, 2, 3].map((i) => ({ ...labelScenario, id: `s-${i}` }));
    let seen = 0;
    const report = await runCorpus(many, {
      mode: 'emulator', factories: { emulator: emulatorFactory }, prefix: P,
      onScenario: () => { seen++; }, stopped: () => seen >= 2,
    });
    expect(report.scenarios).toHaveLength(2);
    expect(summaryLine(report.summary)).toBe('2 passed, 0 failed, 0 skipped');
  });
});
