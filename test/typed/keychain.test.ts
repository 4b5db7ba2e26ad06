import { afterEach, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/api/emulator.js';
import { SecError } from '../../src/errors.js';
import * as c from '../../src/constants.js';
import { genericPassword, internetPassword } from '../../src/typed/builders.js';
import { Keychain } from '../../src/typed/keychain.js';
import type { GenericPasswordSpec, InternetPasswordSpec } from '../../src/typed/types.js';

const open: Emulator[] = [];
function emulator(app?: { accessGroups: string[] }): Emulator {
  const e = createEmulator(app ? { app } : {});
  open.push(e);
  return e;
}
afterEach(() => { for (const e of open.splice(0)) e.close(); });

const rejectsWith = async (p: Promise<unknown>, status: number) => {
  const error = await p.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(SecError);
  expect((error as SecError).status).toBe(status);
  return error as SecError;
};

describe('Keychain over the emulator (file-based keychain, plain process)', () => {
  it.each(['file', 'dataProtection'] as const)('round-trips every generic password attribute (%s keychain)', async (keychain) => {
    const kc = new Keychain({ backend: emulator({ accessGroups: ['TEAM.one', 'TEAM.two'] }), keychain });
    const protection = keychain === 'dataProtection' ? { accessGroup: 'TEAM.two', accessible: 'afterFirstUnlockThisDeviceOnly' } as const : {};
    const spec: GenericPasswordSpec = {
      class: 'genericPassword', service: 'svc', account: 'ålice', label: 'My label', comment: 'a comment',
      description: 'kind', generic: Buffer.from([0, 1, 2, 255]), creator: 'abcd', type: 0x1234, isInvisible: true, isNegative: false,
      ...protection,
    };
    await kc.set(spec, 'pässwörd 🔑');
    const [item, ...rest] = await kc.find({ class: 'genericPassword', service: 'svc' }, { data: true });
    expect(rest).toEqual([]);
    expect(item).toMatchObject({
      ...protection,
      class: 'genericPassword', keychain, service: 'svc', account: 'ålice', label: 'My label', comment: 'a comment',
      description: 'kind', generic: Buffer.from([0, 1, 2, 255]), creator: 0x61626364, type: 0x1234, isInvisible: true,
      isNegative: false, synchronizable: false,
    });
    expect(item!.data!.toString('utf8')).toBe('pässwörd 🔑');
    expect(item!.creationDate).toBeInstanceOf(Date);
    expect(item!.modificationDate).toBeInstanceOf(Date);
    expect(item!.raw[c.kSecAttrService]).toBe('svc');
  });

  it('round-trips every internet password attribute', async () => {
    const kc = new Keychain({ backend: emulator() });
    const spec = internetPassword().server('example.com').account('bob').protocol('https').port(8443).path('/login')
      .securityDomain('realm').authenticationType('htmlForm').label('Example').comment('c').description('d').build();
    await kc.set(spec, new Uint8Array([9, 8, 7]));
    const item = await kc.getItem({ class: 'internetPassword', server: 'example.com' }, { data: true });
    expect(item).toMatchObject({
      class: 'internetPassword', server: 'example.com', account: 'bob', protocol: 'https', port: 8443, path: '/login',
      securityDomain: 'realm', authenticationType: 'htmlForm', label: 'Example', comment: 'c', description: 'd',
    });
    expect(item!.data).toEqual(Buffer.from([9, 8, 7]));
  });

  it('get returns the secret, or null when absent; utf8 on request', async () => {
    const kc = new Keychain({ backend: emulator() });
    expect(await kc.get({ class: 'genericPassword', service: 's', account: 'a' })).toBeNull();
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'x');
    expect(await kc.get({ class: 'genericPassword', service: 's', account: 'a' })).toEqual(Buffer.from('x'));
    expect(await kc.get({ class: 'genericPassword', service: 's', account: 'a' }, { encoding: 'utf8' })).toBe('x');
  });

  it('set replaces the secret and attributes of an existing item in place (add, then update on errSecDuplicateItem)', async () => {
    const backend = emulator();
    const kc = new Keychain({ backend });
    const item = genericPassword().service('s').account('a');
    await kc.set(item.label('first').build(), 'one');
    const before = await kc.getItem(item.query());
    await kc.set(item.label('second').build(), 'two');
    const all = await kc.find(item.query(), { data: true });
    expect(all).toHaveLength(1);
    expect(all[0]!.label).toBe('second');
    expect(all[0]!.data!.toString()).toBe('two');
    // The same item, updated (creation date kept), not deleted and added again.
    expect(all[0]!.creationDate!.getTime()).toBe(before!.creationDate!.getTime());
  });

  it('set only touches the item with the same primary key, even when key attributes were left out', async () => {
    const kc = new Keychain({ backend: emulator() });
    await kc.set({ class: 'internetPassword', server: 'h', account: 'u', port: 443 }, 'port-443');
    await kc.set({ class: 'internetPassword', server: 'h', account: 'u' }, 'no-port');
    await kc.set({ class: 'internetPassword', server: 'h', account: 'u' }, 'no-port-2');
    expect(await kc.get({ class: 'internetPassword', server: 'h', account: 'u', port: 443 }, { encoding: 'utf8' })).toBe('port-443');
    expect(await kc.get({ class: 'internetPassword', server: 'h', account: 'u', port: 0 }, { encoding: 'utf8' })).toBe('no-port-2');
    expect(await kc.find({ class: 'internetPassword', server: 'h' })).toHaveLength(2);
  });

  it('set never leaves a window where the item is missing', async () => {
    const backend = emulator();
    const kc = new Keychain({ backend });
    const spec = { class: 'genericPassword', service: 'race', account: 'a' } as const;
    await kc.set(spec, 'v0');
    let missing = 0;
    let writing = true;
    const reader = (async () => {
      while (writing) if ((await kc.get(spec)) === null) missing++;
    })();
    for (let i = 1; i <= 20; i++) await kc.set(spec, `v${i}`);
    writing = false;
    await reader;
    expect(missing).toBe(0);
    expect(await kc.get(spec, { encoding: 'utf8' })).toBe('v20');
  });

  it('add refuses a duplicate with errSecDuplicateItem', async () => {
    const kc = new Keychain({ backend: emulator() });
    await kc.add({ class: 'genericPassword', service: 's', account: 'a' }, 'x');
    await rejectsWith(kc.add({ class: 'genericPassword', service: 's', account: 'a', label: 'other' }, 'y'), -25299);
  });

  it('update changes matching items and reports whether any matched', async () => {
    const kc = new Keychain({ backend: emulator() });
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'x');
    await kc.set({ class: 'genericPassword', service: 's', account: 'b' }, 'y');
    expect(await kc.update({ class: 'genericPassword', service: 's' }, { comment: 'both' })).toBe(true);
    const items = await kc.find({ class: 'genericPassword', service: 's' });
    // The file-based keychain updates only the first match by default (5.3); Keychain asks for all.
    expect(items.map((i) => i.comment)).toEqual(['both', 'both']);
    expect(await kc.update({ class: 'genericPassword', service: 's', account: 'a' }, { value: 'new' })).toBe(true);
    expect(await kc.get({ class: 'genericPassword', service: 's', account: 'a' }, { encoding: 'utf8' })).toBe('new');
    expect(await kc.update({ class: 'genericPassword', service: 'none' }, { comment: 'x' })).toBe(false);
  });

  it('delete removes every match and says whether anything was deleted', async () => {
    const kc = new Keychain({ backend: emulator() });
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'x');
    await kc.set({ class: 'genericPassword', service: 's', account: 'b' }, 'y');
    expect(await kc.delete({ class: 'genericPassword', service: 's' })).toBe(true);
    expect(await kc.find({ class: 'genericPassword', service: 's' })).toEqual([]);
    expect(await kc.delete({ class: 'genericPassword', service: 's' })).toBe(false);
  });

  it('find honours limits, returns [] when nothing matches; list covers both classes', async () => {
    const kc = new Keychain({ backend: emulator() });
    for (const a of ['a', 'b', 'c']) await kc.set({ class: 'genericPassword', service: 's', account: a }, a);
    await kc.set({ class: 'internetPassword', server: 'h', account: 'a' }, 'i');
    expect(await kc.find({ class: 'genericPassword', service: 's' }, { limit: 2 })).toHaveLength(2);
    expect(await kc.find({ class: 'genericPassword', service: 's' }, { limit: 1, data: true })).toHaveLength(1);
    expect(await kc.find({ class: 'genericPassword', service: 'nothing' })).toEqual([]);
    const all = await kc.list();
    expect(all.map((i) => i.class).sort()).toEqual(['genericPassword', 'genericPassword', 'genericPassword', 'internetPassword']);
    expect(all.every((i) => i.data === undefined)).toBe(true);
    expect((await kc.list('internetPassword', { data: true }))[0]!.data!.toString()).toBe('i');
  });

  it('bad input is errSecParam naming the attribute, before anything is written', async () => {
    const backend = emulator();
    const kc = new Keychain({ backend });
    const bad: unknown[] = [
      { class: 'genericPassword', service: 's', server: 'x' },
      { class: 'internetPassword', server: 'h', port: 70000 },
      { class: 'internetPassword', server: 'h', protocol: 'gopher' },
      { class: 'genericPassword', service: 's', synchronizable: true, accessible: 'whenUnlockedThisDeviceOnly' },
      { class: 'genericPassword', service: 's', synchronizable: 'any' },
      { class: 'genericPassword', creationDate: new Date() },
      { class: 'certificate' },
      { class: 'genericPassword', keychain: 'login' },
    ];
    for (const spec of bad) {
      const error = await rejectsWith(kc.set(spec as GenericPasswordSpec, 'x'), -50);
      expect(error.message).toMatch(/server|port|protocol|ThisDeviceOnly|synchronizable|creationDate|class|keychain/);
    }
    await rejectsWith(kc.set({ class: 'genericPassword', service: 's' }, 5 as unknown as string), -50);
    expect(await kc.list()).toEqual([]);
  });

  it('keychain: "dataProtection" maps to kSecUseDataProtectionKeychain and needs entitlements', async () => {
    const unsigned = new Keychain({ backend: emulator() });
    await rejectsWith(unsigned.set({ class: 'genericPassword', service: 's', keychain: 'dataProtection' }, 'x'), -34018);
    const app = new Keychain({ backend: emulator({ accessGroups: ['TEAM.com.example.shared', 'TEAM.com.example.app'] }) });
    const spec: InternetPasswordSpec = {
      class: 'internetPassword', keychain: 'dataProtection', server: 'h', account: 'a', accessible: 'afterFirstUnlock',
      accessGroup: 'TEAM.com.example.app', synchronizable: true,
    };
    await app.set(spec, 'secret');
    const item = await app.getItem({ class: 'internetPassword', keychain: 'dataProtection', server: 'h', synchronizable: 'any' });
    expect(item).toMatchObject({ keychain: 'dataProtection', accessible: 'afterFirstUnlock', accessGroup: 'TEAM.com.example.app', synchronizable: true });
    // A search without synchronizable does not see synchronizable items (7.1).
    expect(await app.getItem({ class: 'internetPassword', keychain: 'dataProtection', server: 'h' })).toBeNull();
    // set on a synchronizable item updates it in place.
    await app.set(spec, 'secret-2');
    expect(await app.get({ class: 'internetPassword', keychain: 'dataProtection', server: 'h', synchronizable: true }, { encoding: 'utf8' })).toBe('secret-2');
  });

  it('"file" pins calls to the file-based keychain even for an entitled app', async () => {
    const backend = emulator({ accessGroups: ['TEAM.g'] });
    const kc = new Keychain({ backend, keychain: 'file' });
    await kc.set({ class: 'genericPassword', service: 's' }, 'fb');
    await new Keychain({ backend }).set({ class: 'genericPassword', service: 's', keychain: 'dataProtection' }, 'dp');
    const items = await kc.find({ class: 'genericPassword', service: 's' }, { data: true });
    expect(items.map((i) => [i.keychain, i.data!.toString()])).toEqual([['file', 'fb']]);
  });

  it('set without a keychain updates only the keychain the add went to, not a same-key item in the other', async () => {
    const backend = emulator({ accessGroups: ['TEAM.g'] });
    const kc = new Keychain({ backend });
    await kc.set({ class: 'genericPassword', service: 's', account: 'a', keychain: 'dataProtection' }, 'dp');
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'fb-1');   // a plain add goes to the file-based keychain (1.3)
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'fb-2');   // duplicate there: updated in place
    expect(await kc.get({ class: 'genericPassword', service: 's', account: 'a', keychain: 'dataProtection' }, { encoding: 'utf8' })).toBe('dp');
    expect(await kc.get({ class: 'genericPassword', service: 's', account: 'a', keychain: 'file' }, { encoding: 'utf8' })).toBe('fb-2');
  });

  it('rejects with the signal reason when aborted before the call, and writes nothing', async () => {
    const kc = new Keychain({ backend: emulator() });
    const controller = new AbortController();
    controller.abort();
    const spec = { class: 'genericPassword', service: 's' } as const;
    for (const call of [
      () => kc.set(spec, 'x', { signal: controller.signal }),
      () => kc.get(spec, { signal: controller.signal }),
      () => kc.find(spec, { signal: controller.signal }),
      () => kc.update(spec, { label: 'l' }, { signal: controller.signal }),
      () => kc.delete(spec, { signal: controller.signal }),
    ]) {
      await expect(call()).rejects.toBe(controller.signal.reason);
    }
    const custom = new AbortController();
    custom.abort(new Error('stop'));
    await expect(kc.set(spec, 'x', { signal: custom.signal })).rejects.toThrow('stop');
    expect(await kc.list()).toEqual([]);
  });

  it('accessControl round-trips as a handle; with accessible it is errSecParam before any write', async () => {
    const backend = emulator({ accessGroups: ['TEAM.app'] });
    const kc = new Keychain({ backend });
    const ac = await backend.SecAccessControlCreateWithFlags(c.kSecAttrAccessibleWhenUnlocked, c.kSecAccessControlUserPresence);
    await rejectsWith(kc.set({ class: 'genericPassword', service: 's', accessControl: ac, accessible: 'whenUnlocked' } as unknown as GenericPasswordSpec, 'x'), -50);
    await rejectsWith(kc.set({ class: 'genericPassword', service: 's', accessControl: 'nope' } as unknown as GenericPasswordSpec, 'x'), -50);
    expect(await kc.list()).toEqual([]);
    await kc.set({ class: 'genericPassword', keychain: 'dataProtection', service: 's', accessControl: ac }, 'x');
    const item = await kc.getItem({ class: 'genericPassword', keychain: 'dataProtection', service: 's' });
    expect(item!.accessControl!.kind).toBe('SecAccessControl');
    expect(await kc.get({ class: 'genericPassword', keychain: 'dataProtection', service: 's' }, { prompt: 'why' }, )).toEqual(Buffer.from('x'));
    expect(backend.prompts.at(-1)!.reason).toBe('why');
  });

  it('raw keys pass through after the typed ones', async () => {
    const kc = new Keychain({ backend: emulator() });
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'x', { raw: { [c.kSecAttrLabel]: 'raw label' } });
    expect((await kc.getItem({ class: 'genericPassword', service: 's' }))!.label).toBe('raw label');
    await kc.set({ class: 'genericPassword', service: 's', account: 'a' }, 'y', { raw: { [c.kSecAttrComment]: 'via update' } });
    expect((await kc.getItem({ class: 'genericPassword', service: 's' }))!.comment).toBe('via update');
  });

  it('raw values are checked once, as the raw calls check them: errSecParam naming the key, nothing written', async () => {
    const backend = emulator();
    const kc = new Keychain({ backend });
    const item = { class: 'genericPassword', service: 's', account: 'a' } as const;
    const error = await rejectsWith(kc.set(item, 'x', { raw: { [c.kSecAttrLabel]: Symbol('no') as never } }), -50);
    expect(error.message).toContain('kSecAttrLabel');
    await rejectsWith(kc.get(item, { raw: { [c.kSecAttrComment]: Number.NaN } }), -50);
    await rejectsWith(kc.find(item, { raw: { [c.kSecAttrComment]: 10n ** 30n } }), -50);
    expect(await kc.get(item)).toBeNull();
  });

  it('a backend option that is not a backend is errSecParam at construction', () => {
    for (const backend of [5, null, 'emulator', {}]) {
      expect(() => new Keychain({ backend: backend as never })).toThrow(expect.objectContaining({ code: 'errSecParam' }));
    }
    expect(() => new Keychain(null as never)).toThrow(expect.objectContaining({ code: 'errSecParam' }));
  });
});
