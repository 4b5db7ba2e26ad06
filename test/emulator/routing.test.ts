import { describe, expect, it } from 'vitest';
import { SecError, secError } from '../../src/errors.js';
import { makeHandle } from '../../src/handles.js';
import type { CFDictionary, CFResult, CFValue } from '../../src/values.js';
import { createKeyWithData, createRandomKey, copyExternalRepresentation, type KeyEnvironment } from '../../src/emulator/keys.js';
import { Failure, fail } from '../../src/emulator/failure.js';
import { makeDataProtectionRef, makeFileBasedRef } from '../../src/emulator/persistentRef.js';
import {
  attempt, categorize, merge, translateForDataProtection, translateForFileBased, truthy, type Call, type Outcome,
} from '../../src/emulator/routing.js';

// The routing works on raw dictionaries, so the tests use Apple's raw key strings
// (kSecClass = "class", kSecUseDataProtectionKeychain = "nleg", kSecAttrSynchronizable = "sync" …).

/** The value `fn` throws (fails the test when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

const CALLS: Call[] = ['add', 'copy', 'update', 'delete'];
const keyEnv: KeyEnvironment = {
  entitled: true, user: { biometryEnrolled: true, response: 'approve' }, passcodeSet: true, prompts: [],
  storeKey: () => { throw new Error('these keys are not permanent'); },
};

describe('truthy (readNumber, spec 1.1/1.2)', () => {
  it.each<[string, CFValue | undefined, boolean]>([
    ['CFBoolean true', true, true],
    ['CFBoolean false', false, false],
    ['a non-zero number', 1, true],
    ['a negative number', -3, true],
    ['the number 0', 0, false],
    ['a non-zero bigint', 2n, true],
    ['bigint 0', 0n, false],
    ['the decimal string "1"', '1', true],
    ['the decimal string "42"', '42', true],
    ['the decimal string "-1"', '-1', true],
    ['the decimal string "0"', '0', false],
    ['kSecAttrSynchronizableAny ("syna"), a non-numeric string', 'syna', false],
    ['the string "true" (not numeric)', 'true', false],
    ['the empty string', '', false],
    ['data', Buffer.from('1'), false],
    ['a Date', new Date(1), false],
    ['an array', [1], false],
    ['a dictionary', { a: 1 }, false],
    ['absent', undefined, false],
  ])('1.2: %s → %s', (_name, value, expected) => {
    expect(truthy(value)).toBe(expected);
  });
});

describe('categorize (spec 1.1, 1.2)', () => {
  it('1.1: kSecUseDataProtectionKeychain true targets only the data protection keychain', () => {
    expect(categorize({ class: 'genp', nleg: true })).toEqual({ dp: true, fb: false });
  });

  it('1.1: kSecUseDataProtectionKeychain false targets only the file-based keychain', () => {
    expect(categorize({ class: 'genp', nleg: false })).toEqual({ dp: false, fb: true });
  });

  it.each<[string, CFValue, boolean]>([
    ['1', 1, true], ['0', 0, false], ['"1"', '1', true], ['"0"', '0', false], ['a non-numeric string', 'yes', false],
  ])('1.1: a flag given as %s is read as a number', (_name, flag, dp) => {
    expect(categorize({ class: 'genp', nleg: flag })).toEqual({ dp, fb: !dp });
  });

  it('1.1: the flag decides alone: false with synchronizable, access control, token and DP-only keys still targets FB', () => {
    const dict: CFDictionary = {
      class: 'genp', nleg: false, sync: true, tkid: 'com.apple.setoken', agrp: 'com.apple.token',
      accc: makeHandle('SecAccessControl', 'emulator', { protection: 'ak', flags: 0 }),
      v_PersistentRef: makeDataProtectionRef('genp', Buffer.alloc(16, 1)),
    };
    expect(categorize(dict)).toEqual({ dp: false, fb: true });
  });

  it('1.1: the flag decides alone: true with file-based-only keys and no class still targets DP', () => {
    expect(categorize({ nleg: true, u_Keychain: 'x', m_SearchList: [], acls: 'x' })).toEqual({ dp: true, fb: false });
  });

  it('1.2: without the flag a plain dictionary with a class targets both keychains', () => {
    expect(categorize({ class: 'genp', acct: 'a', svce: 's' })).toEqual({ dp: true, fb: true });
  });

  it('1.2: kSecAttrTokenID excludes the file-based keychain', () => {
    expect(categorize({ class: 'genp', tkid: 'com.apple.setoken' })).toEqual({ dp: true, fb: false });
  });

  it('1.2: kSecAttrAccessControl excludes the file-based keychain', () => {
    const accc = makeHandle('SecAccessControl', 'emulator', { protection: 'ak', flags: 0 });
    expect(categorize({ class: 'genp', accc })).toEqual({ dp: true, fb: false });
  });

  it('1.2: kSecAttrAccessGroup com.apple.token excludes the file-based keychain; another group does not', () => {
    expect(categorize({ class: 'genp', agrp: 'com.apple.token' })).toEqual({ dp: true, fb: false });
    expect(categorize({ class: 'genp', agrp: 'TEAM.com.example' })).toEqual({ dp: true, fb: true });
  });

  it.each<[string, CFValue, boolean]>([
    ['true', true, false], ['1', 1, false], ['"1"', '1', false],
    ['false', false, true], ['0', 0, true], ['"0"', '0', true],
    ['kSecAttrSynchronizableAny', 'syna', true],
  ])('1.2: kSecAttrSynchronizable %s → file-based keychain eligible: %s', (_name, sync, fb) => {
    expect(categorize({ class: 'genp', sync })).toEqual({ dp: true, fb });
  });

  it('1.2: a data protection persistent ref excludes the file-based keychain', () => {
    expect(categorize({ v_PersistentRef: makeDataProtectionRef('genp', Buffer.alloc(16, 7)) })).toEqual({ dp: true, fb: false });
    // the older 12-byte row-id form is data protection too
    const rowid = Buffer.concat([Buffer.from('inet'), Buffer.from([0, 0, 0, 0, 0, 0, 0, 5])]);
    expect(categorize({ v_PersistentRef: rowid })).toEqual({ dp: true, fb: false });
  });

  it('1.2: a persistent ref in any other format excludes the data protection keychain', () => {
    expect(categorize({ v_PersistentRef: makeFileBasedRef('genp', 's:a|s:b') })).toEqual({ dp: false, fb: true });
    expect(categorize({ class: 'genp', v_PersistentRef: Buffer.from('not a ref') })).toEqual({ dp: false, fb: true });
    expect(categorize({ class: 'genp', v_PersistentRef: 'a string' })).toEqual({ dp: false, fb: true });
  });

  it.each([
    'm_ItemList', 'm_SearchList', 'm_SubjectStartsWith', 'm_SubjectEndsWith', 'm_SubjectWholeString',
    'm_DiacriticInsensitive', 'm_WidthInsensitive', 'u_ItemList', 'u_Keychain', 'acls', 'prf', 'salt', 'rounds',
  ])('1.2: %s excludes the data protection keychain', (key) => {
    expect(categorize({ class: 'genp', [key]: 'x' })).toEqual({ dp: false, fb: true });
  });

  it('1.2: other match keys (kSecMatchLimit, kSecMatchCaseInsensitive, kSecMatchSubjectContains) exclude nothing', () => {
    expect(categorize({ class: 'genp', m_Limit: 'm_LimitAll', m_CaseInsensitive: true, m_SubjectContains: 'x' })).toEqual({ dp: true, fb: true });
  });

  it('1.2: no kSecClass, no persistent ref and no ref excludes the data protection keychain', () => {
    expect(categorize({ acct: 'a' })).toEqual({ dp: false, fb: true });
  });

  it('1.2: a kSecValueRef keychain item of the file-based keychain excludes the data protection keychain', () => {
    const ref = makeHandle('SecKeychainItem', 'emulator', { kc: 'fb', cls: 'genp', uuid: Buffer.alloc(16) });
    expect(categorize({ v_Ref: ref })).toEqual({ dp: false, fb: true });
  });

  it('1.2: a kSecValueRef keychain item with a data protection ref attached excludes nothing (and stands in for kSecClass)', () => {
    const ref = makeHandle('SecKeychainItem', 'emulator', { kc: 'dp', cls: 'genp', uuid: Buffer.alloc(16) });
    expect(categorize({ v_Ref: ref })).toEqual({ dp: true, fb: true });
  });

  it('1.2: a kSecValueRef keychain item this emulator knows nothing about has no DP ref: DP excluded', () => {
    const foreign = makeHandle('SecKeychainItem', 'native', { kc: 'dp', cls: 'genp', uuid: Buffer.alloc(16) });
    expect(categorize({ v_Ref: foreign })).toEqual({ dp: false, fb: true });
  });

  it('1.2: a kSecValueRef file-based (CDSA) SecKey keeps only the file-based keychain', async () => {
    const cdsa = await createRandomKey({ type: '73', bsiz: 256 }, keyEnv);
    expect(categorize({ class: 'keys', v_Ref: cdsa })).toEqual({ dp: false, fb: true });
  });

  it('1.2: a kSecValueRef data protection SecKey keeps only the data protection keychain', async () => {
    const cdsa = await createRandomKey({ type: '73', bsiz: 256 }, keyEnv);
    const dpKey = createKeyWithData(copyExternalRepresentation(cdsa), { type: '73', kcls: '1' });
    expect(categorize({ class: 'keys', v_Ref: dpKey })).toEqual({ dp: true, fb: false });
  });

  it.each<[string, CFDictionary]>([
    ['synchronizable without a class', { sync: true, acct: 'a' }],
    ['a token ID without a class', { tkid: 'com.apple.setoken' }],
    ['the token group without a class', { agrp: 'com.apple.token' }],
    ['a DP persistent ref and kSecUseKeychain', { v_PersistentRef: makeDataProtectionRef('genp', Buffer.alloc(16)), u_Keychain: 'x' }],
    ['synchronizable with kSecMatchItemList', { class: 'genp', sync: true, m_ItemList: [] }],
    ['an access control with kSecAttrAccess', { class: 'genp', accc: makeHandle('SecAccessControl', 'emulator', { protection: 'ak', flags: 0 }), acls: 'x' }],
  ])('1.2: %s fits neither keychain → errSecParam', (_name, dict) => {
    const error = thrown(() => categorize(dict));
    expect(error).toBeInstanceOf(Failure);
    expect(error).toMatchObject({ code: 'errSecParam' });
  });
});

describe('translateForDataProtection (spec 1.6)', () => {
  const full: CFDictionary = {
    class: 'genp', acct: 'a', nleg: true, m_SearchList: [], u_Keychain: 'k', acls: 'x', mdat: new Date(5), sync: true,
    m_Policy: 'p', m_ItemList: [], m_Issuers: [], m_EmailAddressIfPresent: 'e', m_SubjectContains: 's',
    m_CaseInsensitive: true, m_TrustedOnly: true, m_ValidOnDate: new Date(6), m_Limit: 'm_LimitAll',
    m_LimitOne: true, m_LimitAll: true, m_HostOrSubdomainOfHost: 'example.com',
    r_Data: true, r_Attributes: true, r_Ref: true, r_PersistentRef: true, v_Data: Buffer.from('pw'),
    u_OpPrompt: 'why',
  };
  const ALWAYS = ['nleg', 'm_SearchList', 'u_Keychain', 'acls', 'mdat'];
  const MATCH = ['m_Policy', 'm_ItemList', 'm_SearchList', 'm_Issuers', 'm_EmailAddressIfPresent', 'm_SubjectContains',
    'm_CaseInsensitive', 'm_TrustedOnly', 'm_ValidOnDate', 'm_Limit', 'm_LimitOne', 'm_LimitAll'];
  const RETURNS = ['r_Data', 'r_Attributes', 'r_Ref', 'r_PersistentRef'];

  const expectedKeys = (removed: string[]) => Object.keys(full).filter((k) => !removed.includes(k)).sort();

  it('1.6: add drops the always-removed keys and the match keys; keeps returns, data and kSecMatchHostOrSubdomainOfHost', () => {
    const out = translateForDataProtection(full, 'add');
    expect(Object.keys(out).sort()).toEqual(expectedKeys([...ALWAYS, ...MATCH]));
    expect(out.m_HostOrSubdomainOfHost).toBe('example.com');
    expect(out.v_Data).toEqual(Buffer.from('pw'));
  });

  it('1.6: copy drops the always-removed keys and kSecValueData; keeps every match key and return key', () => {
    const out = translateForDataProtection(full, 'copy');
    expect(Object.keys(out).sort()).toEqual(expectedKeys([...ALWAYS, 'v_Data']));
  });

  it('1.6: update (query) drops the always-removed keys, match keys, return keys and kSecValueData', () => {
    const out = translateForDataProtection(full, 'update');
    expect(Object.keys(out).sort()).toEqual(expectedKeys([...ALWAYS, ...MATCH, ...RETURNS, 'v_Data']));
    expect(out.m_HostOrSubdomainOfHost).toBe('example.com');
  });

  it('1.6: delete drops the same keys as the update query', () => {
    const out = translateForDataProtection(full, 'delete');
    expect(Object.keys(out).sort()).toEqual(expectedKeys([...ALWAYS, ...MATCH, ...RETURNS, 'v_Data']));
  });

  it.each(CALLS)('1.6: %s keeps kSecAttrSynchronizable without a persistent ref and drops it with one', (call) => {
    expect(translateForDataProtection({ class: 'genp', sync: true }, call).sync).toBe(true);
    const withRef = translateForDataProtection({ sync: true, v_PersistentRef: makeDataProtectionRef('genp', Buffer.alloc(16)) }, call);
    expect('sync' in withRef).toBe(false);
    expect(withRef.v_PersistentRef).toBeInstanceOf(Buffer);
  });

  it.each(CALLS)('1.6: %s returns a copy and leaves the caller\'s dictionary alone', (call) => {
    const dict = { ...full };
    const out = translateForDataProtection(dict, call);
    expect(out).not.toBe(dict);
    expect(dict).toEqual(full);
  });
});

describe('translateForFileBased (spec 1.7)', () => {
  const full: CFDictionary = {
    class: 'genp', acct: 'a', pdmn: 'ak', accc: makeHandle('SecAccessControl', 'emulator', { protection: 'ak', flags: 0 }),
    agrp: 'g', sync: true, tomb: 0, nleg: false, v_Data: Buffer.from('pw'), acls: 'x',
    r_Data: true, r_Attributes: true, r_Ref: true, r_PersistentRef: true,
    m_Limit: 'm_LimitAll', m_CaseInsensitive: true, m_SubjectContains: 's',
  };
  const ALWAYS = ['pdmn', 'accc', 'agrp', 'sync', 'tomb', 'nleg'];
  const RETURNS = ['r_Data', 'r_Attributes', 'r_Ref', 'r_PersistentRef'];
  const expectedKeys = (removed: string[]) => Object.keys(full).filter((k) => !removed.includes(k)).sort();

  it('1.7: add drops accessibility, access control, group, sync, tombstone and the flag; keeps data, kSecAttrAccess and returns', () => {
    expect(Object.keys(translateForFileBased(full, 'add')).sort()).toEqual(expectedKeys(ALWAYS));
  });

  it('1.7: copy also drops kSecValueData and kSecAttrAccess; keeps returns', () => {
    expect(Object.keys(translateForFileBased(full, 'copy')).sort()).toEqual(expectedKeys([...ALWAYS, 'v_Data', 'acls']));
  });

  it.each<Call>(['update', 'delete'])('1.7: %s also drops kSecValueData, kSecAttrAccess and the return keys', (call) => {
    expect(Object.keys(translateForFileBased(full, call)).sort()).toEqual(expectedKeys([...ALWAYS, 'v_Data', 'acls', ...RETURNS]));
  });

  it.each(CALLS)('1.7: %s keeps every kSecMatch* key', (call) => {
    const out = translateForFileBased(full, call);
    expect(out.m_Limit).toBe('m_LimitAll');
    expect(out.m_CaseInsensitive).toBe(true);
    expect(out.m_SubjectContains).toBe('s');
  });

  it.each(CALLS)('1.7: %s returns a copy and leaves the caller\'s dictionary alone', (call) => {
    const dict = { ...full };
    const out = translateForFileBased(dict, call);
    expect(out).not.toBe(dict);
    expect(dict).toEqual(full);
  });
});

describe('merge (spec 1.4)', () => {
  const ok = (value: CFResult | undefined): Outcome => ({ ok: true, value });
  const failed = (code: Parameters<typeof fail>[0]): Outcome => ({ ok: false, error: fail(code, code) });

  it('1.4: only the data protection keychain ran: its outcome unchanged', () => {
    const dp = ok(Buffer.from('dp'));
    expect(merge(dp, undefined)).toBe(dp);
    const dpFailed = failed('errSecMissingEntitlement');
    expect(merge(dpFailed, undefined)).toBe(dpFailed);
  });

  it('1.4: only the file-based keychain ran: its outcome unchanged', () => {
    const fb = ok('fb');
    expect(merge(undefined, fb)).toBe(fb);
    const fbFailed = failed('errSecItemNotFound');
    expect(merge(undefined, fbFailed)).toBe(fbFailed);
  });

  it('1.4: DP failed with errSecMissingEntitlement, FB succeeded: FB answers', () => {
    const fb = ok('fb');
    expect(merge(failed('errSecMissingEntitlement'), fb)).toBe(fb);
  });

  it('1.4: DP failed with errSecMissingEntitlement, FB failed: FB\'s status', () => {
    const fb = failed('errSecItemNotFound');
    expect(merge(failed('errSecMissingEntitlement'), fb)).toBe(fb);
  });

  it('1.4: DP failed with any other status, FB succeeded: FB\'s result', () => {
    const fb = ok(['fb']);
    expect(merge(failed('errSecInteractionNotAllowed'), fb)).toBe(fb);
  });

  it('1.4: both failed: FB\'s status wins', () => {
    const fb = failed('errSecParam');
    const merged = merge(failed('errSecItemNotFound'), fb);
    expect(merged).toBe(fb);
    expect(merged).toMatchObject({ ok: false, error: { code: 'errSecParam' } });
  });

  it('1.4: DP succeeded, FB failed (not found or otherwise): DP\'s result with success', () => {
    const dp = ok(Buffer.from('dp'));
    expect(merge(dp, failed('errSecItemNotFound'))).toBe(dp);
    expect(merge(dp, failed('errSecParam'))).toBe(dp);
  });

  it('1.4: DP succeeded with no value, FB failed: success with no value', () => {
    expect(merge(ok(undefined), failed('errSecItemNotFound'))).toEqual({ ok: true, value: undefined });
  });

  it('1.4: both succeeded with arrays: concatenated, DP elements first', () => {
    expect(merge(ok(['d1', 'd2']), ok(['f1']))).toEqual({ ok: true, value: ['d1', 'd2', 'f1'] });
    expect(merge(ok([]), ok(['f1']))).toEqual({ ok: true, value: ['f1'] });
    expect(merge(ok(['d1']), ok([]))).toEqual({ ok: true, value: ['d1'] });
  });

  it('1.4: concatenation makes a new array; neither side\'s array is changed', () => {
    const d = ['d1'];
    const f = ['f1'];
    const merged = merge(ok(d), ok(f));
    expect(merged.ok && merged.value).not.toBe(d);
    expect(d).toEqual(['d1']);
    expect(f).toEqual(['f1']);
  });

  it('1.4: both succeeded with single results: DP wins', () => {
    const dp = ok(Buffer.from('dp'));
    expect(merge(dp, ok(Buffer.from('fb')))).toBe(dp);
  });

  it('1.4: both succeeded, only one an array: DP wins', () => {
    const dp = ok(['d1']);
    expect(merge(dp, ok('fb'))).toBe(dp);
    const dpSingle = ok('dp');
    expect(merge(dpSingle, ok(['f1']))).toBe(dpSingle);
  });

  it('1.4: both succeeded with no value (update, delete): success with no value', () => {
    expect(merge(ok(undefined), ok(undefined))).toEqual({ ok: true, value: undefined });
  });
});

describe('attempt (one side\'s outcome for the merge, spec 1.4)', () => {
  it('1.4: a returned value becomes a successful outcome', () => {
    expect(attempt(() => ['x'])).toEqual({ ok: true, value: ['x'] });
    expect(attempt(() => undefined)).toEqual({ ok: true, value: undefined });
    expect(attempt(() => {})).toEqual({ ok: true, value: undefined });
  });

  it('1.4: a thrown Failure becomes a failed outcome carrying that Failure', () => {
    const failure = fail('errSecItemNotFound', 'nothing');
    const outcome = attempt(() => {
      throw failure;
    });
    expect(outcome).toEqual({ ok: false, error: failure });
    expect(!outcome.ok && outcome.error).toBe(failure);
  });

  it('1.4: a thrown SecError becomes a failed outcome carrying that SecError', () => {
    const error = secError('errSecNotAvailable', 'closed');
    const outcome = attempt(() => {
      throw error;
    });
    expect(!outcome.ok && outcome.error).toBe(error);
    expect(outcome).toMatchObject({ ok: false, error: { code: 'errSecNotAvailable' } });
  });

  it('1.4: a bug (any other thrown value) propagates instead of becoming an outcome', () => {
    const bug = new TypeError('x is undefined');
    expect(() => attempt(() => {
      throw bug;
    })).toThrow(bug);
    expect(thrown(() => attempt(() => {
      throw 'a string';
    }))).toBe('a string');
  });

  it('1.4: a status-looking plain object is a bug too, not a status', () => {
    const impostor = { code: 'errSecParam', detail: 'x' };
    expect(thrown(() => attempt(() => {
      throw impostor;
    }))).toBe(impostor);
    expect(impostor).not.toBeInstanceOf(SecError);
  });
});
