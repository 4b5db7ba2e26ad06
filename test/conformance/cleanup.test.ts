import { describe, expect, it } from 'vitest';
import type { LoadedScenario } from '../../src/conformance/format.js';
import { cleanupTargets, runScenario, unsafeReason } from '../../src/conformance/runner.js';
import type { CFDictionary } from '../../src/values.js';
import { RecordingBackend, recordingFactory } from './recordingBackend.js';

// What the runner may do on a real keychain with keys, certificates and identities, and what
// it deletes afterwards. The "native" side is an unsigned emulator (file-based keychain), which
// ignores attributes a class does not know (spec 2.2, 18A) as a Mac does.

const P = 'sfconf-test-';

function scenario(partial: Partial<LoadedScenario> & Pick<LoadedScenario, 'steps'>): LoadedScenario {
  return { id: 'x-test', title: 'a test scenario', rule: '16.5', source: 'test', file: 'test.json', ...partial };
}

// A self-signed P-256 certificate (CN=Conformance Identity, serial 21) from conformance/scenarios/s15-identities.json.
const CERT = 'MIIBsTCCAVegAwIBAgIBFTAKBggqhkjOPQQDAjAvMRAwDgYDVQQKDAdFeGFtcGxlMRswGQYDVQQDDBJDb25mb3JtYW5jZSBJZGVudGl0eTAeFw0yNjEyMDYwNDU5MzBaFw00NjEyMDEwNDU5MzBaMC8xEDAOBgNVBAoMB0V4YW1wbGUxGzAZBgNVBAMMEkNvbmZvcm1hbmNlIElkZW50aXR5MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEBAVs+adqLSVizBqGKxI8Zvv+48SkdGTrPbbc2QWOBQvF0UoqMYK+jhqWSLc9DR+XXSYkwzecxA0Wcm0MbadeaKNTMFEwHQYDVR0OBBYEFD5jtTRwkO3KB6LdvBcstC9wSWC9MB8GA1UdIwQYMBaAFD5jtTRwkO3KB6LdvBcstC9wSWC9MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgW1ffS4G4NafWWO4fjmv7LG3F5nKEwvD1sYcwJWNY8BkCIQCyJZ7mvTMxjPx5WB+xoCVmRfXtnUD2nBefTg3DbPUcGA==';
const PKHH = '3d56647a110d57fd9c159943a7b490f6d29d4aa3';

/** A user's own items, which no scenario may touch. */
async function userItems(native: RecordingBackend): Promise<void> {
  const kc = native.inner;
  await kc.SecItemAdd({ class: 'genp', svce: 'user.service', acct: 'user', v_Data: Buffer.from('a') });
  await kc.SecItemAdd({ class: 'inet', srvr: 'user.example', acct: 'user', v_Data: Buffer.from('b') });
  await kc.SecItemAdd({ class: 'keys', v_Ref: await kc.SecKeyCreateRandomKey({ type: '73', bsiz: 256 }), labl: 'user key' } as CFDictionary);
}

async function userItemsLeft(native: RecordingBackend): Promise<number> {
  let n = 0;
  const queries: CFDictionary[] = [{ class: 'genp', acct: 'user' }, { class: 'inet', acct: 'user' }, { class: 'keys', labl: 'user key' }];
  for (const q of queries) {
    await native.inner.SecItemCopyMatching(q).then(() => n++, () => undefined);
  }
  return n;
}

describe('cleanup by class', () => {
  it('deletes by each prefixed attribute only in the classes that know it, so a user\'s own passwords and keys survive', async () => {
    const native = new RecordingBackend();
    await userItems(native);
    const s = scenario({ rule: '3.11', steps: [
      { call: 'SecItemAdd', attributes: { class: 'genp', svce: '{{p}}svc', acct: '{{p}}a', v_Data: { $utf8: 'x' } }, expect: { status: 0 } },
      { call: 'SecItemAdd', attributes: { class: 'inet', srvr: '{{p}}host', acct: '{{p}}b', v_Data: { $utf8: 'x' } }, expect: { status: 0 } },
      { call: 'SecItemCopyMatching', query: { class: 'genp', svce: '{{p}}svc' }, expect: { status: 'errSecItemNotFound' } },
    ] });
    const report = await runScenario(s, { native: recordingFactory(native) }, 'native', P);
    expect(report.verdict).toBe('failed');
    expect(await userItemsLeft(native)).toBe(3);
    const deletes = native.calls.filter((c) => c.call === 'SecItemDelete').map((c) => c.args[0]!);
    // The file-based keychain ignores kSecAttrService for internet passwords: such a delete would match them all.
    expect(deletes.some((d) => d.class === 'inet' && 'svce' in d)).toBe(false);
    expect(deletes.some((d) => d.class === 'genp' && 'srvr' in d)).toBe(false);
    await expect(native.inner.SecItemCopyMatching({ class: 'genp', acct: `${P}a` })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    await expect(native.inner.SecItemCopyMatching({ class: 'inet', acct: `${P}b` })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('refuses a dictionary named only by an attribute its class does not know (kSecAttrService of an internet password)', () => {
    const s = scenario({ steps: [{ call: 'SecItemDelete', query: { class: 'inet', svce: '{{p}}svc' }, expect: { status: 0 } }] });
    expect(unsafeReason(s)).toMatch(/step 1 \(SecItemDelete\) names no item by a prefixed acct, srvr, labl/);
  });
});

describe('16.5 permanent keys on a real keychain', () => {
  const pair = (params: Record<string, unknown>) => scenario({ steps: [
    { call: 'SecKeyCreateRandomKey', args: [{ type: '73', bsiz: 256, perm: true, ...params } as never], expect: { status: 0 }, save: 'key' },
    { call: 'SecItemCopyMatching', query: { class: 'keys', labl: '{{p}}pair' }, expect: { status: 'errSecItemNotFound' } },
  ] });

  it('16.5 a permanent pair is allowed when its label or tag carries the prefix, and refused when a half is renamed without it', () => {
    expect(unsafeReason(pair({ labl: '{{p}}pair' }))).toBeUndefined();
    expect(unsafeReason(pair({ atag: { $utf8: '{{p}}tag' } }))).toBeUndefined();
    expect(unsafeReason(pair({}))).toMatch(/would store a key in the keychain \(kSecAttrIsPermanent\) without a prefixed/);
    expect(unsafeReason(pair({ labl: '{{p}}pair', private: { labl: 'mine' } }))).toMatch(/would store a key/);
    const targets = cleanupTargets(pair({ labl: '{{p}}pair', public: { atag: { $utf8: '{{p}}pub' } } }), P).map(([k]) => k);
    expect(targets.sort()).toEqual(['atag', 'labl']);
  });

  it('16.5 both stored halves of a generated pair are deleted after the scenario, and nothing else', async () => {
    const native = new RecordingBackend();
    await userItems(native);
    const report = await runScenario(pair({ labl: '{{p}}pair', atag: { $utf8: '{{p}}tag' } }), { native: recordingFactory(native) }, 'native', P);
    expect(report.verdict).toBe('failed'); // the pair was found: the expectation was wrong on purpose
    await expect(native.inner.SecItemCopyMatching({ class: 'keys', labl: `${P}pair` })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    expect(await userItemsLeft(native)).toBe(3);
  });
});

describe('3.9 certificates and keys added by reference', () => {
  const certificate = { call: 'SecCertificateCreateWithData' as const, args: [{ $base64: CERT }], expect: { status: 0 }, save: 'cert' };

  it('3.9 a certificate added by reference is deleted after the scenario by the reference its add returned', async () => {
    const native = new RecordingBackend();
    await userItems(native);
    const s = scenario({ rule: '3.9', steps: [certificate,
      { call: 'SecItemAdd', attributes: { class: 'cert', v_Ref: { $ref: 'cert' } }, expect: { status: 0 } },
      { call: 'SecItemCopyMatching', query: { class: 'cert', pkhh: { $hex: PKHH } }, expect: { status: 'errSecItemNotFound' } },
    ] });
    expect(unsafeReason(s)).toBeUndefined();
    const report = await runScenario(s, { native: recordingFactory(native) }, 'native', P);
    expect(report.verdict).toBe('failed');
    await expect(native.inner.SecItemCopyMatching({ class: 'cert', pkhh: Buffer.from(PKHH, 'hex') })).rejects.toMatchObject({ code: 'errSecItemNotFound' });
    expect(await userItemsLeft(native)).toBe(3);
  });

  it('a search may name a certificate, key or identity by a fixture\'s public key hash, application label or serial number with issuer; a delete may not', () => {
    const read = (query: Record<string, unknown>, call: 'SecItemCopyMatching' | 'SecItemDelete' = 'SecItemCopyMatching') =>
      unsafeReason(scenario({ steps: [{ call, query: query as never, expect: { status: 0 } }] }));
    expect(read({ class: 'cert', pkhh: { $hex: PKHH } })).toBeUndefined();
    expect(read({ class: 'idnt', pkhh: { $hex: PKHH } })).toBeUndefined();
    expect(read({ class: 'keys', klbl: { $hex: PKHH } })).toBeUndefined();
    expect(read({ class: 'cert', slnr: { $hex: '15' }, issr: { $hex: '30' } })).toBeUndefined();
    expect(read({ class: 'cert', slnr: { $hex: '15' } })).toMatch(/names no item/);
    expect(read({ class: 'genp', pkhh: { $hex: PKHH } })).toMatch(/names no item/);
    expect(read({ class: 'cert', pkhh: { $hex: PKHH } }, 'SecItemDelete')).toMatch(/names no item/);
  });
});
