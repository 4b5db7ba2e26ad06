/**
 * Opening a store file (src/emulator/storeFile.ts; docs/emulator-store.md, "Opening a store"):
 * a file is accepted read-only before anything is written, a file that is not a store is
 * refused untouched, a read-only file stays read-only, the key file goes with the store.
 */
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createEmulator, kSecAttrAccount, kSecClass, kSecClassGenericPassword, kSecReturnData, kSecValueData,
} from '../../src/index.js';
import { toSecError } from '../../src/emulator/failure.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-storefile-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const add = (account: string, secret = 'pw') => ({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: account, [kSecValueData]: Buffer.from(secret) });
const find = (account: string) => ({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: account, [kSecReturnData]: true });

/** The file's bytes and mode, to show it was not touched. */
function fingerprint(path: string): { sha256: string; mode: number } {
  return { sha256: createHash('sha256').update(readFileSync(path)).digest('hex'), mode: statSync(path).mode & 0o777 };
}

function expectRefusedUntouched(path: string, reason: RegExp): void {
  const before = fingerprint(path);
  const siblings = readdirSync(dir).sort();
  let error: unknown;
  try {
    createEmulator({ path });
  } catch (e) {
    error = e;
  }
  expect(error).toMatchObject({ name: 'SecError', code: 'errSecInvalidKeychain', status: -25295 });
  expect((error as Error).message).toMatch(reason);
  expect(fingerprint(path)).toEqual(before);
  // No key file was made for it, nor anything else in a rollback-journal database's directory.
  expect(existsSync(`${path}.key`)).toBe(false);
  expect(readdirSync(dir).sort()).toEqual(siblings);
}

describe('a file that is not a store is refused with its bytes and mode untouched', () => {
  it('a file that is not SQLite', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'not a database at all, just some text that is long enough', { mode: 0o644 });
    expectRefusedUntouched(path, /not an SQLite database/);
  });

  it('another application\'s SQLite database without an items table (not adopted)', () => {
    const path = join(dir, 'other.db');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES (\'hello\');');
    db.close();
    chmodSync(path, 0o644);
    expectRefusedUntouched(path, /another application's SQLite database/);
    const header = readFileSync(path).subarray(18, 20);
    expect([...header]).toEqual([1, 1]); // still a rollback-journal database, not switched to WAL
  });

  it('a database with an items table of another schema, even with our version number', () => {
    const path = join(dir, 'items.db');
    const db = new DatabaseSync(path);
    db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT); PRAGMA user_version = 1;');
    db.close();
    expectRefusedUntouched(path, /not those of schema version 1/);
  });

  it('a store written by a newer version of the package', () => {
    const path = join(dir, 'kc.sqlite');
    createEmulator({ path }).close();
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = DELETE; PRAGMA user_version = 99;');
    db.close();
    rmSync(`${path}.key`);
    expectRefusedUntouched(path, /newer version/);
  });
});

describe('a missing directory, an empty path', () => {
  it('an explicit path in a missing directory: every call is errSecNoSuchKeychain and nothing is created', async () => {
    const path = join(dir, 'missing', 'kc.sqlite');
    const kc = createEmulator({ path });
    await expect(kc.SecItemAdd(add('a'))).rejects.toMatchObject({ code: 'errSecNoSuchKeychain', status: -25294 });
    await expect(kc.SecItemCopyMatching(find('a'))).rejects.toMatchObject({ code: 'errSecNoSuchKeychain' });
    await expect(kc.SecItemDelete(find('a'))).rejects.toMatchObject({ code: 'errSecNoSuchKeychain' });
    await expect(kc.SecKeyCreateRandomKey({ type: '73', bsiz: 256 })).rejects.toMatchObject({ code: 'errSecNoSuchKeychain' });
    kc.close();
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('createDirectory: true makes the directory (the default store does this)', async () => {
    const path = join(dir, 'made', 'kc.sqlite');
    const kc = createEmulator({ path, createDirectory: true });
    await kc.SecItemAdd(add('a'));
    kc.close();
    expect(existsSync(path)).toBe(true);
  });

  it.each([[''], ['a\0b'], [5], [null]])('path %j is errSecParam', (path) => {
    expect(() => createEmulator({ path: path as never })).toThrow(expect.objectContaining({ code: 'errSecParam' }));
  });
});

describe('a read-only store', () => {
  it('opens read-only: reads work, writes are errSecReadOnly, the mode stays 0444', async () => {
    if (process.platform === 'win32') return;
    const path = join(dir, 'kc.sqlite');
    const writer = createEmulator({ path });
    await writer.SecItemAdd(add('kept', 'secret'));
    writer.close();
    chmodSync(path, 0o444);
    const reader = createEmulator({ path });
    expect(String(await reader.SecItemCopyMatching(find('kept')))).toBe('secret');
    await expect(reader.SecItemAdd(add('new'))).rejects.toMatchObject({ code: 'errSecReadOnly', status: -25292 });
    await expect(reader.SecItemDelete(find('kept'))).rejects.toMatchObject({ code: 'errSecReadOnly' });
    reader.close();
    expect(statSync(path).mode & 0o777).toBe(0o444);
    // Another process still reads what was there.
    chmodSync(path, 0o600);
    const again = createEmulator({ path });
    expect(String(await again.SecItemCopyMatching(find('kept')))).toBe('secret');
    again.close();
  });
});

describe('the key file', () => {
  it('a store holding sealed secrets whose key file is missing is refused, and no key is made', async () => {
    const path = join(dir, 'kc.sqlite');
    const kc = createEmulator({ path });
    await kc.SecItemAdd(add('sealed'));
    kc.close();
    unlinkSync(`${path}.key`);
    const before = fingerprint(path);
    expect(() => createEmulator({ path })).toThrow(expect.objectContaining({ code: 'errSecInvalidKeychain', message: expect.stringContaining(`${path}.key`) }));
    expect(existsSync(`${path}.key`)).toBe(false);
    expect(fingerprint(path)).toEqual(before);
  });

  it('a store with no sealed secret gets a new key file', async () => {
    const path = join(dir, 'kc.sqlite');
    const kc = createEmulator({ path });
    await kc.SecItemAdd({ [kSecClass]: kSecClassGenericPassword, [kSecAttrAccount]: 'no secret' });
    kc.close();
    unlinkSync(`${path}.key`);
    const again = createEmulator({ path });
    await again.SecItemAdd(add('sealed now'));
    expect(String(await again.SecItemCopyMatching(find('sealed now')))).toBe('pw');
    again.close();
    expect(statSync(`${path}.key`).size).toBe(32);
  });

  it('a key file others may read (0644) is tightened to 0600', () => {
    if (process.platform === 'win32') return;
    const path = join(dir, 'kc.sqlite');
    createEmulator({ path }).close();
    chmodSync(`${path}.key`, 0o644);
    createEmulator({ path }).close();
    expect(statSync(`${path}.key`).mode & 0o777).toBe(0o600);
  });

  it('a key file of the wrong length is refused', () => {
    const path = join(dir, 'kc.sqlite');
    createEmulator({ path }).close();
    writeFileSync(`${path}.key`, Buffer.alloc(16));
    expect(() => createEmulator({ path })).toThrow(expect.objectContaining({ code: 'errSecInvalidKeychain' }));
  });
});

describe('the store\'s own failures are statuses, not errSecInternalComponent', () => {
  const sqliteError = (errcode: number, message: string) => Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr: message });

  it('a lock that does not clear in time (SQLITE_BUSY, SQLITE_LOCKED) is errSecIO', () => {
    expect(toSecError(sqliteError(5, 'database is locked'))).toMatchObject({ code: 'errSecIO', message: expect.stringContaining('locked by another process') });
    expect(toSecError(sqliteError(6, 'database table is locked'))).toMatchObject({ code: 'errSecIO' });
    expect(toSecError(sqliteError(517, 'database is locked'))).toMatchObject({ code: 'errSecIO' }); // SQLITE_BUSY_SNAPSHOT
  });

  it('a file that cannot be written (SQLITE_READONLY) is errSecReadOnly; other SQLite failures errSecIO', () => {
    expect(toSecError(sqliteError(8, 'attempt to write a readonly database'))).toMatchObject({ code: 'errSecReadOnly' });
    expect(toSecError(sqliteError(13, 'database or disk is full'))).toMatchObject({ code: 'errSecIO' });
  });
});
