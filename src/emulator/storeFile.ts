/**
 * Opening the emulator's store file (docs/emulator-store.md, "Opening a store"): a file is
 * looked at read-only and accepted before anything is written to it; a file that is not this
 * package's store is refused with its bytes and mode untouched; a store without write
 * permission opens read-only; the key file is created only together with a new store.
 */
import { randomBytes } from 'node:crypto';
import {
  accessSync, chmodSync, closeSync, constants as fsConstants, fsyncSync, linkSync, mkdirSync, openSync, readFileSync,
  readSync, statSync, unlinkSync, writeSync, type Stats,
} from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';
import { sqlite } from './sqlite.js';
import { SecError, secError } from '../errors.js';

/** What an accepted store file opens to. */
export interface OpenedStore {
  readonly db: DatabaseSync;
  readonly key: Buffer;
  /** True when the file has no write permission: reads work, writes are errSecReadOnly. */
  readonly readOnly: boolean;
  /** The schema version the file has; below the current one it still needs its migrations. */
  readonly version: number;
}

export interface OpenOptions {
  /** The schema of each version: the statements that create it (store.ts MIGRATIONS). */
  readonly schemaStatements: readonly string[];
  /** Create the directory when it is missing (the default store); else errSecNoSuchKeychain. */
  readonly createDirectory: boolean;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

function notAStore(path: string, why: string): SecError {
  return secError('errSecInvalidKeychain', `${path} is not a keychain store of this package (${why}); it was left as it is`);
}

/**
 * Opens (or creates) the store at `path`. Throws SecError: errSecNoSuchKeychain for a
 * directory that does not exist (unless `createDirectory`), errSecInvalidKeychain for a file
 * that is not this package's store (not SQLite, another schema, a newer version, sealed rows
 * without their key file), errSecIO when the file system refuses.
 */
export function openStoreFile(path: string, options: OpenOptions): OpenedStore {
  const directory = dirname(path);
  let stats = statOrUndefined(path);
  if (stats === undefined) {
    if (statOrUndefined(directory) === undefined) {
      if (!options.createDirectory) {
        // SecKeychainOpen gives a reference to a keychain that does not exist, and every call
        // on it answers errSecNoSuchKeychain (SecKeychain.h).
        throw secError('errSecNoSuchKeychain', `the directory of the store ${path} does not exist`);
      }
      mkdirSync(directory, { recursive: true, mode: 0o700 });
    }
    createEmptyFile(path);
    stats = statSync(path);
  }
  if (!stats.isFile()) throw notAStore(path, 'not a regular file');
  const readOnly = !writable(path, stats);
  let version = 0;
  if (stats.size > 0) version = inspect(path, options.schemaStatements);
  const key = storeKey(path, version, readOnly);
  const db = new (sqlite())(path, readOnly ? { readOnly: true } : {});
  try {
    // WAL lets readers and one writer share the file across processes; FULL sync makes every
    // acknowledged transaction durable (SQLite docs, "Write-Ahead Logging"). The busy timeout
    // is a pragma because the constructor's `timeout` option is newer than the oldest Node
    // this package supports.
    db.exec('PRAGMA busy_timeout = 10000;');
    if (!readOnly) db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;');
  } catch (error) {
    db.close();
    throw error;
  }
  return { db, key, readOnly, version };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** A new store file, private to the user from the start; another process may win the race. */
function createEmptyFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Whether this process may write the file. A file with no write bit at all is read-only even
 * for root, who could write it anyway: the mode says what its owner wants.
 */
function writable(path: string, stats: Stats): boolean {
  if (process.platform !== 'win32' && (stats.mode & 0o222) === 0) return false;
  try {
    accessSync(path, fsConstants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Looks at a non-empty file without writing to it: the SQLite header, then — through a
 * read-only connection — the schema version and the tables, which must be exactly what this
 * package creates for that version. Returns the version. An SQLite database with no tables at
 * all and version 0 is a store another process is creating this moment: version 0.
 */
function inspect(path: string, schemaStatements: readonly string[]): number {
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_MAGIC)) throw notAStore(path, 'not an SQLite database');
  let db: DatabaseSync;
  try {
    db = new (sqlite())(path, { readOnly: true });
  } catch (error) {
    throw notAStore(path, `SQLite cannot open it read-only: ${String(error)}`);
  }
  try {
    db.exec('PRAGMA busy_timeout = 10000;');
    const version = (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
    const schema = schemaOf(db);
    if (version === 0 && schema.length === 0) return 0;
    if (version > schemaStatements.length) {
      throw notAStore(path, `it has schema version ${version}, written by a newer version of security-framework, which understands up to ${schemaStatements.length}`);
    }
    if (version === 0 || schema !== expectedSchema(schemaStatements, version)) {
      throw notAStore(path, version === 0 ? 'another application\'s SQLite database' : `its tables are not those of schema version ${version}`);
    }
    return version;
  } catch (error) {
    if (error instanceof SecError) throw error;
    throw notAStore(path, `reading its schema failed: ${String(error)}`);
  } finally {
    db.close();
  }
}

function schemaOf(db: DatabaseSync): string {
  const rows = db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
  return rows.length === 0 ? '' : JSON.stringify(rows.map((r) => ({ ...r })));
}

const expected = new Map<number, string>();

/** The tables and indexes of schema `version`, as SQLite records them. */
function expectedSchema(schemaStatements: readonly string[], version: number): string {
  let schema = expected.get(version);
  if (schema === undefined) {
    const db = new (sqlite())(':memory:');
    for (let v = 0; v < version; v++) db.exec(schemaStatements[v]!);
    schema = schemaOf(db);
    db.close();
    expected.set(version, schema);
  }
  return schema;
}

/**
 * The store's 32-byte key, from the 0600 file beside it. A store that holds no sealed secret
 * yet gets a new key file (created atomically, synced with its directory); one that holds
 * sealed secrets and has lost its key file is refused — a new key could never open them. A
 * key file that others may read is tightened to 0600.
 */
function storeKey(path: string, version: number, readOnly: boolean): Buffer {
  const keyPath = `${path}.key`;
  const existing = readKey(keyPath);
  if (existing) return existing;
  if (version > 0 && hasSealedRows(path, version)) {
    throw secError('errSecInvalidKeychain',
      `the store ${path} holds sealed secrets but its key file ${keyPath} is missing; restore the key file (a new key could never open them)`);
  }
  // A read-only store with nothing sealed: nothing will be sealed or opened with this key.
  if (readOnly) return randomBytes(32);
  return createKey(keyPath);
}

function readKey(keyPath: string): Buffer | undefined {
  let key: Buffer;
  try {
    key = readFileSync(keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (key.length !== 32) throw secError('errSecInvalidKeychain', `${keyPath} is not a 32-byte key file`);
  if (process.platform !== 'win32' && (statSync(keyPath).mode & 0o077) !== 0) {
    try {
      chmodSync(keyPath, 0o600);
    } catch (error) {
      throw secError('errSecIO', `${keyPath} may be read by other users and cannot be made private (chmod 0600): ${String(error)}`);
    }
  }
  return key;
}

/** Whether any item has a sealed secret: in its row, or (from version 3) in chunks. */
function hasSealedRows(path: string, version: number): boolean {
  const db = new (sqlite())(path, { readOnly: true });
  try {
    if (db.prepare('SELECT 1 FROM items WHERE data IS NOT NULL LIMIT 1').get() !== undefined) return true;
    return version >= 3 && db.prepare('SELECT 1 FROM secrets LIMIT 1').get() !== undefined;
  } finally {
    db.close();
  }
}

/** Writes a new key: synced, linked into place (exactly one process wins a race), directory synced. */
function createKey(keyPath: string): Buffer {
  const tmp = `${keyPath}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, randomBytes(32));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, keyPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
  syncDirectory(dirname(keyPath));
  const key = readFileSync(keyPath);
  if (key.length !== 32) throw secError('errSecInvalidKeychain', `${keyPath} is not a 32-byte key file`);
  return key;
}

function syncDirectory(directory: string): void {
  if (process.platform === 'win32') return; // directories cannot be opened for fsync there
  const fd = openSync(directory, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
