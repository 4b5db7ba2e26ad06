// The floor: the least work any correct implementation of an operation must do on the
// emulator's schema — the SQLite statements on a database with the store's schema, pragmas
// and row shape, plus the AES-256-GCM seal or open the operation needs. Nothing else: no
// dictionary parsing, routing, result building or Promise.
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { createRequire } from 'node:module';
import { DatabaseSync } from 'node:sqlite';

/**
 * The store's schema: the statements src/emulator/store.ts creates it with. checkShape() also
 * compares the result with what the store itself created (sqlite_master).
 */
export const SCHEMA = createRequire(import.meta.url)('../../dist/emulator/store.js').MIGRATIONS.join('\n');

/** The store's pragmas for a file (src/emulator/store.ts); an in-memory store sets none. */
export const FILE_PRAGMAS = 'PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;';

// Column values as fileBased.ts writes them for a generic password: matchKey() strings.
// The query names service and account; the lookup columns hold their SHA-1, so hashing them
// is part of the floor too.
const lookupKey = (s) => `b:${createHash('sha1').update(s, 'utf8').digest('hex')}`; // matchKey(string, true)
const primaryKey = (acct, svce) => `s:${acct}|s:${svce}`; // genp primary key: acct, svce
const attrsJson = (svce, acct, t) => JSON.stringify({ svce, acct, cdat: { $date: t }, mdat: { $date: t }, labl: svce });

const FIND = 'FROM items WHERE kc = ? AND cls = ? AND k2 = ? AND k1 = ? ORDER BY rowid LIMIT 1';

export class Floor {
  /** A new floor database (in memory without `path`), or the one at `path` with its `key`. */
  constructor(path, key = randomBytes(32)) {
    this.path = path;
    this.keyBytes = key;
    this.db = new DatabaseSync(path ?? ':memory:');
    if (path) this.db.exec(FILE_PRAGMAS);
    if (!this.db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'items'").get()) this.db.exec(SCHEMA);
    this.key = createSecretKey(key);
    const s = (sql) => this.db.prepare(sql);
    this.sql = {
      insert: s('INSERT INTO items (kc, cls, pk, uuid, agrp, k1, k2, attrs, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      data: s(`SELECT uuid, data ${FIND}`),
      attrs: s(`SELECT attrs ${FIND}`),
      // Keychain order (insertion order) is part of the result's contract.
      all: s('SELECT attrs FROM items WHERE kc = ? AND cls = ? AND k2 = ? ORDER BY rowid'),
      target: s(`SELECT rowid, uuid ${FIND}`),
      // A new secret and a new modification date: an update must change both.
      update: s(`UPDATE items SET data = ?, attrs = json_set(attrs, '$.mdat', json_object('$date', ?)) WHERE rowid = ?`),
      delete: s('DELETE FROM items WHERE kc = ? AND cls = ? AND k2 = ? AND k1 = ?'),
    };
  }

  /** The INSERT's values for a new item: 16 random bytes of identity, the secret sealed. */
  row(svce, acct, data) {
    const uuid = randomBytes(16);
    return ['fb', 'genp', primaryKey(acct, svce), uuid, '', lookupKey(acct), lookupKey(svce), attrsJson(svce, acct, Date.now()), this.seal(data, uuid)];
  }

  /** Set-up: `items` (SecItemAdd dictionaries) in one transaction. */
  populate(items) {
    this.db.exec('BEGIN');
    for (const d of items) this.sql.insert.run(...this.row(d.svce, d.acct, d.v_Data));
    this.db.exec('COMMIT');
  }

  add(svce, acct, data) {
    const row = this.row(svce, acct, data);
    this.write(() => this.sql.insert.run(...row));
  }

  findData(svce, acct) {
    const r = this.sql.data.get('fb', 'genp', lookupKey(svce), lookupKey(acct));
    if (!r) throw new Error(`floor: no item ${svce}/${acct}`);
    return this.open(r.data, r.uuid);
  }

  findAttrs(svce, acct) {
    const r = this.sql.attrs.get('fb', 'genp', lookupKey(svce), lookupKey(acct));
    if (!r) throw new Error(`floor: no item ${svce}/${acct}`);
    return JSON.parse(r.attrs);
  }

  findAll(svce) {
    return this.sql.all.all('fb', 'genp', lookupKey(svce)).map((r) => JSON.parse(r.attrs));
  }

  /** The seal needs the item's uuid (the AAD), so the row is read first, in the transaction. */
  update(svce, acct, data) {
    const k2 = lookupKey(svce), k1 = lookupKey(acct);
    this.write(() => {
      const r = this.sql.target.get('fb', 'genp', k2, k1);
      if (!r) throw new Error(`floor: no item ${svce}/${acct}`);
      this.sql.update.run(this.seal(data, r.uuid), Date.now(), r.rowid);
    });
  }

  delete(svce, acct) {
    const k2 = lookupKey(svce), k1 = lookupKey(acct);
    this.write(() => {
      if (this.sql.delete.run('fb', 'genp', k2, k1).changes !== 1) throw new Error(`floor: no item ${svce}/${acct}`);
    });
  }

  write(fn) {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      fn();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** nonce(12) | tag(16) | ciphertext, the uuid as associated data (as store.ts). */
  seal(data, uuid) {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(uuid);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  }

  open(sealed, uuid) {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, 12));
    decipher.setAAD(uuid);
    decipher.setAuthTag(sealed.subarray(12, 28));
    return Buffer.concat([decipher.update(sealed.subarray(28)), decipher.final()]);
  }

  close() {
    this.db.close();
  }

  /** Closes the file and opens it again: a new connection with a cold page cache. */
  reopen() {
    this.close();
    return new Floor(this.path, this.keyBytes);
  }
}

/**
 * Throws unless the floor's database has the same schema as the store file at `storePath`
 * and its rows for `items` (present in both) have the store's shape: same key columns, same
 * attrs keys and JSON length, 16-byte uuid, same sealed length.
 */
export function checkShape(storePath, floor, items) {
  const store = new DatabaseSync(storePath, { readOnly: true });
  try {
    const master = (db) => db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name').all().map((r) => ({ ...r }));
    if (!isDeepStrictEqual(master(store), master(floor.db))) {
      throw new Error('the floor schema differs from the schema of the store file');
    }
    const mode = (db) => db.prepare('PRAGMA journal_mode').get().journal_mode;
    if (mode(store) !== mode(floor.db)) throw new Error(`journal_mode: store ${mode(store)}, floor ${mode(floor.db)}`);
    const shape = (r) => r && {
      kc: r.kc, cls: r.cls, pk: r.pk, agrp: r.agrp, k1: r.k1, k2: r.k2, uuid: r.uuid.length,
      attrKeys: Object.keys(JSON.parse(r.attrs)), attrsLength: r.attrs.length, dataLength: r.data?.length,
    };
    const get = 'SELECT * FROM items WHERE pk = ?';
    for (const d of items) {
      const pk = primaryKey(d.acct, d.svce);
      const [a, b] = [shape(store.prepare(get).get(pk)), shape(floor.db.prepare(get).get(pk))];
      if (!isDeepStrictEqual(a, b)) {
        throw new Error(`the floor's row differs from the store's for ${pk}:\n store ${JSON.stringify(a)}\n floor ${JSON.stringify(b)}`);
      }
    }
  } finally {
    store.close();
  }
}
