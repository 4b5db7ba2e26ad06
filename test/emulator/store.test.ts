import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator, kSecAttrAccount, kSecAttrGeneric, kSecAttrModificationDate, kSecAttrService, kSecClass, kSecClassGenericPassword, kSecMatchLimit, kSecMatchLimitAll, kSecReturnAttributes, kSecReturnData, kSecUseDataProtectionKeychain, kSecValueData } from '../../src/index.js';
import { SCHEMA_VERSION } from '../../src/emulator/store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-store-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const item = (account: string, secret: string) => ({
  [kSecClass]: kSecClassGenericPassword, [kSecAttrService]: 'store-test', [kSecAttrAccount]: account,
  [kSecValueData]: Buffer.from(secret),
});

describe('store', () => {
  it('keeps every acknowledged item across reopening', async () => {
    const path = join(dir, 'kc.sqlite');
    const first = createEmulator({ path });
    for (let i = 0; i < 50; i++) await first.SecItemAdd(item(`a${i}`, `secret ${i}`));
    await first.SecItemDelete({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'a7' });
    await first.SecItemUpdate({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'a8' }, { [kSecValueData]: Buffer.from('changed') });
    first.close();
    const second = createEmulator({ path });
    const all = await second.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecMatchLimit]: kSecMatchLimitAll, [kSecReturnAttributes]: true }) as Record<string, unknown>[];
    expect(all).toHaveLength(49);
    const data = await second.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'a8', [kSecReturnData]: true });
    expect(String(data)).toBe('changed');
    second.close();
  });

  it('a search does not take the write lock: it answers while another connection holds it (WAL readers, docs/emulator-store.md)', async () => {
    const path = join(dir, 'kc.sqlite');
    // An entitled app: a search without the flag then reads both keychains.
    const kc = createEmulator({ path, app: { accessGroups: ['TEAM.reader'] } });
    await kc.SecItemAdd(item('reader', 'pw'));
    const writer = new DatabaseSync(path);
    writer.exec('BEGIN IMMEDIATE');
    try {
      // One keychain (a single statement) and both keychains (one deferred transaction).
      expect(String(await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: false, [kSecAttrAccount]: 'reader', [kSecReturnData]: true }))).toBe('pw');
      expect(String(await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'reader', [kSecReturnData]: true }))).toBe('pw');
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
      kc.close();
    }
  });

  it('results are the caller\'s own: changing a returned secret, generic data or date changes nothing stored', async () => {
    const kc = createEmulator();
    const query = { [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'own', [kSecReturnData]: true, [kSecReturnAttributes]: true };
    const added = await kc.SecItemAdd({ ...item('own', 'secret'), [kSecAttrGeneric]: Buffer.from('gen'), [kSecReturnData]: true, [kSecReturnAttributes]: true }) as Record<string, unknown>;
    (added[kSecValueData] as Buffer).fill(0);
    const first = await kc.SecItemCopyMatching(query) as Record<string, unknown>;
    expect(String(first[kSecValueData])).toBe('secret');
    (first[kSecValueData] as Buffer).fill(0);
    (first[kSecAttrGeneric] as Buffer).fill(0);
    (first[kSecAttrModificationDate] as Date).setTime(0);
    const second = await kc.SecItemCopyMatching(query) as Record<string, unknown>;
    expect(String(second[kSecValueData])).toBe('secret');
    expect(String(second[kSecAttrGeneric])).toBe('gen');
    expect((second[kSecAttrModificationDate] as Date).getTime()).not.toBe(0);
    kc.close();
  });

  it('is private to the user: directory 0700, database and key file 0600', () => {
    if (process.platform === 'win32') return;
    const path = join(dir, 'nested', 'kc.sqlite');
    createEmulator({ path, createDirectory: true }).close();
    expect(statSync(join(dir, 'nested')).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.key`).mode & 0o777).toBe(0o600);
    expect(statSync(`${path}.key`).size).toBe(32);
  });

  it('encrypts secrets at rest (AES-256-GCM): the plaintext is nowhere in the file', async () => {
    const path = join(dir, 'kc.sqlite');
    const kc = createEmulator({ path });
    const secret = 'correct horse battery staple';
    await kc.SecItemAdd(item('alice', secret));
    kc.close();
    const db = new DatabaseSync(path);
    const rows = db.prepare('SELECT data FROM items').all() as { data: Uint8Array }[];
    db.close();
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]!.data).includes(Buffer.from(secret))).toBe(false);
    for (const file of [path, `${path}-wal`]) {
      try {
        expect(readFileSync(file).includes(Buffer.from(secret))).toBe(false);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  });

  it('refuses to read secrets sealed with another key (errSecDecode), instead of returning garbage', async () => {
    const path = join(dir, 'kc.sqlite');
    const kc = createEmulator({ path });
    await kc.SecItemAdd(item('alice', 'secret'));
    kc.close();
    writeFileSync(`${path}.key`, Buffer.alloc(32, 7));
    const again = createEmulator({ path });
    await expect(again.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecReturnData]: true })).rejects.toMatchObject({ code: 'errSecDecode' });
    again.close();
  });

  it('records its schema version and refuses a store from a newer version (errSecInvalidKeychain)', () => {
    const path = join(dir, 'kc.sqlite');
    createEmulator({ path }).close();
    const db = new DatabaseSync(path);
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => createEmulator({ path })).toThrow(expect.objectContaining({ code: 'errSecInvalidKeychain' }));
  });

  it('enforces uniqueness in the database: a failed add writes nothing', async () => {
    const kc = createEmulator();
    await kc.SecItemAdd(item('alice', 'one'));
    await expect(kc.SecItemAdd(item('alice', 'two'))).rejects.toMatchObject({ code: 'errSecDuplicateItem' });
    expect(String(await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecReturnData]: true }))).toBe('one');
  });

  it('two emulators on one file with different app identities see only their own groups (spec 8.5)', async () => {
    const path = join(dir, 'kc.sqlite');
    const a = createEmulator({ path, app: { accessGroups: ['TEAM.com.example.a'] } });
    const b = createEmulator({ path, app: { accessGroups: ['TEAM.com.example.b'] } });
    await a.SecItemAdd({ ...item('alice', 'a-secret'), [kSecUseDataProtectionKeychain]: true });
    await b.SecItemAdd({ ...item('alice', 'b-secret'), [kSecUseDataProtectionKeychain]: true });
    const read = (kc: typeof a) => kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecUseDataProtectionKeychain]: true, [kSecMatchLimit]: kSecMatchLimitAll, [kSecReturnData]: true });
    expect((await read(a) as Buffer[]).map(String)).toEqual(['a-secret']);
    expect((await read(b) as Buffer[]).map(String)).toEqual(['b-secret']);
    a.close();
    b.close();
  });

  it('several processes adding the same primary key at once: exactly one wins, nothing is lost', async () => {
    const path = join(dir, 'kc.sqlite');
    createEmulator({ path }).close(); // create the schema and key file first
    const go = join(dir, 'go');
    const script = join(__dirname, '..', 'fixtures', 'racer.mjs');
    const pkg = join(__dirname, '..', '..', 'dist', 'index.js');
    const n = 6;
    const runs = Array.from({ length: n }, (_, i) => new Promise<{ id: string; shared: string; own: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [script, pkg, path, String(i), go], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (err += d));
      child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as { id: string; shared: string; own: string }) : reject(new Error(`racer ${i} exited ${code}: ${err}`))));
    }));
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(go, '');
    const outcomes = await Promise.all(runs);
    expect(outcomes.filter((o) => o.shared === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o.shared === 'errSecDuplicateItem')).toHaveLength(n - 1);
    expect(outcomes.every((o) => o.own === 'ok')).toBe(true);
    const kc = createEmulator({ path });
    const all = await kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword, [kSecMatchLimit]: kSecMatchLimitAll, [kSecReturnAttributes]: true }) as Record<string, unknown>[];
    expect(all.map((a) => a.acct).sort()).toEqual(['shared', ...Array.from({ length: n }, (_, i) => `own-${i}`)].sort());
    kc.close();
  });
});

describe('closing', () => {
  it('calls after close() reject with errSecNotAvailable', async () => {
    const kc = createEmulator();
    kc.close();
    kc.close(); // closing twice is harmless
    await expect(kc.SecItemCopyMatching({ [kSecClass]: kSecClassGenericPassword })).rejects.toMatchObject({ code: 'errSecNotAvailable' });
  });
});
