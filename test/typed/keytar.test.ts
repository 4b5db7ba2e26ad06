import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as c from '../../src/constants.js';
import { createEmulator, type Emulator } from '../../src/api/emulator.js';
import { SecError } from '../../src/errors.js';
import { createKeytar, type KeytarApi } from '../../src/typed/keytar.js';

const open: Emulator[] = [];
function setup(app?: { accessGroups: string[] }) {
  const backend = createEmulator(app ? { app } : {});
  open.push(backend);
  return { backend, keytar: createKeytar(backend) };
}
afterEach(() => { for (const e of open.splice(0)) e.close(); });

describe('security-framework/keytar: keytar semantics', () => {
  it('getPassword resolves null for a missing entry and the password otherwise', async () => {
    const { keytar } = setup();
    expect(await keytar.getPassword('svc', 'alice')).toBeNull();
    await keytar.setPassword('svc', 'alice', 'pw');
    expect(await keytar.getPassword('svc', 'alice')).toBe('pw');
    expect(await keytar.getPassword('svc', 'bob')).toBeNull();
  });

  it('setPassword replaces an existing password (one item, same item)', async () => {
    const { keytar, backend } = setup();
    await keytar.setPassword('svc', 'alice', 'one');
    await keytar.setPassword('svc', 'alice', 'two');
    expect(await keytar.getPassword('svc', 'alice')).toBe('two');
    const all = await backend.SecItemCopyMatching({ [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecReturnAttributes]: true, [c.kSecMatchLimit]: c.kSecMatchLimitAll });
    expect(all).toHaveLength(1);
  });

  it('deletePassword resolves true when it deleted, false when there was nothing', async () => {
    const { keytar } = setup();
    await keytar.setPassword('svc', 'alice', 'pw');
    expect(await keytar.deletePassword('svc', 'alice')).toBe(true);
    expect(await keytar.deletePassword('svc', 'alice')).toBe(false);
    expect(await keytar.getPassword('svc', 'alice')).toBeNull();
  });

  it('findPassword resolves some password of the service, or null', async () => {
    const { keytar } = setup();
    expect(await keytar.findPassword('svc')).toBeNull();
    await keytar.setPassword('svc', 'alice', 'a-pw');
    await keytar.setPassword('svc', 'bob', 'b-pw');
    await keytar.setPassword('other', 'carol', 'c-pw');
    expect(['a-pw', 'b-pw']).toContain(await keytar.findPassword('svc'));
  });

  it('findCredentials resolves every account of the service with its password, [] when none', async () => {
    const { keytar } = setup();
    expect(await keytar.findCredentials('svc')).toEqual([]);
    await keytar.setPassword('svc', 'alice', 'a-pw');
    await keytar.setPassword('svc', 'bob', 'b-pw');
    await keytar.setPassword('other', 'carol', 'c-pw');
    const found = await keytar.findCredentials('svc');
    expect([...found].sort((x, y) => x.account.localeCompare(y.account))).toEqual([
      { account: 'alice', password: 'a-pw' },
      { account: 'bob', password: 'b-pw' },
    ]);
  });

  it('is unicode everywhere: service, account and password', async () => {
    const { keytar } = setup();
    const service = 'сервис-服务-🔐';
    const account = 'Zoë Ñandú 👩‍💻';
    const password = 'pässwörd-密码-🗝️\u0000tail';
    await keytar.setPassword(service, account, password);
    expect(await keytar.getPassword(service, account)).toBe(password);
    expect(await keytar.findPassword(service)).toBe(password);
    expect(await keytar.findCredentials(service)).toEqual([{ account, password }]);
    expect(await keytar.deletePassword(service, account)).toBe(true);
  });

  it('stores items the way keytar did on macOS: generic password, file-based keychain, label = service, UTF-8 data', async () => {
    const { keytar, backend } = setup({ accessGroups: ['TEAM.app'] });
    await keytar.setPassword('svc', 'alice', 'pw');
    const attrs = await backend.SecItemCopyMatching({
      [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecUseDataProtectionKeychain]: false,
      [c.kSecAttrService]: 'svc', [c.kSecReturnAttributes]: true, [c.kSecReturnData]: true,
    }) as Record<string, unknown>;
    expect(attrs[c.kSecAttrService]).toBe('svc');
    expect(attrs[c.kSecAttrAccount]).toBe('alice');
    expect(attrs[c.kSecAttrLabel]).toBe('svc');
    expect(attrs[c.kSecValueData]).toEqual(Buffer.from('pw', 'utf8'));
    // Nothing went to the data protection keychain, even for an entitled app.
    await expect(backend.SecItemCopyMatching({ [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecUseDataProtectionKeychain]: true }))
      .rejects.toMatchObject({ status: -25300 });
  });

  it('reads an item written the way keytar wrote it (no explicit label) and keeps its attributes on set', async () => {
    const { keytar, backend } = setup();
    // What SecKeychainAddGenericPassword produced: service, account, data; the label defaulted.
    await backend.SecItemAdd({ [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecAttrService]: 'legacy', [c.kSecAttrAccount]: 'me', [c.kSecAttrComment]: 'kept', [c.kSecValueData]: Buffer.from('old') });
    expect(await keytar.getPassword('legacy', 'me')).toBe('old');
    await keytar.setPassword('legacy', 'me', 'new');
    const attrs = await backend.SecItemCopyMatching({ [c.kSecClass]: c.kSecClassGenericPassword, [c.kSecAttrService]: 'legacy', [c.kSecReturnAttributes]: true, [c.kSecReturnData]: true }) as Record<string, unknown>;
    expect(attrs[c.kSecAttrComment]).toBe('kept');
    expect(attrs[c.kSecValueData]).toEqual(Buffer.from('new'));
  });

  it('throws synchronously on a missing argument, as keytar does', () => {
    const { keytar } = setup();
    expect(() => keytar.getPassword('', 'a')).toThrow('Service is required.');
    expect(() => keytar.setPassword('s', '', 'p')).toThrow('Account is required.');
    expect(() => keytar.setPassword('s', 'a', '')).toThrow('Password is required.');
    expect(() => keytar.findCredentials(undefined as unknown as string)).toThrow('Service is required.');
    expect(() => keytar.findPassword(42 as unknown as string)).toThrow(TypeError);
  });
});

/** How keytar 7.9 throws: one call, what it throws (constructor and exact message). */
const ERROR_TABLE: [string, (k: KeytarApi) => unknown, ErrorConstructor | TypeErrorConstructor, string][] = [
  ["getPassword('', 'a')", (k) => k.getPassword('', 'a'), Error, 'Service is required.'],
  ["getPassword('s', undefined)", (k) => k.getPassword('s', undefined as never), Error, 'Account is required.'],
  ["getPassword(42, 'a')", (k) => k.getPassword(42 as never, 'a'), TypeError, "Parameter 'service' must be a string"],
  ["getPassword('s', {})", (k) => k.getPassword('s', {} as never), TypeError, "Parameter 'username' must be a string"],
  ["setPassword(null, 'a', 'p')", (k) => k.setPassword(null as never, 'a', 'p'), Error, 'Service is required.'],
  ["setPassword('s', '', 'p')", (k) => k.setPassword('s', '', 'p'), Error, 'Account is required.'],
  ["setPassword('s', 'a', '')", (k) => k.setPassword('s', 'a', ''), Error, 'Password is required.'],
  ["setPassword(1, 'a', '')", (k) => k.setPassword(1 as never, 'a', ''), Error, 'Password is required.'],
  ["setPassword(1, 'a', 'p')", (k) => k.setPassword(1 as never, 'a', 'p'), TypeError, "Parameter 'service' must be a string"],
  ["setPassword('s', 1, 'p')", (k) => k.setPassword('s', 1 as never, 'p'), TypeError, "Parameter 'username' must be a string"],
  ["setPassword('s', 'a', Buffer.alloc(0))", (k) => k.setPassword('s', 'a', Buffer.alloc(0) as never), Error, 'Password is required.'],
  ["setPassword('s', 'a', Buffer.from('p'))", (k) => k.setPassword('s', 'a', Buffer.from('p') as never), TypeError, "Parameter 'password' must be a string"],
  ["deletePassword('s', 0)", (k) => k.deletePassword('s', 0 as never), Error, 'Account is required.'],
  ["deletePassword(true, 'a')", (k) => k.deletePassword(true as never, 'a'), TypeError, "Parameter 'service' must be a string"],
  ['findPassword([])', (k) => k.findPassword([] as never), Error, 'Service is required.'],
  ["findPassword(['s'])", (k) => k.findPassword(['s'] as never), TypeError, "Parameter 'service' must be a string"],
  ['findCredentials(NaN)', (k) => k.findCredentials(Number.NaN as never), Error, 'Service is required.'],
  ["findCredentials(Symbol('s'))", (k) => k.findCredentials(Symbol('s') as never), TypeError, "Parameter 'service' must be a string"],
];

/** What a call threw synchronously (undefined when it returned). */
function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * keytar 7.9's argument checks, transcribed: lib/keytar.js `checkRequired` on every argument,
 * then the addon's type checks (src/main.cc) — the reference the facade is compared with.
 */
function keytarReference(values: unknown[], names: readonly ('Service' | 'Account' | 'Password')[]): void {
  const addonName = { Service: 'service', Account: 'username', Password: 'password' } as const;
  names.forEach((name, i) => {
    const val = values[i] as { length?: number } | undefined;
    if (!val || (val.length as number) <= 0) throw new Error(name + ' is required.');
  });
  names.forEach((name, i) => {
    if (typeof values[i] !== 'string') throw new TypeError(`Parameter '${addonName[name]}' must be a string`);
  });
}

describe("security-framework/keytar: keytar's argument errors", () => {
  it.each(ERROR_TABLE)('%s throws synchronously what keytar throws, with status -50 and code errSecParam', (_call, call, Type, message) => {
    const { keytar } = setup();
    const error = thrownBy(() => call(keytar));
    expect(Object.getPrototypeOf(error)).toBe(Type.prototype);
    expect(error).not.toBeInstanceOf(SecError);
    expect((error as Error).message).toBe(message);
    expect(error).toMatchObject({ status: -50, code: 'errSecParam' });
    expect((error as Error).name).toBe(Type.name);
  });

  it('matches keytar for every combination of ordinary argument values', () => {
    const { keytar } = setup();
    const values: unknown[] = ['', 'x', undefined, null, 0, 1, -1, Number.NaN, 0n, 5n, false, true, Symbol('v'), [], ['x'], {}, { length: 0 }, { length: 3 },
      { length: -1 }, { length: '0' }, () => undefined, (a: unknown) => a, new String(''), new String('x'), Buffer.alloc(0), Buffer.from('x'), new Date(0)];
    const calls: [(a: unknown[]) => unknown, readonly ('Service' | 'Account' | 'Password')[]][] = [
      [(a) => keytar.getPassword(a[0] as never, a[1] as never), ['Service', 'Account']],
      [(a) => keytar.setPassword(a[0] as never, a[1] as never, a[2] as never), ['Service', 'Account', 'Password']],
      [(a) => keytar.deletePassword(a[0] as never, a[1] as never), ['Service', 'Account']],
      [(a) => keytar.findPassword(a[0] as never), ['Service']],
      [(a) => keytar.findCredentials(a[0] as never), ['Service']],
    ];
    let compared = 0;
    for (const [call, names] of calls) {
      for (const v of values) {
        // The value at each position in turn, strings elsewhere; and the value everywhere.
        const argLists = [...names.map((_n, i) => names.map((_m, j) => (i === j ? v : 'ok'))), names.map(() => v)];
        for (const args of argLists) {
          const expected = thrownBy(() => keytarReference(args, names)) as Error | undefined;
          const actual = thrownBy(() => { const p = call(args); (p as Promise<unknown> | undefined)?.catch?.(() => undefined); }) as Error | undefined;
          if (expected === undefined) {
            expect(actual).toBeUndefined();
          } else {
            expect({ type: actual && Object.getPrototypeOf(actual), message: actual?.message }).toEqual({ type: Object.getPrototypeOf(expected), message: expected.message });
          }
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("runs none of the caller's code while checking (keytar read a length; a Proxy or getter here is a TypeError)", () => {
    const { keytar } = setup();
    let ran = 0;
    const proxy = new Proxy({}, { get: () => { ran++; return 0; }, getOwnPropertyDescriptor: () => { ran++; return undefined; }, getPrototypeOf: () => { ran++; return null; } });
    const getter = { get length() { ran++; return 0; } };
    const valueOf = { length: { valueOf: () => { ran++; return 0; } } };
    for (const bad of [proxy, getter, valueOf]) {
      expect(thrownBy(() => keytar.getPassword(bad as never, 'a'))).toMatchObject({ name: 'TypeError', message: "Parameter 'service' must be a string", status: -50 });
    }
    expect(ran).toBe(0);
  });

  it('a valid call returns a Promise and does not throw, even when it later rejects', async () => {
    const { keytar, backend } = setup();
    backend.close();
    const p = keytar.getPassword('s', 'a');
    expect(p).toBeInstanceOf(Promise);
    await expect(p).rejects.toBeInstanceOf(SecError);
  });
});

describe('security-framework/keytar as a package subpath', () => {
  const root = join(__dirname, '..', '..');
  let dir: string | undefined;
  afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

  const run = (code: string, type: 'module' | 'commonjs') => {
    dir = mkdtempSync(join(tmpdir(), 'sf-keytar-'));
    return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
      cwd: root, encoding: 'utf8',
      env: { ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator', SECURITY_FRAMEWORK_STORE: join(dir, 'store.sqlite') },
    });
  };

  it('works through require', () => {
    const out = run(`const keytar = require('security-framework/keytar');
      (async () => {
        await keytar.setPassword('svc', 'a', 'pw');
        console.log(await keytar.getPassword('svc', 'a'), await keytar.deletePassword('svc', 'a'), await keytar.getPassword('svc', 'a'));
      })();`, 'commonjs');
    expect(out.trim()).toBe('pw true null');
  });

  it('works through import, named and default', () => {
    const out = run(`import keytar, { setPassword, findCredentials } from 'security-framework/keytar';
      await setPassword('svc', 'a', 'pw');
      console.log(JSON.stringify(await findCredentials('svc')), await keytar.findPassword('svc'));`, 'module');
    expect(out.trim()).toBe('[{"account":"a","password":"pw"}] pw');
  });

  it('the default import is the keytar object itself, the one require gives (not the CommonJS module)', () => {
    const out = run(`import keytar, { getPassword } from 'security-framework/keytar';
      import { createRequire } from 'node:module';
      const required = createRequire(process.cwd() + '/').call(null, 'security-framework/keytar');
      console.log(Object.keys(keytar).sort().join(','), keytar === required.default, getPassword === required.getPassword);`, 'module');
    expect(out.trim()).toBe('deletePassword,findCredentials,findPassword,getPassword,setPassword true true');
  });
});
