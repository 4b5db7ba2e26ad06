import { describe, expect, expectTypeOf, it } from 'vitest';
import { certificate as certificateBuilder, genericPassword, internetPassword } from '../../src/typed/builders.js';
import type { Keychain } from '../../src/typed/keychain.js';
import type { SecHandle } from '../../src/handles.js';
import type {
  AnyItem, CertificateItem, CertificateQuery, CertificateSpec, GenericPasswordItem, GenericPasswordQuery, GenericPasswordSpec,
  IdentityItem, InternetPasswordItem, InternetPasswordSpec, KeyItem, KeyQuery, KeySpec,
} from '../../src/typed/types.js';

// These tests run in the type checker (`npm run typecheck`, part of `npm test`): every
// expect-error directive below must meet an error, or the check fails.

describe('typed items: the compiler rejects what Apple would', () => {
  it('accepts a generic password with its own attributes', () => {
    const ok: GenericPasswordSpec = {
      class: 'genericPassword', service: 's', account: 'a', label: 'l', comment: 'c', description: 'd',
      generic: new Uint8Array([1]), accessGroup: 'TEAM.group', accessible: 'afterFirstUnlock', synchronizable: true,
      creator: 'abcd', type: 1, isInvisible: true, isNegative: false, keychain: 'dataProtection',
    };
    expectTypeOf(ok).toMatchTypeOf<GenericPasswordSpec>();
  });

  it('rejects an attribute the class does not have', () => {
    // @ts-expect-error kSecAttrServer is not a generic password attribute
    const a: GenericPasswordSpec = { class: 'genericPassword', service: 's', server: 'x' };
    // @ts-expect-error kSecAttrService is not an internet password attribute
    const b: InternetPasswordSpec = { class: 'internetPassword', server: 'x', service: 's' };
    // @ts-expect-error creationDate is set by the keychain, not by the caller
    const d: GenericPasswordSpec = { class: 'genericPassword', creationDate: new Date() };
    void a; void b; void d;
  });

  it('rejects a wrong value type', () => {
    // @ts-expect-error port is a number
    const a: InternetPasswordSpec = { class: 'internetPassword', server: 'x', port: '443' };
    // @ts-expect-error protocol is one of the protocol words
    const b: InternetPasswordSpec = { class: 'internetPassword', server: 'x', protocol: 'gopher' };
    // @ts-expect-error accessible is one of the accessibility words
    const c: GenericPasswordSpec = { class: 'genericPassword', accessible: 'sometimes' };
    // @ts-expect-error keychain is 'file' or 'dataProtection'
    const d: GenericPasswordSpec = { class: 'genericPassword', keychain: 'login' };
    void a; void b; void c; void d;
  });

  it('rejects synchronizable: true with a ThisDeviceOnly accessibility', () => {
    // @ts-expect-error SecItem.h: synchronizable items cannot be ThisDeviceOnly
    const a: GenericPasswordSpec = { class: 'genericPassword', synchronizable: true, accessible: 'whenUnlockedThisDeviceOnly' };
    const b: GenericPasswordSpec = { class: 'genericPassword', synchronizable: false, accessible: 'whenUnlockedThisDeviceOnly' };
    const c: GenericPasswordSpec = { class: 'genericPassword', synchronizable: true, accessible: 'afterFirstUnlock' };
    // @ts-expect-error 'any' is for searches only
    const d: GenericPasswordSpec = { class: 'genericPassword', synchronizable: 'any' };
    const q: GenericPasswordQuery = { class: 'genericPassword', synchronizable: 'any' };
    void a; void b; void c; void d; void q;
  });

  it('an access control excludes accessible and synchronizable (spec 2.7, 3.7)', () => {
    const ac = null as unknown as SecHandle;
    const ok: GenericPasswordSpec = { class: 'genericPassword', keychain: 'dataProtection', accessControl: ac };
    // @ts-expect-error an access control carries its own accessibility
    const a: GenericPasswordSpec = { class: 'genericPassword', accessControl: ac, accessible: 'whenUnlocked' };
    // @ts-expect-error a protected item cannot be synchronizable
    const b: GenericPasswordSpec = { class: 'genericPassword', accessControl: ac, synchronizable: true };
    void ok; void a; void b;
  });

  it('builders record what was set and refuse the forbidden pair', () => {
    const base = genericPassword().service('s').account('a');
    expectTypeOf(base.build()).toEqualTypeOf<GenericPasswordSpec>();
    // The same refusals hold at run time for plain JavaScript callers.
    // @ts-expect-error server is not a generic password setter
    expect(() => base.server('x')).toThrow(TypeError);
    // @ts-expect-error label takes a string
    expect(() => base.label(3).build()).toThrow(/label/);
    const bad = base.synchronizable(true).accessible('afterFirstUnlockThisDeviceOnly');
    // @ts-expect-error build is not callable for a synchronizable ThisDeviceOnly item
    expect(() => bad.build()).toThrow(/ThisDeviceOnly/);
    // Each step returns a new builder; the earlier one is unchanged.
    expect(base.fields).toEqual({ service: 's', account: 'a' });
    expect(base.label('x').fields).toEqual({ service: 's', account: 'a', label: 'x' });
    expectTypeOf(internetPassword().server('h').port(443).protocol('https').build()).toEqualTypeOf<InternetPasswordSpec>();
  });

  it('Keychain methods check their arguments the same way', () => {
    const check = async (kc: Keychain) => {
      await kc.set({ class: 'internetPassword', server: 'h', protocol: 'https', port: 443 }, 'pw');
      // @ts-expect-error generic passwords have no server
      await kc.set({ class: 'genericPassword', service: 's', server: 'h' }, 'pw');
      // @ts-expect-error the secret is a string or bytes
      await kc.set({ class: 'genericPassword', service: 's' }, 42);
      // @ts-expect-error synchronizable ThisDeviceOnly
      await kc.set({ class: 'genericPassword', synchronizable: true, accessible: 'alwaysThisDeviceOnly' }, 'pw');
      expectTypeOf(await kc.get({ class: 'genericPassword', service: 's' })).toEqualTypeOf<Buffer | null>();
      expectTypeOf(await kc.get({ class: 'genericPassword', service: 's' }, { encoding: 'utf8' })).toEqualTypeOf<string | null>();
      expectTypeOf(await kc.find({ class: 'internetPassword', server: 'h' })).toEqualTypeOf<InternetPasswordItem[]>();
      expectTypeOf(await kc.getItem({ class: 'genericPassword' })).toEqualTypeOf<GenericPasswordItem | null>();
      expectTypeOf(await kc.delete({ class: 'genericPassword', service: 's' })).toEqualTypeOf<boolean>();
      await kc.update({ class: 'genericPassword', service: 's' }, { label: 'new', value: 'pw2' });
      // @ts-expect-error changes follow the query's class
      await kc.update({ class: 'genericPassword', service: 's' }, { port: 1 });
      // @ts-expect-error 'any' is not a change
      await kc.update({ class: 'genericPassword', service: 's' }, { synchronizable: 'any' });
      await kc.find({ class: 'genericPassword' }, { limit: 3, data: true, signal: AbortSignal.timeout(1000) });
    };
    expectTypeOf(check).toBeFunction();
  });

  it('results carry typed attributes', () => {
    type GetItem = Keychain['getItem'];
    expectTypeOf<Awaited<ReturnType<Keychain['find']>>>().toEqualTypeOf<AnyItem[]>();
    expectTypeOf<GenericPasswordItem['creationDate']>().toEqualTypeOf<Date | undefined>();
    expectTypeOf<GenericPasswordItem['generic']>().toEqualTypeOf<Buffer | undefined>();
    expectTypeOf<InternetPasswordItem['protocol']>().toEqualTypeOf<import('../../src/typed/words.js').InternetProtocol | undefined>();
    void (null as unknown as GetItem);
  });

  it('keys, certificates and identities: their own attributes, stored by ref, no secret', () => {
    const ref = null as unknown as SecHandle;
    const key: KeySpec = { class: 'key', ref, label: 'signing', applicationTag: 'com.example.key', keychain: 'dataProtection', accessible: 'afterFirstUnlock' };
    const certificate: CertificateSpec = { class: 'certificate', ref, label: 'client' };
    expectTypeOf(key).toMatchTypeOf<KeySpec>();
    expectTypeOf(certificate).toMatchTypeOf<CertificateSpec>();
    // @ts-expect-error a certificate item is its SecCertificate: ref is required
    const noRef: CertificateSpec = { class: 'certificate', label: 'client' };
    // @ts-expect-error kSecAttrService is not a certificate attribute
    const service: CertificateQuery = { class: 'certificate', service: 's' };
    // @ts-expect-error keyType is one of the key type words
    const dsa: KeyQuery = { class: 'key', keyType: 'dsa' };
    // @ts-expect-error subject is data the keychain derives, not a string
    const subject: CertificateQuery = { class: 'certificate', subject: 'CN=x' };
    void noRef; void service; void dsa; void subject;
    const calls = async (kc: Keychain) => {
      await kc.add({ class: 'certificate', ref });
      // @ts-expect-error set stores a secret: password classes only
      await kc.set({ class: 'certificate', ref }, 'secret');
      // @ts-expect-error get returns a secret: password classes only
      await kc.get({ class: 'key', keyClass: 'private' });
      expectTypeOf(await kc.find({ class: 'certificate', label: 'client' })).toEqualTypeOf<CertificateItem[]>();
      expectTypeOf(await kc.find({ class: 'identity' })).toEqualTypeOf<IdentityItem[]>();
      expectTypeOf(await kc.list(['key'])).toEqualTypeOf<KeyItem[]>();
      expectTypeOf(await kc.list()).toEqualTypeOf<(GenericPasswordItem | InternetPasswordItem)[]>();
    };
    expectTypeOf(calls).toBeFunction();
    const builders = () => {
      // @ts-expect-error a certificate item's build() needs its ref first
      certificateBuilder().label('client').build();
      expectTypeOf(certificateBuilder().label('client').ref(ref).build).toBeFunction();
    };
    expectTypeOf(builders).toBeFunction();
    expectTypeOf<KeyItem['ref']>().toEqualTypeOf<SecHandle | undefined>();
    expectTypeOf<CertificateItem['publicKeyHash']>().toEqualTypeOf<Buffer | undefined>();
  });
});
