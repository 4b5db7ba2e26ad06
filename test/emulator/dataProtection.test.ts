import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecHandle } from '../../src/handles.js';
import type { CFDictionary, CFResult } from '../../src/values.js';
import { accessGroupsFor, type AccessGroups, type LockState } from '../../src/emulator/access.js';
import type { PromptRecord, SimulatedUser } from '../../src/emulator/accessControl.js';
import { dataProtectionSide } from '../../src/emulator/dataProtection.js';
import { Failure } from '../../src/emulator/failure.js';
import { accessControlHandle, accessControlSpec } from '../../src/emulator/items.js';
import { makeDataProtectionRef, parseDataProtectionRef } from '../../src/emulator/persistentRef.js';
import { attempt, type Call } from '../../src/emulator/routing.js';
import type { KeychainSide } from '../../src/emulator/side.js';
import { Store } from '../../src/emulator/store.js';

// The data protection keychain (spec "DP") as the bridge's side: every call goes through the
// side's own translation (1.6). Dictionaries use Apple's raw keys (kSecClass = "class",
// kSecAttrAccount = "acct", kSecAttrAccessGroup = "agrp", kSecAttrSynchronizable = "sync" …).

const G1 = 'TEAM.com.example.one';
const G2 = 'TEAM.com.example.two';

/** The emulated Mac as the data protection side reads it; the tests change it live. */
interface Mac {
  store: Store;
  groups: AccessGroups;
  lockState: LockState;
  passcodeSet: boolean;
  user: SimulatedUser;
  prompts: PromptRecord[];
  now(): Date;
}

let store: Store;
let clock: Date;
let mac: Mac;
let dp: KeychainSide;

function macFor(groups: AccessGroups): Mac {
  return {
    store, groups, lockState: 'unlocked', passcodeSet: true,
    user: { biometryEnrolled: true, response: 'approve' }, prompts: [], now: () => clock,
  };
}

beforeEach(() => {
  store = new Store();
  clock = new Date('2025-03-01T10:00:00.000Z');
  mac = macFor(accessGroupsFor({ accessGroups: [G1, G2] }));
  dp = dataProtectionSide(mac);
});
afterEach(() => {
  store.close();
});

/** The status `fn` throws (a Failure or a SecError); fails the test if it returns. */
function failureOf(fn: () => unknown): { code: string } {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    expect(error instanceof Failure || (error instanceof Error && 'status' in error)).toBe(true);
    return error as { code: string };
  }
  throw new Error(`expected a failure, got ${String(result)}`);
}

const genp = (acct: string, svce = 'svc', secret = `${acct}@${svce}`, extra: CFDictionary = {}): CFDictionary =>
  ({ class: 'genp', acct, svce, v_Data: Buffer.from(secret), ...extra });

const attrs = (q: CFDictionary): Record<string, CFResult> => dp.copy({ ...q, r_Attributes: true }) as Record<string, CFResult>;
const data = (q: CFDictionary): string => String(dp.copy({ ...q, r_Data: true }));
const accounts = (q: CFDictionary, side: KeychainSide = dp): string[] =>
  (side.copy({ ...q, r_Attributes: true, m_Limit: 'm_LimitAll' }) as Record<string, CFResult>[]).map((a) => String(a.acct));

describe('access groups and entitlements (spec 8)', () => {
  it('8.2: an add without kSecAttrAccessGroup goes to the first group', () => {
    dp.add(genp('a'));
    expect(attrs({ class: 'genp', acct: 'a' }).agrp).toBe(G1);
  });

  it('8.4: an explicit group among the caller\'s is kept', () => {
    dp.add({ ...genp('a'), agrp: G2 });
    expect(attrs({ class: 'genp', acct: 'a' }).agrp).toBe(G2);
    expect(data({ class: 'genp', agrp: G2 })).toBe('a@svc');
  });

  it('8.4: an explicit group the caller does not have → errSecMissingEntitlement in all four calls, nothing written', () => {
    dp.add(genp('a'));
    const other = 'TEAM.com.example.other';
    expect(failureOf(() => dp.add({ ...genp('b'), agrp: other }))).toMatchObject({ code: 'errSecMissingEntitlement' });
    expect(failureOf(() => dp.copy({ class: 'genp', agrp: other }))).toMatchObject({ code: 'errSecMissingEntitlement' });
    expect(failureOf(() => dp.update({ class: 'genp', agrp: other }, { labl: 'x' }))).toMatchObject({ code: 'errSecMissingEntitlement' });
    expect(failureOf(() => dp.delete({ class: 'genp', agrp: other }))).toMatchObject({ code: 'errSecMissingEntitlement' });
    expect(store.count()).toBe(1);
  });

  it('5.5: moving an item to a group the caller does not have → errSecMissingEntitlement', () => {
    dp.add(genp('a'));
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'a' }, { agrp: 'TEAM.com.example.other' }))).toMatchObject({ code: 'errSecMissingEntitlement' });
    dp.update({ class: 'genp', acct: 'a' }, { agrp: G2 });
    expect(attrs({ class: 'genp', acct: 'a' }).agrp).toBe(G2);
  });

  it('8.5: items in groups outside the caller\'s list are invisible', () => {
    dp.add({ ...genp('mine'), agrp: G1 });
    const other = dataProtectionSide(macFor(accessGroupsFor({ accessGroups: ['TEAM.com.example.other'] })));
    other.add(genp('theirs'));
    expect(accounts({ class: 'genp' })).toEqual(['mine']);
    expect(accounts({ class: 'genp' }, other)).toEqual(['theirs']);
    expect(failureOf(() => dp.delete({ class: 'genp', acct: 'theirs' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'theirs' }, { labl: 'x' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  describe('8.6: an unsigned process (no keychain-access-groups)', () => {
    let unsigned: KeychainSide;
    beforeEach(() => {
      dp.add(genp('existing'));
      unsigned = dataProtectionSide(macFor(accessGroupsFor(undefined)));
    });

    it('8.6: add, update and delete → errSecMissingEntitlement', () => {
      expect(failureOf(() => unsigned.add(genp('a')))).toMatchObject({ code: 'errSecMissingEntitlement' });
      expect(failureOf(() => unsigned.update({ class: 'genp' }, { labl: 'x' }))).toMatchObject({ code: 'errSecMissingEntitlement' });
      expect(failureOf(() => unsigned.delete({ class: 'genp' }))).toMatchObject({ code: 'errSecMissingEntitlement' });
      expect(store.count()).toBe(1);
    });

    it('8.6: CopyMatching finds nothing → errSecItemNotFound', () => {
      expect(failureOf(() => unsigned.copy({ class: 'genp', r_Attributes: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecItemNotFound' });
    });

    it.each<Call>(['add', 'copy', 'update', 'delete'])('8.6: the side is not reachable for %s', (call) => {
      expect(unsigned.reachable(call)).toBe(false);
    });
  });

  it.each<Call>(['add', 'copy', 'update', 'delete'])('8.4: an entitled app reaches the side for %s', (call) => {
    expect(dp.reachable(call)).toBe(true);
  });

  it('8.3: the token group is readable, never writable: an app whose only group it is cannot write', () => {
    const groups = accessGroupsFor({ accessGroups: ['com.apple.token'] });
    expect(groups).toEqual({ readable: ['com.apple.token'], writable: [] });
    const tokenOnly = dataProtectionSide(macFor(groups));
    expect(tokenOnly.reachable('add')).toBe(false);
    expect(failureOf(() => tokenOnly.add(genp('a')))).toMatchObject({ code: 'errSecMissingEntitlement' });
    expect(failureOf(() => tokenOnly.add({ ...genp('a'), agrp: 'com.apple.token' }))).toMatchObject({ code: 'errSecMissingEntitlement' });
  });
});

describe('add: defaults and the attribute dictionary (spec 3.4, 14.1, 14.2)', () => {
  it('3.4, 14.1: a generic password\'s attributes: what was set, the defaults, dates, group, protection, sync, tomb, musr and accc', () => {
    dp.add(genp('a', 's', 'pw'));
    const a = attrs({ class: 'genp', acct: 'a' });
    expect(Object.keys(a).sort()).toEqual(['accc', 'acct', 'agrp', 'cdat', 'mdat', 'musr', 'pdmn', 'svce', 'sync', 'tomb']);
    expect(a).toMatchObject({ acct: 'a', svce: 's', agrp: G1, pdmn: 'ak', sync: 0, tomb: 0, cdat: clock, mdat: clock });
    expect(a.musr).toEqual(Buffer.alloc(0));
  });

  it('14.1: accc is a SecAccessControl synthesized from the accessibility, present though the caller gave none', () => {
    dp.add({ ...genp('a'), pdmn: 'cku' });
    const accc = attrs({ class: 'genp', acct: 'a' }).accc;
    expect(accc).toBeInstanceOf(SecHandle);
    expect((accc as SecHandle).kind).toBe('SecAccessControl');
    expect(accessControlSpec(accc as SecHandle)).toEqual({ protection: 'cku', flags: 0 });
  });

  it('3.4: a given access control sets the accessibility', () => {
    dp.add({ ...genp('a'), accc: accessControlHandle({ protection: 'dku', flags: 0 }) });
    expect(attrs({ class: 'genp', acct: 'a' }).pdmn).toBe('dku');
  });

  it('3.4: missing primary-key columns get their defaults (genp: empty account and service)', () => {
    dp.add({ class: 'genp', v_Data: Buffer.from('x') });
    expect(attrs({ class: 'genp' })).toMatchObject({ acct: '', svce: '' });
    expect(failureOf(() => dp.add({ class: 'genp', acct: '', v_Data: Buffer.from('y') }))).toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('3.4, 14.1: internet password defaults: empty strings, protocol and port 0', () => {
    dp.add({ class: 'inet', v_Data: Buffer.from('x') });
    expect(attrs({ class: 'inet' })).toMatchObject({ acct: '', sdmn: '', srvr: '', atyp: '', path: '', ptcl: 0, port: 0 });
  });

  it('3.4: the dates are now; caller values are overwritten', () => {
    dp.add({ ...genp('a'), cdat: new Date(0), mdat: new Date(0) });
    expect(attrs({ class: 'genp', acct: 'a' })).toMatchObject({ cdat: clock, mdat: clock });
  });

  it('14.2: booleans are stored and returned as numbers 0/1', () => {
    dp.add({ ...genp('a'), sync: true, invi: true, nega: false });
    expect(attrs({ class: 'genp', acct: 'a', sync: true })).toMatchObject({ sync: 1, invi: 1, nega: 0 });
  });

  it('14.2: blob attributes come back in the type they were given', () => {
    dp.add({ ...genp('a'), gena: 'text', labl: Buffer.from('bytes') });
    const a = attrs({ class: 'genp', acct: 'a' });
    expect(a.gena).toBe('text');
    expect(a.labl).toEqual(Buffer.from('bytes'));
  });

  it('14.1: sha1 only when data is requested too; class only when a ref is requested too', () => {
    dp.add(genp('a', 's', 'pw'));
    const withData = dp.copy({ class: 'genp', acct: 'a', r_Attributes: true, r_Data: true }) as Record<string, CFResult>;
    expect(withData.sha1).toEqual(createHash('sha1').update('pw').digest());
    expect(withData.v_Data).toEqual(Buffer.from('pw'));
    expect(withData).not.toHaveProperty('class');
    const withRef = dp.copy({ class: 'genp', acct: 'a', r_Attributes: true, r_Ref: true }) as Record<string, CFResult>;
    expect(withRef.class).toBe('genp');
    expect(withRef.v_Ref).toBeInstanceOf(SecHandle);
    expect(withRef).not.toHaveProperty('sha1');
    for (const hidden of ['UUID', 'persistref']) expect(withRef).not.toHaveProperty(hidden);
  });

  it('3.9: with no return key the data protection keychain returns no result', () => {
    expect(dp.add(genp('a'))).toBeUndefined();
    expect(store.count()).toBe(1);
  });

  it('3.10: the add result\'s attributes are the returnable ones: sha1 and accc, not tomb or musr', () => {
    const a = dp.add({ ...genp('a', 's', 'pw'), r_Attributes: true }) as Record<string, CFResult>;
    expect(a.sha1).toEqual(createHash('sha1').update('pw').digest());
    expect(a.accc).toBeInstanceOf(SecHandle);
    expect(a).toMatchObject({ acct: 'a', svce: 's', agrp: G1, pdmn: 'ak', sync: 0 });
    expect(a).not.toHaveProperty('tomb');
    expect(a).not.toHaveProperty('musr');
    expect(a).not.toHaveProperty('class');
  });

  it('3.9: one return key gives that value; a persistent ref is the 20-byte class+UUID form (12.1)', () => {
    expect(dp.add({ ...genp('a', 's', 'pw'), r_Data: true })).toEqual(Buffer.from('pw'));
    const ref = dp.add({ ...genp('b'), r_PersistentRef: true }) as Buffer;
    expect(ref).toHaveLength(20);
    expect(parseDataProtectionRef(ref)?.cls).toBe('genp');
  });

  it('3.2: a match limit in the add dictionary is removed by the bridge; the add proceeds', () => {
    dp.add({ ...genp('a'), m_Limit: 'm_LimitAll' });
    expect(store.count()).toBe(1);
  });

  it('3.6: an accessibility value that is not one → errSecParam', () => {
    expect(failureOf(() => dp.add({ ...genp('a'), pdmn: 'zz' }))).toMatchObject({ code: 'errSecParam' });
    expect(store.count()).toBe(0);
  });

  it('3.6: WhenPasscodeSetThisDeviceOnly without a passcode → errSecAuthFailed; with one it is added', () => {
    mac.passcodeSet = false;
    expect(failureOf(() => dp.add({ ...genp('a'), pdmn: 'akpu' }))).toMatchObject({ code: 'errSecAuthFailed' });
    mac.passcodeSet = true;
    dp.add({ ...genp('a'), pdmn: 'akpu' });
    expect(attrs({ class: 'genp', acct: 'a' }).pdmn).toBe('akpu');
  });

  it('2.2: an attribute that is not a column of the class → errSecNoSuchAttr', () => {
    expect(failureOf(() => dp.add({ ...genp('a'), srvr: 'x' }))).toMatchObject({ code: 'errSecNoSuchAttr' });
    expect(failureOf(() => dp.copy({ class: 'genp', zzzz: 'x' }))).toMatchObject({ code: 'errSecNoSuchAttr' });
  });

  it('2.5: an unknown class → errSecNoSuchClass; a missing class → errSecParam', () => {
    expect(failureOf(() => dp.add({ class: 'xxxx', acct: 'a' }))).toMatchObject({ code: 'errSecNoSuchClass' });
    expect(failureOf(() => dp.copy({ acct: 'a' }))).toMatchObject({ code: 'errSecParam' });
  });

it('2.5: a class given as a bigint → errSecNoSuchClass like any other non-class value', () => {
    expect(failureOf(() => dp.copy({ class: 1n, acct: 'a' }))).toMatchObject({ code: 'errSecNoSuchClass' });
  });

  it('2.4: kSecValueData must be data in the data protection keychain (a string → errSecParam)', () => {
    expect(failureOf(() => dp.add({ class: 'genp', acct: 'a', v_Data: 'text' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('2.8: kSecUseAuthenticationUISkip in an add → errSecParam', () => {
    expect(failureOf(() => dp.add({ ...genp('a'), u_AuthUI: 'u_AuthUIS' }))).toMatchObject({ code: 'errSecParam' });
  });
});

describe('uniqueness (spec 3.5, 3.12, 7.3, 13.1)', () => {
  beforeEach(() => {
    dp.add(genp('alice', 'mail', 'first'));
  });

  it('3.5: the same account and service in the same group → errSecDuplicateItem, nothing written', () => {
    expect(failureOf(() => dp.add(genp('alice', 'mail', 'second')))).toMatchObject({ code: 'errSecDuplicateItem' });
    expect(store.count()).toBe(1);
    expect(data({ class: 'genp', acct: 'alice' })).toBe('first');
  });

  it('3.12: attributes outside the primary key do not make an item unique', () => {
    expect(failureOf(() => dp.add({ ...genp('alice', 'mail'), labl: 'other', gena: 'x', pdmn: 'ck' }))).toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('3.5: the access group is part of the key: the same item in another group coexists', () => {
    dp.add({ ...genp('alice', 'mail', 'second'), agrp: G2 });
    expect(accounts({ class: 'genp' })).toEqual(['alice', 'alice']);
  });

  it('7.3: sync is part of the key: a synchronizable twin coexists', () => {
    dp.add({ ...genp('alice', 'mail', 'cloud'), sync: true });
    expect(data({ class: 'genp', acct: 'alice', sync: true })).toBe('cloud');
    expect(data({ class: 'genp', acct: 'alice' })).toBe('first');
  });

  it('3.5: vwht and tkid are part of the key', () => {
    dp.add({ ...genp('alice', 'mail', 'view'), vwht: 'v' });
    dp.add({ ...genp('alice', 'mail', 'token'), tkid: 't' });
    expect(store.count()).toBe(3);
  });

  it('13.1: hashed columns compare bytes: the account as data with the same UTF-8 bytes is a duplicate', () => {
    expect(failureOf(() => dp.add({ class: 'genp', acct: Buffer.from('alice'), svce: 'mail', v_Data: Buffer.from('x') })))
      .toMatchObject({ code: 'errSecDuplicateItem' });
  });

  it('13.1: keys are case-sensitive: "Alice" is another item', () => {
    dp.add(genp('Alice', 'mail', 'second'));
    expect(data({ class: 'genp', acct: 'Alice' })).toBe('second');
    expect(data({ class: 'genp', acct: 'alice' })).toBe('first');
  });

it('3.5: items that differ in vwht and tkid are distinct even when their values contain "|"', () => {
    dp.add({ ...genp('bob', 'mail', 'one'), vwht: 'v|s:t' });
    dp.add({ ...genp('bob', 'mail', 'two'), vwht: 'v', tkid: 't|-' });
    expect(store.count()).toBe(3);
  });
});

describe('matching (spec 4.12, 13.1, 13.3)', () => {
  it('13.1: a query with the account as data matches the account stored as a string (hashed column)', () => {
    dp.add(genp('alice'));
    expect(data({ class: 'genp', acct: Buffer.from('alice') })).toBe('alice@svc');
  });

  it('13.3: a decimal string for a number column is converted and matches; a number for a stored string does not', () => {
    dp.add({ class: 'inet', acct: 'a', srvr: 'h', port: 443, ptcl: 'htps', v_Data: Buffer.from('x') });
    expect(data({ class: 'inet', port: '443' })).toBe('x');
    expect(data({ class: 'inet', ptcl: 'htps' })).toBe('x');
    expect(failureOf(() => dp.copy({ class: 'inet', ptcl: 1, r_Data: true }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('13.1: matching is exact and case-sensitive', () => {
    dp.add(genp('alice'));
    expect(failureOf(() => dp.copy({ class: 'genp', acct: 'ALICE' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(failureOf(() => dp.copy({ class: 'genp', svce: 'sv' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('4.12: every attribute in the query must match, key or not', () => {
    dp.add({ ...genp('alice'), labl: 'L' });
    expect(data({ class: 'genp', labl: 'L' })).toBe('alice@svc');
    expect(failureOf(() => dp.copy({ class: 'genp', acct: 'alice', labl: 'M' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('2.7: an access control in a search filters nothing', () => {
    dp.add({ ...genp('alice'), pdmn: 'ak' });
    const ac = accessControlHandle({ protection: 'dk', flags: 0 });
    expect(dp.copy({ class: 'genp', accc: ac, r_Data: true })).toEqual(Buffer.from('alice@svc'));
  });

  it('4.9: kSecMatchHostOrSubdomainOfHost finds the host and its subdomains only', () => {
    for (const srvr of ['example.com', 'www.example.com', 'badexample.com', 'example.org']) {
      dp.add({ class: 'inet', acct: 'a', srvr, v_Data: Buffer.from(srvr) });
    }
    const found = dp.copy({ class: 'inet', m_HostOrSubdomainOfHost: 'example.com', r_Data: true, m_Limit: 'm_LimitAll' }) as Buffer[];
    expect(found.map(String)).toEqual(['example.com', 'www.example.com']);
  });

  it('4.9: kSecMatchHostOrSubdomainOfHost on a generic password → errSecUnimplemented', () => {
    dp.add(genp('a'));
    expect(failureOf(() => dp.copy({ class: 'genp', m_HostOrSubdomainOfHost: 'x' }))).toMatchObject({ code: 'errSecUnimplemented' });
  });

  describe('4.12: tombstones', () => {
    beforeEach(() => {
      dp.add(genp('gone', 'svc', 'old'));
      dp.update({ class: 'genp', acct: 'gone' }, { tomb: true });
    });

    it('4.12: a tombstone is left out of searches that do not ask for it', () => {
      expect(store.count()).toBe(1);
      expect(failureOf(() => dp.copy({ class: 'genp', acct: 'gone' }))).toMatchObject({ code: 'errSecItemNotFound' });
      expect(failureOf(() => dp.delete({ class: 'genp', acct: 'gone' }))).toMatchObject({ code: 'errSecItemNotFound' });
    });

    it('4.12: a query that asks for tombstones finds them', () => {
      expect(attrs({ class: 'genp', acct: 'gone', tomb: true })).toMatchObject({ acct: 'gone', tomb: 1 });
    });

    // SecDbItem.c SecDbItemInsert: a collision with a tombstone replaces it.
    it('3.5: an add with the key of a tombstone is not a duplicate', () => {
      dp.add(genp('gone', 'svc', 'new'));
      expect(data({ class: 'genp', acct: 'gone' })).toBe('new');
      expect(store.count()).toBe(1);
    });

    it('5.7: an update into the key of a tombstone replaces the tombstone', () => {
      dp.add(genp('other', 'svc', 'kept'));
      dp.update({ class: 'genp', acct: 'other' }, { acct: 'gone' });
      expect(data({ class: 'genp', acct: 'gone' })).toBe('kept');
      expect(store.count()).toBe(1);
    });

    it('3.5: a live item with the same key is still a duplicate', () => {
      dp.add(genp('live', 'svc', 'a'));
      expect(failureOf(() => dp.add(genp('live', 'svc', 'b')))).toMatchObject({ code: 'errSecDuplicateItem' });
    });
  });
});

describe('synchronizable (spec 7.1, 7.2)', () => {
  beforeEach(() => {
    dp.add(genp('local', 'shared', 'L'));
    dp.add({ ...genp('cloud', 'shared', 'C'), sync: true });
  });

  it('7.1: a query without kSecAttrSynchronizable only sees non-synchronizable items', () => {
    expect(accounts({ class: 'genp', svce: 'shared' })).toEqual(['local']);
    expect(failureOf(() => dp.copy({ class: 'genp', acct: 'cloud' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it('7.1: true sees only synchronizable items, false only the others, Any both', () => {
    expect(accounts({ class: 'genp', sync: true })).toEqual(['cloud']);
    expect(accounts({ class: 'genp', sync: false })).toEqual(['local']);
    expect(accounts({ class: 'genp', sync: 1 })).toEqual(['cloud']);
    expect(accounts({ class: 'genp', sync: 'syna' })).toEqual(['local', 'cloud']);
  });

  it('7.1, 6.6: update and delete without the attribute leave synchronizable items alone', () => {
    dp.update({ class: 'genp', svce: 'shared' }, { labl: 'changed' });
    expect(attrs({ class: 'genp', acct: 'cloud', sync: true })).not.toHaveProperty('labl');
    expect(attrs({ class: 'genp', acct: 'local' }).labl).toBe('changed');
    dp.delete({ class: 'genp', svce: 'shared' });
    expect(accounts({ class: 'genp', sync: 'syna' })).toEqual(['cloud']);
  });

  it('7.1, 12.2: a query that names a persistent ref is exempt from the implicit filter', () => {
    const ref = dp.copy({ class: 'genp', acct: 'cloud', sync: true, r_PersistentRef: true }) as Buffer;
    expect(dp.copy({ v_PersistentRef: ref, r_Data: true })).toEqual(Buffer.from('C'));
  });

  it('7.2: an add with kSecAttrSynchronizableAny stores sync = 0', () => {
    dp.add({ ...genp('any', 'other'), sync: 'syna' });
    expect(attrs({ class: 'genp', acct: 'any' }).sync).toBe(0);
  });
});

describe('lock state (spec 9.2–9.4)', () => {
  beforeEach(() => {
    dp.add({ ...genp('ak', 'svc', 'AK'), pdmn: 'ak' });
    dp.add({ ...genp('ck', 'svc', 'CK'), pdmn: 'ck' });
    dp.add({ ...genp('dk', 'svc', 'DK'), pdmn: 'dk' });
  });

  it('9.2: while locked, adding a WhenUnlocked item → errSecInteractionNotAllowed, nothing written', () => {
    mac.lockState = 'locked';
    expect(failureOf(() => dp.add({ ...genp('new'), pdmn: 'ak' }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(failureOf(() => dp.add(genp('default')))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(store.count()).toBe(3);
  });

  it('9.2: while locked, AfterFirstUnlock and Always items can be added', () => {
    mac.lockState = 'locked';
    dp.add({ ...genp('ck2'), pdmn: 'ck' });
    dp.add({ ...genp('dk2'), pdmn: 'dku' });
    expect(store.count()).toBe(5);
  });

  it('9.2: while locked, reading a WhenUnlocked item, attributes included, → errSecInteractionNotAllowed', () => {
    mac.lockState = 'locked';
    expect(failureOf(() => dp.copy({ class: 'genp', acct: 'ak', r_Data: true }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(failureOf(() => dp.copy({ class: 'genp', acct: 'ak', r_Attributes: true }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(data({ class: 'genp', acct: 'ck' })).toBe('CK');
    expect(data({ class: 'genp', acct: 'dk' })).toBe('DK');
  });

  it('9.2: before the first unlock, AfterFirstUnlock items are unreadable too; Always items stay readable', () => {
    mac.lockState = 'beforeFirstUnlock';
    expect(failureOf(() => dp.copy({ class: 'genp', acct: 'ck', r_Data: true }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(data({ class: 'genp', acct: 'dk' })).toBe('DK');
  });

  it('9.3: a search stops at the first match it cannot decrypt; with limit one a readable first match is enough', () => {
    mac.lockState = 'locked';
    expect(failureOf(() => dp.copy({ class: 'genp', r_Attributes: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    dp.add({ ...genp('ck0', 'first'), pdmn: 'ck' });
    mac.lockState = 'unlocked';
    dp.add({ ...genp('ak0', 'first'), pdmn: 'ak' });
    mac.lockState = 'locked';
    expect(failureOf(() => dp.copy({ class: 'genp', r_Data: true }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(data({ class: 'genp', svce: 'first' })).toBe('ck0@first');
    expect(failureOf(() => dp.copy({ class: 'genp', svce: 'first', r_Data: true, m_Limit: 'm_LimitAll' }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
  });

  it('9.2: while locked, updating a WhenUnlocked item → errSecInteractionNotAllowed', () => {
    mac.lockState = 'locked';
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'ak' }, { labl: 'x' }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    dp.update({ class: 'genp', acct: 'ck' }, { labl: 'x' });
    mac.lockState = 'unlocked';
    expect(attrs({ class: 'genp', acct: 'ak' })).not.toHaveProperty('labl');
    expect(attrs({ class: 'genp', acct: 'ck' }).labl).toBe('x');
  });

  it('9.4: while locked, a non-synchronizable WhenUnlocked item can be deleted', () => {
    mac.lockState = 'locked';
    dp.delete({ class: 'genp', acct: 'ak' });
    expect(store.count()).toBe(2);
  });

  it('9.4: while locked, deleting a synchronizable WhenUnlocked item → errSecInteractionNotAllowed', () => {
    dp.add({ ...genp('cloud'), sync: true, pdmn: 'ak' });
    mac.lockState = 'locked';
    expect(failureOf(() => dp.delete({ class: 'genp', acct: 'cloud', sync: true }))).toMatchObject({ code: 'errSecInteractionNotAllowed' });
    expect(store.count()).toBe(4);
  });
});

describe('copy: limits and result shapes (spec 4.2–4.7, 12.2)', () => {
  beforeEach(() => {
    dp.add(genp('a', 'shared', 'A'));
    dp.add(genp('b', 'shared', 'B'));
  });

  it('4.1, 4.3: the default limit is one: a single value, the first in insertion order', () => {
    expect(dp.copy({ class: 'genp', svce: 'shared', r_Data: true })).toEqual(Buffer.from('A'));
  });

  it('4.3, 4.7: kSecMatchLimitAll gives an array (data allowed in the data protection keychain)', () => {
    expect(dp.copy({ class: 'genp', svce: 'shared', r_Data: true, m_Limit: 'm_LimitAll' })).toEqual([Buffer.from('A'), Buffer.from('B')]);
    expect(dp.copy({ class: 'genp', acct: 'b', r_Data: true, m_Limit: 'm_LimitAll' })).toEqual([Buffer.from('B')]);
  });

  it('4.2: a number limits the count; 0 finds nothing; a negative number is unlimited', () => {
    expect(dp.copy({ class: 'genp', r_Data: true, m_Limit: 1 })).toEqual(Buffer.from('A'));
    expect(dp.copy({ class: 'genp', r_Data: true, m_Limit: 2 })).toEqual([Buffer.from('A'), Buffer.from('B')]);
    expect(failureOf(() => dp.copy({ class: 'genp', r_Data: true, m_Limit: 0 }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(dp.copy({ class: 'genp', r_Data: true, m_Limit: -1 })).toEqual([Buffer.from('A'), Buffer.from('B')]);
  });

  it('4.2: a limit string other than One or All → errSecParam', () => {
    expect(failureOf(() => dp.copy({ class: 'genp', r_Data: true, m_Limit: 'lots' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('4.4: no return type: no value with limit one, an empty array with limit all', () => {
    expect(dp.copy({ class: 'genp', acct: 'a' })).toBeUndefined();
    expect(dp.copy({ class: 'genp', m_Limit: 'm_LimitAll' })).toEqual([]);
  });

  it('4.4: an item stored without data gives no value for data alone and is left out of arrays', () => {
    dp.add({ class: 'genp', acct: 'empty', svce: 'shared' });
    expect(dp.copy({ class: 'genp', acct: 'empty', r_Data: true })).toBeUndefined();
    expect(dp.copy({ class: 'genp', svce: 'shared', r_Data: true, m_Limit: 'm_LimitAll' })).toEqual([Buffer.from('A'), Buffer.from('B')]);
  });

  it('4.4: two return types give a dictionary with the attributes even without kSecReturnAttributes', () => {
    const d = dp.copy({ class: 'genp', acct: 'a', r_Data: true, r_PersistentRef: true }) as Record<string, CFResult>;
    expect(d).toMatchObject({ acct: 'a', svce: 'shared', agrp: G1, v_Data: Buffer.from('A') });
    expect(parseDataProtectionRef(d.v_PersistentRef as Buffer)?.cls).toBe('genp');
  });

  it('4.4: a ref alone is a SecKeychainItem that finds its item', () => {
    const ref = dp.copy({ class: 'genp', acct: 'b', r_Ref: true }) as SecHandle;
    expect(ref.kind).toBe('SecKeychainItem');
    expect(dp.copy({ v_Ref: ref, r_Data: true })).toEqual(Buffer.from('B'));
  });

  it('4.6: nothing found → errSecItemNotFound for every limit', () => {
    for (const m_Limit of ['m_LimitOne', 'm_LimitAll', 5]) {
      expect(failureOf(() => dp.copy({ class: 'genp', acct: 'zed', r_Attributes: true, m_Limit }))).toMatchObject({ code: 'errSecItemNotFound' });
    }
  });

  it('4.8: kSecValueData in a search is ignored', () => {
    expect(dp.copy({ class: 'genp', acct: 'a', v_Data: Buffer.from('wrong'), r_Data: true })).toEqual(Buffer.from('A'));
  });

  it('12.2: a persistent ref alone identifies the item; the class comes from the ref', () => {
    const ref = dp.copy({ class: 'genp', acct: 'b', r_PersistentRef: true }) as Buffer;
    expect(ref).toEqual(makeDataProtectionRef('genp', parseDataProtectionRef(ref)!.uuid!));
    expect(dp.copy({ v_PersistentRef: ref, r_Data: true })).toEqual(Buffer.from('B'));
  });

  it('12.2: a persistent ref with attributes → errSecParam; with a contradicting class → errSecNoSuchClass', () => {
    const ref = dp.copy({ class: 'genp', acct: 'b', r_PersistentRef: true }) as Buffer;
    expect(failureOf(() => dp.copy({ v_PersistentRef: ref, agrp: G1 }))).toMatchObject({ code: 'errSecParam' });
    expect(failureOf(() => dp.copy({ class: 'inet', v_PersistentRef: ref }))).toMatchObject({ code: 'errSecNoSuchClass' });
  });

  it('12.3: the persistent ref stays the same across updates', () => {
    const ref = dp.copy({ class: 'genp', acct: 'b', r_PersistentRef: true }) as Buffer;
    dp.update({ class: 'genp', acct: 'b' }, { acct: 'b2', v_Data: Buffer.from('B2') });
    expect(dp.copy({ class: 'genp', acct: 'b2', r_PersistentRef: true })).toEqual(ref);
    expect(dp.copy({ v_PersistentRef: ref, r_Data: true })).toEqual(Buffer.from('B2'));
  });
});

describe('update (spec 5.2–5.8)', () => {
  beforeEach(() => {
    dp.add(genp('a', 'shared', 'A'));
    dp.add(genp('b', 'shared', 'B'));
    dp.add(genp('c', 'shared', 'C'));
  });

  it('5.2: every matching item is updated; a kSecMatchLimitOne in the query is removed by the bridge', () => {
    dp.update({ class: 'genp', svce: 'shared', m_Limit: 'm_LimitOne' }, { labl: 'new' });
    expect(accounts({ class: 'genp', labl: 'new' })).toEqual(['a', 'b', 'c']);
  });

  it('5.2: a match key that reaches the daemon (kSecMatchHostOrSubdomainOfHost) → errSecParam', () => {
    expect(failureOf(() => dp.update({ class: 'genp', m_HostOrSubdomainOfHost: 'x' }, { labl: 'new' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('5.8: no match → errSecItemNotFound', () => {
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'zed' }, { labl: 'x' }))).toMatchObject({ code: 'errSecItemNotFound' });
  });

  it.each<[string, CFDictionary]>([
    ['an attribute of another class', { srvr: 'x' }],
    ['kSecClass', { class: 'genp' }],
    ['a kSecReturn* key', { r_Data: true }],
    ['a kSecMatch* key', { m_Limit: 'm_LimitAll' }],
  ])('5.4: %s among the attributes to update → errSecNoSuchAttr', (_name, changes) => {
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'a' }, changes))).toMatchObject({ code: 'errSecNoSuchAttr' });
  });

  it('5.4: musr and kSecUseDataProtectionKeychain are ignored; kSecAttrSharingGroup → errSecParam', () => {
    dp.update({ class: 'genp', acct: 'a' }, { musr: Buffer.from('x'), nleg: true, labl: 'L' });
    expect(attrs({ class: 'genp', acct: 'a' })).toMatchObject({ labl: 'L', musr: Buffer.alloc(0) });
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'a' }, { ggrp: 'g' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('5.4: a new secret must be data', () => {
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'a' }, { v_Data: 'text' }))).toMatchObject({ code: 'errSecParam' });
    dp.update({ class: 'genp', acct: 'a' }, { v_Data: Buffer.from('A2') });
    expect(data({ class: 'genp', acct: 'a' })).toBe('A2');
  });

  it('5.6: unmentioned attributes are kept, the creation date too; the modification date is now and moves forward', () => {
    const created = clock;
    clock = new Date(created.getTime() + 60_000);
    dp.update({ class: 'genp', acct: 'a' }, { labl: 'L' });
    expect(attrs({ class: 'genp', acct: 'a' })).toMatchObject({ acct: 'a', svce: 'shared', labl: 'L', cdat: created, mdat: clock });
    dp.update({ class: 'genp', acct: 'a' }, {});
    expect((attrs({ class: 'genp', acct: 'a' }).mdat as Date).getTime()).toBeGreaterThan(clock.getTime());
  });

  it('5.6: a new accessibility re-protects the item (its access control follows)', () => {
    dp.update({ class: 'genp', acct: 'a' }, { pdmn: 'dku' });
    const a = attrs({ class: 'genp', acct: 'a' });
    expect(a.pdmn).toBe('dku');
    expect(accessControlSpec(a.accc as SecHandle)).toEqual({ protection: 'dku', flags: 0 });
  });

  it('5.6: an invalid accessibility in the update → errSecParam', () => {
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'a' }, { pdmn: 'zz' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('5.7: a key change into a collision → errSecDuplicateItem, and in the bridge\'s savepoint no item changes', () => {
    const outcome = store.transaction(() => attempt(() => store.savepoint(() => dp.update({ class: 'genp', svce: 'shared' }, { acct: 'x' }))));
    expect(outcome).toMatchObject({ ok: false, error: { code: 'errSecDuplicateItem' } });
    expect(accounts({ class: 'genp', svce: 'shared' })).toEqual(['a', 'b', 'c']);
  });

  it('5.7: a collision with an item outside the match → errSecDuplicateItem, the item keeps its key and secret', () => {
    expect(failureOf(() => dp.update({ class: 'genp', acct: 'a' }, { acct: 'b', v_Data: Buffer.from('new') }))).toMatchObject({ code: 'errSecDuplicateItem' });
    expect(data({ class: 'genp', acct: 'a' })).toBe('A');
    expect(data({ class: 'genp', acct: 'b' })).toBe('B');
  });

it('5.7: the side itself writes nothing when one of the matched items collides', () => {
    expect(failureOf(() => dp.update({ class: 'genp', svce: 'shared' }, { acct: 'x' }))).toMatchObject({ code: 'errSecDuplicateItem' });
    expect(accounts({ class: 'genp', svce: 'shared' })).toEqual(['a', 'b', 'c']);
  });
});

describe('delete (spec 6.1–6.4)', () => {
  beforeEach(() => {
    dp.add(genp('a', 'shared'));
    dp.add(genp('b', 'shared'));
    dp.add(genp('c', 'other'));
  });

  it('6.1, 6.3: every match is deleted, even with kSecMatchLimitOne (removed by the bridge)', () => {
    dp.delete({ class: 'genp', svce: 'shared', m_Limit: 'm_LimitOne' });
    expect(accounts({ class: 'genp' })).toEqual(['c']);
  });

  it('6.3: a match key that reaches the daemon (kSecMatchHostOrSubdomainOfHost) → errSecParam, nothing deleted', () => {
    expect(failureOf(() => dp.delete({ class: 'genp', m_HostOrSubdomainOfHost: 'x' }))).toMatchObject({ code: 'errSecParam' });
    expect(store.count()).toBe(3);
  });

  it('6.3: return keys and kSecValueData in a delete query are removed by the bridge', () => {
    dp.delete({ class: 'genp', acct: 'a', r_Data: true, v_Data: Buffer.from('whatever') });
    expect(accounts({ class: 'genp' })).toEqual(['b', 'c']);
  });

  it('6.4: nothing deleted → errSecItemNotFound', () => {
    expect(failureOf(() => dp.delete({ class: 'genp', acct: 'zed' }))).toMatchObject({ code: 'errSecItemNotFound' });
    expect(store.count()).toBe(3);
  });

  it('2.8: kSecUseAuthenticationUISkip in a delete → errSecParam', () => {
    expect(failureOf(() => dp.delete({ class: 'genp', u_AuthUI: 'u_AuthUIS' }))).toMatchObject({ code: 'errSecParam' });
  });

  it('12.2: delete by persistent ref alone removes exactly that item', () => {
    const ref = dp.copy({ class: 'genp', acct: 'b', r_PersistentRef: true }) as Buffer;
    dp.delete({ v_PersistentRef: ref });
    expect(accounts({ class: 'genp' })).toEqual(['a', 'c']);
    expect(failureOf(() => dp.delete({ v_PersistentRef: ref }))).toMatchObject({ code: 'errSecItemNotFound' });
  });
});

describe('the side (side.ts)', () => {
  it('3.5: primaryKeyOf gives the class keys plus agrp, sync, vwht, tkid, musr, ggrp', () => {
    expect(dp.kind).toBe('dp');
    expect([...dp.primaryKeyOf('genp')].sort()).toEqual(['acct', 'agrp', 'ggrp', 'musr', 'svce', 'sync', 'tkid', 'vwht'].sort());
    expect([...dp.primaryKeyOf('inet')].sort())
      .toEqual(['acct', 'agrp', 'atyp', 'ggrp', 'musr', 'path', 'port', 'ptcl', 'sdmn', 'srvr', 'sync', 'tkid', 'vwht'].sort());
  });

  it('1.5: matches() gives every item the update query reaches, with its secret and a data protection ref', () => {
    dp.add(genp('a', 's', 'A'));
    dp.add(genp('b', 's', 'B'));
    const items = dp.matches({ class: 'genp', svce: 's', m_Limit: 'm_LimitOne' });
    expect(items.map((i) => [i.cls, i.attributes.acct, String(i.data)])).toEqual([['genp', 'a', 'A'], ['genp', 'b', 'B']]);
    expect(dp.copy({ v_PersistentRef: items[1]!.ref, r_Data: true })).toEqual(Buffer.from('B'));
  });
});
