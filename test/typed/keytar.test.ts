import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as c from '../../src/constants.js';
import { createEmulator, type Emulator } from '../../src/api/emulator.js';
import { SecError } from '../../src/errors.js';
import { createKeytar } from '../../src/typed/keytar.js';

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
    expect(() => keytar.getPassword('', 'a')).toThrow(/Service is required\./);
    expect(() => keytar.setPassword('s', '', 'p')).toThrow(/Account is required\./);
    expect(() => keytar.setPassword('s', 'a', '')).toThrow(/Password is required\./);
    expect(() => keytar.findCredentials(undefined as unknown as string)).toThrow(SecError);
    expect(() => keytar.findPassword(42 as unknown as string)).toThrow(/Service must be a string/);
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
});
