import { createSecretKey, randomBytes, type KeyObject } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { SecError, secError } from '../errors.js';
import { decodeAttributes, encodeAttributes, type Attributes } from './codec.js';
import { CHUNK_SIZE, chunkAad, chunkCount, chunkLength, isChunked, openInPlace, openInto, seal, SEAL_OVERHEAD } from './sealing.js';
import { sqlite } from './sqlite.js';
import { openStoreFile, type OpenedStore } from './storeFile.js';

/** Which of the Mac's two keychains an item lives in (spec/semantics.md 0). */
export type KeychainKind = 'dp' | 'fb';

/** One keychain item as the semantics layer sees it; `data` is the plaintext secret. */
export interface StoredItem {
  readonly rowid: number;
  readonly kc: KeychainKind;
  readonly cls: string;
  /** 16 random bytes: the persistent-reference identity (spec 12.1). */
  readonly uuid: Buffer;
  readonly attrs: Attributes;
  readonly data: Buffer | undefined;
}

/** What the semantics layer computes for an item before it is written. */
export interface ItemRow {
  kc: KeychainKind;
  cls: string;
  uuid: Buffer;
  attrs: Attributes;
  data: Buffer | undefined;
  /** Canonical primary key; the unique index is on (kc, cls, pk). */
  pk: string;
  /** Access group (DP) or '' (FB), for visibility filtering. */
  agrp: string;
  /** Indexed lookup keys: canonical account and service/server, or null. */
  k1: string | null;
  k2: string | null;
}

/**
 * What an update writes: the attributes and the secret always, the indexed columns when the
 * caller recomputed them (absent = the attributes they derive from did not change).
 */
export type ItemUpdate = Pick<ItemRow, 'attrs' | 'data'> & Partial<Pick<ItemRow, 'pk' | 'agrp' | 'k1' | 'k2'>>;

/**
 * Thrown by insert/update when the unique index refuses the row: a plain value (no stack to
 * capture), since the keychain turns it into errSecDuplicateItem at once.
 */
export class DuplicateKeyError {
  constructor(readonly detail: string) {}
}

/**
 * Schema versions. Entry i holds the statements that take the database from version i to
 * i+1 (their tables are what storeFile.ts accepts for a version), and UPGRADES the data changes
 * that go with a version; both run in one transaction. A store written by a newer version is
 * refused rather than guessed at.
 */
export const MIGRATIONS: readonly string[] = [
  `CREATE TABLE items (
     rowid INTEGER PRIMARY KEY AUTOINCREMENT,
     kc    TEXT NOT NULL,
     cls   TEXT NOT NULL,
     pk    TEXT NOT NULL,
     uuid  BLOB NOT NULL UNIQUE,
     agrp  TEXT NOT NULL,
     k1    TEXT,
     k2    TEXT,
     attrs TEXT NOT NULL,
     data  BLOB
   );
   CREATE UNIQUE INDEX items_primary_key ON items (kc, cls, pk);
   CREATE INDEX items_lookup ON items (kc, cls, k2, k1);
   CREATE INDEX items_account ON items (kc, cls, k1);`,
  // 2: no schema change; see UPGRADES[2].
  '',
  // 3: a secret larger than one chunk is kept in `secrets`, a sealed chunk a row (sealing.ts);
  // its item has data NULL and chunked_size its length. Deleting an item deletes its chunks.
  `ALTER TABLE items ADD COLUMN chunked_size INTEGER;
   CREATE TABLE secrets (
     item  INTEGER NOT NULL,
     n     INTEGER NOT NULL,
     chunk BLOB NOT NULL,
     PRIMARY KEY (item, n)
   );
   CREATE TRIGGER items_delete_secrets AFTER DELETE ON items WHEN old.chunked_size IS NOT NULL
   BEGIN
     DELETE FROM secrets WHERE item = old.rowid;
   END;`,
];
export const SCHEMA_VERSION = MIGRATIONS.length;

/** An item's indexed columns computed from its attributes (each keychain side's rule). */
export type Rekey = (kc: KeychainKind, cls: string, attrs: Attributes) => { pk: string; k1: string | null; k2: string | null };

/** The data changes of each version, after its statements. */
const UPGRADES: Record<number, (db: DatabaseSync, rekey: Rekey | undefined) => void> = {
  /**
   * Version 2: the SHA-1 of a data protection secret is no longer stored (it confirmed a
   * guessed secret to anyone with the file); the key columns are recomputed, now that a
   * string is escaped in a key and hashed without losing a lone surrogate (codec.ts).
   */
  2: (db, rekey) => {
    db.exec("UPDATE items SET attrs = json_remove(attrs, '$.sha1') WHERE json_extract(attrs, '$.sha1') IS NOT NULL");
    recomputeKeys(db, rekey);
  },
};

function recomputeKeys(db: DatabaseSync, rekey: Rekey | undefined): void {
  const rows = db.prepare('SELECT rowid, kc, cls, pk, k1, k2, attrs FROM items').all() as unknown as
    { rowid: number; kc: KeychainKind; cls: string; pk: string; k1: string | null; k2: string | null; attrs: string }[];
  if (rows.length === 0) return;
  if (!rekey) throw secError('errSecInternalComponent', 'upgrading a store with items needs the keychains\' key rules');
  const changed: [number, ReturnType<Rekey>][] = [];
  for (const r of rows) {
    const keys = rekey(r.kc, r.cls, decodeAttributes(r.attrs));
    if (keys.pk !== r.pk || keys.k1 !== r.k1 || keys.k2 !== r.k2) changed.push([r.rowid, keys]);
  }
  // Two passes, so that no row takes a key another row still has for a moment.
  const park = db.prepare('UPDATE items SET pk = ? WHERE rowid = ?');
  for (const [rowid] of changed) park.run(`\u0000upgrading:${rowid}`, rowid);
  const set = db.prepare('UPDATE items SET pk = ?, k1 = ?, k2 = ? WHERE rowid = ?');
  for (const [rowid, keys] of changed) set.run(keys.pk, keys.k1, keys.k2, rowid);
}

const SQLITE_CONSTRAINT_UNIQUE = 2067;
const SQLITE_CONSTRAINT_PRIMARYKEY = 1555;

interface Row {
  rowid: number;
  pk?: string;
  agrp?: string;
  k1?: string | null;
  k2?: string | null;
  uuid?: Uint8Array;
  attrs: string;
  /** Absent when the read did not ask for it. */
  data?: Uint8Array | null;
  /** The secret's length when it is kept in chunks, else null; absent with `data`. */
  chunked_size?: number | null;
}

/**
 * What a read needs of a row: its attributes ('attributes'), also its secret ('secret'), or
 * also its indexed columns, to write it back ('write').
 */
export type Need = 'attributes' | 'secret' | 'write';
// ('secret' is also what a reference needs: the item's uuid.)
const COLUMNS: Record<Need, string> = {
  attributes: 'rowid, attrs',
  secret: 'rowid, uuid, attrs, data, chunked_size',
  write: 'rowid, pk, agrp, k1, k2, uuid, attrs, data, chunked_size',
};
/** The same for a read-only store of version 2, which has no chunks (and no such column). */
const COLUMNS_V2: Record<Need, string> = {
  attributes: COLUMNS.attributes,
  secret: COLUMNS.secret.replace('chunked_size', 'NULL AS chunked_size'),
  write: COLUMNS.write.replace('chunked_size', 'NULL AS chunked_size'),
};

/**
 * A stored item as read: its attributes are decoded, and its secret decrypted, only when
 * asked for and at most once — an attribute-only read never touches the secret, as a real
 * keychain item's secret part is not decrypted for one (spec/semantics.md 10.2), and a read by
 * primary key that returns only the secret never decodes the attributes.
 */
class Item implements StoredItem {
  readonly rowid: number;
  readonly kc: KeychainKind;
  readonly cls: string;
  #uuid: Buffer | undefined;
  #attrs: Attributes | undefined;
  #data: Buffer | undefined;
  #opened = false;

  constructor(readonly row: Row, kc: KeychainKind, cls: string, private readonly store: Store) {
    this.rowid = row.rowid;
    this.kc = kc;
    this.cls = cls;
  }

  get uuid(): Buffer {
    const u = this.row.uuid;
    if (u === undefined) throw new Error('the uuid was read without its column (a Need of "attributes")');
    return (this.#uuid ??= Buffer.from(u.buffer, u.byteOffset, u.byteLength));
  }

  get attrs(): Attributes {
    return (this.#attrs ??= decodeAttributes(this.row.attrs));
  }

  get data(): Buffer | undefined {
    if (!this.#opened) {
      if (this.row.data === undefined) throw new Error('the secret was read without its column (a Need of "attributes")');
      const { data, chunked_size: size } = this.row;
      if (data !== null) this.#data = this.store.open(data, this.uuid);
      else if (size !== null && size !== undefined) this.#data = this.store.openChunks(this.rowid, this.uuid, size);
      else this.#data = undefined;
      this.#opened = true;
    }
    return this.#data;
  }
}

/**
 * The emulator's only I/O: one SQLite database holding both keychains, secrets sealed with
 * AES-256-GCM. Every public call of the emulator is one transaction here.
 */
export class Store {
  private readonly db: DatabaseSync;
  private readonly key: KeyObject;
  private readonly statements = new Map<string, StatementSync>();
  private depth = 0;
  private closed = false;

  /** The reason every call fails, for a store whose directory does not exist. */
  private readonly unavailable: SecError | undefined;
  /** True for a store file without write permission: writes are errSecReadOnly. */
  readonly readOnly: boolean = false;
  private readonly rekey: Rekey | undefined;
  /** The columns each Need reads (a read-only store of version 2 has no chunked_size). */
  private readonly columns: Record<Need, string> = COLUMNS;

  /**
   * A store in memory (no `path`), or the store file at `path` (storeFile.ts decides whether
   * the file is accepted). A missing directory does not throw: every call then fails with
   * errSecNoSuchKeychain, as calls on SecKeychainOpen's reference to a missing keychain do.
   */
  constructor(path?: string, options: { createDirectory?: boolean; rekey?: Rekey } = {}) {
    this.rekey = options.rekey;
    if (path === undefined) {
      this.key = createSecretKey(randomBytes(32));
      this.db = new (sqlite())(':memory:');
      this.migrate(0);
      return;
    }
    let opened: OpenedStore;
    try {
      opened = openStoreFile(path, { schemaStatements: MIGRATIONS, createDirectory: options.createDirectory ?? false });
    } catch (error) {
      if (error instanceof SecError && error.code === 'errSecNoSuchKeychain') {
        this.unavailable = error;
        this.key = createSecretKey(randomBytes(32));
        this.db = undefined as unknown as DatabaseSync;
        this.closed = true;
        return;
      }
      if (error instanceof SecError) throw error;
      throw secError('errSecIO', `cannot open the emulator store ${path}: ${String(error)}`, { cause: error });
    }
    this.db = opened.db;
    this.key = createSecretKey(opened.key);
    this.readOnly = opened.readOnly;
    if (opened.readOnly && opened.version === 2) {
      // Version 3 only adds chunked secrets, which a version 2 store has none of: it is read
      // as it is (a read-only file cannot take the upgrade).
      this.columns = COLUMNS_V2;
    } else if (opened.version < SCHEMA_VERSION) {
      if (opened.readOnly && opened.version > 0) {
        this.db.close();
        throw secError('errSecInvalidKeychain', `the store ${path} has schema version ${opened.version} and needs an upgrade, which a read-only file cannot take`);
      }
      this.migrate(opened.version);
    }
  }

  /**
   * Brings the store to SCHEMA_VERSION in one transaction (another process may do it first).
   * Upgrading a store that has items overwrites what it removes (secure_delete) and empties the
   * write-ahead log afterwards, so nothing removed stays readable in the files.
   */
  private migrate(from: number): void {
    if (this.readOnly) return; // a new read-only store: an empty file, nothing to read
    const existing = from > 0;
    if (existing) this.db.exec('PRAGMA secure_delete = ON');
    try {
      this.transaction(() => {
        const current = (this.db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;
        if (current >= SCHEMA_VERSION) return;
        for (let v = current; v < SCHEMA_VERSION; v++) {
          this.db.exec(MIGRATIONS[v]!);
          UPGRADES[v + 1]?.(this.db, this.rekey);
        }
        this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      });
      if (existing) this.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    } finally {
      if (existing) this.db.exec('PRAGMA secure_delete = OFF');
    }
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** errSecNotAvailable once closed: every call of a closed emulator rejects. */
  requireOpen(): void {
    if (this.closed) throw this.unavailable ?? secError('errSecNotAvailable', 'this emulator was closed');
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE: writers queue, no lost updates). */
  transaction<T>(fn: () => T): T {
    return this.within('BEGIN IMMEDIATE', fn);
  }

  /**
   * Runs a read: one deferred transaction, so the reads of both keychains see one snapshot
   * without taking the write lock (a reader never waits behind another process's writer in
   * WAL mode; SQLite docs, "Write-Ahead Logging", 2.2).
   */
  read<T>(fn: () => T): T {
    return this.within('BEGIN', fn);
  }

  private within<T>(begin: 'BEGIN' | 'BEGIN IMMEDIATE', fn: () => T): T {
    this.requireOpen();
    if (begin === 'BEGIN IMMEDIATE' && this.readOnly) {
      throw secError('errSecReadOnly', 'the store file has no write permission, so it was opened read-only');
    }
    if (this.depth > 0) return fn();
    this.db.exec(begin);
    this.depth++;
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    } finally {
      this.depth--;
    }
  }

  /** Runs `fn` inside a savepoint: if it throws, only its own writes are undone. */
  savepoint<T>(fn: () => T, name: 'side' | 'secret' = 'side'): T {
    this.db.exec(`SAVEPOINT ${name}`);
    try {
      const result = fn();
      this.db.exec(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.db.exec(`ROLLBACK TO ${name}; RELEASE ${name}`);
      throw error;
    }
  }

  /** Items of one class in one keychain, in insertion order, narrowed by the lookup keys. */
  select(kc: KeychainKind, cls: string, k1: string | null, k2: string | null, need: Need = 'write'): StoredItem[] {
    const columns = this.columns[need];
    let rows: Row[];
    if (k1 !== null && k2 !== null) {
      rows = this.stmt(`SELECT ${columns} FROM items WHERE kc = ? AND cls = ? AND k2 = ? AND k1 = ? ORDER BY rowid`).all(kc, cls, k2, k1) as unknown as Row[];
    } else if (k2 !== null) {
      rows = this.stmt(`SELECT ${columns} FROM items WHERE kc = ? AND cls = ? AND k2 = ? ORDER BY rowid`).all(kc, cls, k2) as unknown as Row[];
    } else if (k1 !== null) {
      rows = this.stmt(`SELECT ${columns} FROM items WHERE kc = ? AND cls = ? AND k1 = ? ORDER BY rowid`).all(kc, cls, k1) as unknown as Row[];
    } else {
      rows = this.stmt(`SELECT ${columns} FROM items WHERE kc = ? AND cls = ? ORDER BY rowid`).all(kc, cls) as unknown as Row[];
    }
    const items = new Array<StoredItem>(rows.length);
    for (let i = 0; i < rows.length; i++) items[i] = new Item(rows[i]!, kc, cls, this);
    return items;
  }

  selectByUuid(uuid: Uint8Array): StoredItem | undefined {
    const row = this.stmt(`SELECT kc, cls, ${this.columns.write} FROM items WHERE uuid = ?`).get(uuid) as (Row & { kc: KeychainKind; cls: string }) | undefined;
    return row ? new Item(row, row.kc, row.cls, this) : undefined;
  }

  /** The item with this canonical primary key, if any (the unique index answers). */
  selectByPrimaryKey(kc: KeychainKind, cls: string, pk: string, need: Need = 'write'): StoredItem | undefined {
    const row = this.stmt(`SELECT ${this.columns[need]} FROM items WHERE kc = ? AND cls = ? AND pk = ?`).get(kc, cls, pk) as Row | undefined;
    return row ? new Item(row, kc, cls, this) : undefined;
  }

  insert(item: ItemRow): number {
    const data = item.data;
    if (data !== undefined && isChunked(data.length)) {
      // The row, then its chunks: all or nothing, within the call's transaction.
      return this.savepoint(() => {
        const rowid = this.insertRow(item, null, data.length);
        this.writeChunks(rowid, item.uuid, data);
        return rowid;
      }, 'secret');
    }
    return this.insertRow(item, this.seal(data, item.uuid), null);
  }

  private insertRow(item: ItemRow, sealed: Buffer | null, chunkedSize: number | null): number {
    try {
      const result = chunkedSize === null
        ? this.stmt('INSERT INTO items (kc, cls, pk, uuid, agrp, k1, k2, attrs, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
          .run(item.kc, item.cls, item.pk, item.uuid, item.agrp, item.k1, item.k2, encodeAttributes(item.attrs), sealed)
        : this.stmt('INSERT INTO items (kc, cls, pk, uuid, agrp, k1, k2, attrs, data, chunked_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)')
          .run(item.kc, item.cls, item.pk, item.uuid, item.agrp, item.k1, item.k2, encodeAttributes(item.attrs), chunkedSize);
      return Number(result.lastInsertRowid);
    } catch (error) {
      throw mapConstraint(error);
    }
  }

  /**
   * Rewrites a stored item as `item`, writing only the columns that differ from `before`:
   * an update of the secret alone rewrites the attributes (its modification date) and the
   * sealed secret, not the indexed columns. With `keepSecret` the sealed secret stays as it is
   * (`item.data` is ignored): nothing is decrypted or sealed again.
   */
  update(before: StoredItem, item: ItemUpdate, keepSecret: boolean): void {
    const b = before as Item;
    const sets: string[] = [];
    const values: (string | number | null | Uint8Array)[] = [];
    if (item.pk !== undefined && item.pk !== b.row.pk) { sets.push('pk = ?'); values.push(item.pk); }
    if (item.agrp !== undefined && item.agrp !== b.row.agrp) { sets.push('agrp = ?'); values.push(item.agrp); }
    if (item.k1 !== undefined && item.k1 !== b.row.k1) { sets.push('k1 = ?'); values.push(item.k1); }
    if (item.k2 !== undefined && item.k2 !== b.row.k2) { sets.push('k2 = ?'); values.push(item.k2); }
    sets.push('attrs = ?');
    values.push(encodeAttributes(item.attrs));
    const data = item.data;
    const chunked = !keepSecret && data !== undefined && isChunked(data.length);
    // Unknown (a row read without its secret's columns) counts as chunked: its chunks go.
    const wasChunked = !keepSecret && b.row.chunked_size !== null;
    if (!keepSecret) {
      sets.push('data = ?');
      values.push(chunked ? null : this.seal(data, b.uuid));
      if (chunked || wasChunked) { sets.push('chunked_size = ?'); values.push(chunked ? data.length : null); }
    }
    values.push(b.rowid);
    const run = () => {
      try {
        this.stmt(`UPDATE items SET ${sets.join(', ')} WHERE rowid = ?`).run(...values);
      } catch (error) {
        throw mapConstraint(error);
      }
    };
    if (!chunked && !wasChunked) return run();
    this.savepoint(() => {
      run();
      if (wasChunked) this.stmt('DELETE FROM secrets WHERE item = ?').run(b.rowid);
      if (chunked) this.writeChunks(b.rowid, b.uuid, data);
    }, 'secret');
  }

  delete(rowid: number): void {
    this.stmt('DELETE FROM items WHERE rowid = ?').run(rowid);
  }

  /** Deletes the item with this canonical primary key; whether there was one. */
  deleteByPrimaryKey(kc: KeychainKind, cls: string, pk: string): boolean {
    return Number(this.stmt('DELETE FROM items WHERE kc = ? AND cls = ? AND pk = ?').run(kc, cls, pk).changes) > 0;
  }

  count(): number {
    return (this.stmt('SELECT count(*) AS n FROM items').get() as { n: number }).n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /**
   * A secret kept in its item's row: nonce(12) ‖ tag(16) ‖ ciphertext, the item's UUID as
   * associated data (sealing.ts).
   */
  seal(data: Buffer | undefined, uuid: Buffer): Buffer | null {
    return data === undefined ? null : seal(this.key, data, uuid);
  }

  /**
   * The secret of a sealed value read from the store (errSecDecode when it fails
   * authentication), decrypted in place over the ciphertext: the sealed bytes are this read's
   * own copy, and a large secret is not held twice.
   */
  open(sealed: Uint8Array, uuid: Uint8Array): Buffer {
    try {
      return openInPlace(this.key, sealed, uuid);
    } catch (error) {
      throw decodeFailure(error);
    }
  }

  /**
   * Seals a large secret chunk by chunk into `secrets`, from the caller's bytes through one
   * chunk-sized buffer: the whole secret is never copied.
   */
  private writeChunks(rowid: number, uuid: Uint8Array, data: Buffer): void {
    const out = Buffer.allocUnsafe(CHUNK_SIZE + SEAL_OVERHEAD);
    const insert = this.stmt('INSERT INTO secrets (item, n, chunk) VALUES (?, ?, ?)');
    for (let n = 0, at = 0; at < data.length; n++, at += CHUNK_SIZE) {
      insert.run(rowid, n, seal(this.key, data.subarray(at, at + CHUNK_SIZE), chunkAad(uuid, n, data.length), out));
    }
  }

  /**
   * A secret kept in chunks, read a chunk at a time into one buffer of its length
   * (errSecDecode when a chunk is missing, extra, or fails authentication).
   */
  openChunks(rowid: number, uuid: Uint8Array, size: number): Buffer {
    try {
      const count = chunkCount(size);
      const stored = (this.stmt('SELECT count(*) AS n FROM secrets WHERE item = ?').get(rowid) as { n: number }).n;
      if (stored !== count) throw new Error(`${stored} chunks stored for a secret of ${count}`);
      const out = Buffer.allocUnsafe(size);
      const get = this.stmt('SELECT chunk FROM secrets WHERE item = ? AND n = ?');
      for (let n = 0; n < count; n++) {
        const row = get.get(rowid, n) as { chunk: Uint8Array } | undefined;
        if (row === undefined) throw new Error(`chunk ${n} is missing`);
        const length = chunkLength(size, n);
        if (row.chunk.byteLength !== length + SEAL_OVERHEAD) throw new Error(`chunk ${n} has the wrong length`);
        openInto(this.key, row.chunk, chunkAad(uuid, n, size), out, n * CHUNK_SIZE);
      }
      return out;
    } catch (error) {
      throw decodeFailure(error);
    }
  }
}

function decodeFailure(error: unknown): SecError {
  return secError('errSecDecode', 'a stored secret failed authentication: the store or its key file was altered or replaced', { cause: error });
}

function mapConstraint(error: unknown): unknown {
  const code = (error as { errcode?: number }).errcode;
  if (code === SQLITE_CONSTRAINT_UNIQUE || code === SQLITE_CONSTRAINT_PRIMARYKEY) {
    return new DuplicateKeyError(String(error));
  }
  return error;
}
