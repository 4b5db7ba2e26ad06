/**
 * Large secrets (docs/emulator-store.md, "Large secrets"): a secret larger than one chunk is
 * kept as sealed chunks (src/emulator/sealing.ts), written and read a chunk at a time. Each
 * chunk is bound to its item, its place and the secret's length, so a store altered behind
 * the emulator's back answers errSecDecode instead of other bytes; a write is still one
 * transaction.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { CHUNK_SIZE, SEAL_OVERHEAD } from '../../src/emulator/sealing.js';

let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-large-'));
  path = join(dir, 'kc.sqlite');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const GROUP = 'TEAM.com.example.large';
const open = () => createEmulator({ path, app: { accessGroups: [GROUP] } });
const add = (acct: string, data: Buffer, nleg = false) => ({ class: 'genp', svce: 'large', acct, nleg, v_Data: data });
const find = (acct: string, nleg = false) => ({ class: 'genp', svce: 'large', acct, nleg, r_Data: true });
/** Whether two secrets are the same bytes (toEqual on megabytes is slow and prints megabytes). */
const same = (found: unknown, expected: Buffer): boolean => Buffer.isBuffer(found) && found.equals(expected);

interface ChunkRow { item: number; n: number; chunk: Uint8Array }

function withDatabase<T>(fn: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const chunks = (db: DatabaseSync): ChunkRow[] => db.prepare('SELECT item, n, chunk FROM secrets ORDER BY item, n').all() as unknown as ChunkRow[];
const itemRow = (db: DatabaseSync, acct: string) =>
  db.prepare("SELECT rowid, data, chunked_size FROM items WHERE json_extract(attrs, '$.acct') = ?").get(acct) as
    { rowid: number; data: Uint8Array | null; chunked_size: number | null };

describe('large secrets', () => {
  it('a secret larger than one chunk is kept as sealed chunks, in both keychains, and read back whole', async () => {
    const big = randomBytes(2 * CHUNK_SIZE + 12_345);
    const kc = open();
    await kc.SecItemAdd(add('fb', big));
    await kc.SecItemAdd(add('dp', big, true));
    expect(same(await kc.SecItemCopyMatching(find('fb')), big)).toBe(true);
    expect(same(await kc.SecItemCopyMatching(find('dp', true)), big)).toBe(true);
    kc.close();

    withDatabase((db) => {
      for (const acct of ['fb', 'dp']) {
        const row = itemRow(db, acct);
        expect(row.data).toBeNull();
        expect(row.chunked_size).toBe(big.length);
        const mine = chunks(db).filter((c) => c.item === row.rowid);
        expect(mine.map((c) => c.n)).toEqual([0, 1, 2]);
        expect(mine.map((c) => c.chunk.byteLength)).toEqual([CHUNK_SIZE + SEAL_OVERHEAD, CHUNK_SIZE + SEAL_OVERHEAD, 12_345 + SEAL_OVERHEAD]);
      }
    });
    // Sealed: no piece of the plaintext is in the files.
    for (const suffix of ['', '-wal']) {
      if (!existsSync(path + suffix)) continue;
      const file = readFileSync(path + suffix);
      for (const at of [0, CHUNK_SIZE, 2 * CHUNK_SIZE]) expect(file.includes(big.subarray(at, at + 32))).toBe(false);
    }
  });

  it('a secret of exactly one chunk stays in its row; one byte more is chunked', async () => {
    const kc = open();
    await kc.SecItemAdd(add('one', randomBytes(CHUNK_SIZE)));
    await kc.SecItemAdd(add('two', randomBytes(CHUNK_SIZE + 1)));
    kc.close();
    withDatabase((db) => {
      expect(itemRow(db, 'one').chunked_size).toBeNull();
      expect(itemRow(db, 'one').data!.byteLength).toBe(CHUNK_SIZE + SEAL_OVERHEAD);
      expect(itemRow(db, 'two').chunked_size).toBe(CHUNK_SIZE + 1);
      expect(chunks(db).map((c) => c.chunk.byteLength)).toEqual([CHUNK_SIZE + SEAL_OVERHEAD, 1 + SEAL_OVERHEAD]);
    });
  });

  it('updating and deleting: a secret moves between its row and chunks, and no chunk outlives its secret', async () => {
    const kc = open();
    const big = randomBytes(3 * CHUNK_SIZE);
    const bigger = randomBytes(4 * CHUNK_SIZE + 1);
    await kc.SecItemAdd(add('a', Buffer.from('small')));
    await kc.SecItemUpdate({ class: 'genp', svce: 'large', acct: 'a' }, { v_Data: big });
    expect(same(await kc.SecItemCopyMatching(find('a')), big)).toBe(true);
    await kc.SecItemUpdate({ class: 'genp', svce: 'large', acct: 'a' }, { v_Data: bigger });
    expect(same(await kc.SecItemCopyMatching(find('a')), bigger)).toBe(true);
    expect(withDatabase((db) => chunks(db).length)).toBe(5);
    // An update of attributes only keeps the chunks as they are.
    const before = withDatabase((db) => chunks(db).map((c) => Buffer.from(c.chunk).toString('base64')));
    await kc.SecItemUpdate({ class: 'genp', svce: 'large', acct: 'a' }, { labl: 'renamed' });
    expect(withDatabase((db) => chunks(db).map((c) => Buffer.from(c.chunk).toString('base64')))).toEqual(before);
    expect(same(await kc.SecItemCopyMatching(find('a')), bigger)).toBe(true);
    await kc.SecItemUpdate({ class: 'genp', svce: 'large', acct: 'a' }, { v_Data: Buffer.from('small again') });
    expect(String(await kc.SecItemCopyMatching(find('a')))).toBe('small again');
    expect(withDatabase((db) => chunks(db).length)).toBe(0);

    await kc.SecItemAdd(add('b', big));
    await kc.SecItemAdd(add('c', big, true));
    expect(withDatabase((db) => chunks(db).length)).toBe(6);
    await kc.SecItemDelete({ class: 'genp', svce: 'large', acct: 'b' });
    expect(withDatabase((db) => chunks(db).map((c) => c.item))).toEqual([withDatabase((db) => itemRow(db, 'c').rowid)].flatMap((r) => [r, r, r]));
    await kc.SecItemDelete({ class: 'genp', svce: 'large', acct: 'c', nleg: true });
    expect(withDatabase((db) => chunks(db).length)).toBe(0);
    kc.close();
  });

  it('a write that fails part-way through the chunks leaves no item and no chunk (one transaction)', async () => {
    const kc = open();
    await kc.SecItemAdd(add('kept', randomBytes(2 * CHUNK_SIZE + 1)));
    const kept = withDatabase((db) => chunks(db).length);
    // Another connection makes the third chunk of any later write fail.
    withDatabase((db) => db.exec("CREATE TRIGGER fail_third_chunk BEFORE INSERT ON secrets WHEN NEW.n = 2 BEGIN SELECT RAISE(ABORT, 'disk full'); END"));
    await expect(kc.SecItemAdd(add('lost', randomBytes(3 * CHUNK_SIZE)))).rejects.toMatchObject({ code: 'errSecIO' });
    await expect(kc.SecItemUpdate({ class: 'genp', svce: 'large', acct: 'kept' }, { v_Data: randomBytes(3 * CHUNK_SIZE) })).rejects.toMatchObject({ code: 'errSecIO' });
    withDatabase((db) => {
      db.exec('DROP TRIGGER fail_third_chunk');
      expect(db.prepare("SELECT count(*) AS n FROM items WHERE json_extract(attrs, '$.acct') = 'lost'").get()).toEqual({ n: 0 });
      expect(chunks(db).length).toBe(kept);
    });
    expect((await kc.SecItemCopyMatching(find('kept')) as Buffer).length).toBe(2 * CHUNK_SIZE + 1);
    kc.close();
  });

  it('a store whose only sealed secret is chunked still needs its key file: without it the store is refused, and no key is made', async () => {
    const kc = open();
    await kc.SecItemAdd(add('only', randomBytes(CHUNK_SIZE + 1)));
    kc.close();
    expect(withDatabase((db) => db.prepare('SELECT count(*) AS n FROM items WHERE data IS NOT NULL').get())).toEqual({ n: 0 });
    rmSync(`${path}.key`);
    expect(() => open()).toThrow(expect.objectContaining({ code: 'errSecInvalidKeychain', message: expect.stringContaining('.key') }));
    expect(existsSync(`${path}.key`)).toBe(false);
  });
});

describe('large secrets altered behind the store\'s back are errSecDecode, never other bytes', () => {
  /** Two items of the same length, so that whole chunks can be exchanged between them. */
  async function twoItems(): Promise<{ a: number; b: number }> {
    const kc = open();
    await kc.SecItemAdd(add('a', randomBytes(2 * CHUNK_SIZE + 100)));
    await kc.SecItemAdd(add('b', randomBytes(2 * CHUNK_SIZE + 100)));
    kc.close();
    return withDatabase((db) => ({ a: itemRow(db, 'a').rowid, b: itemRow(db, 'b').rowid }));
  }

  async function readA(): Promise<unknown> {
    const kc = open();
    try {
      return await kc.SecItemCopyMatching(find('a'));
    } finally {
      kc.close();
    }
  }

  it('the untouched store reads (the checks below are not vacuous)', async () => {
    await twoItems();
    expect((await readA() as Buffer).length).toBe(2 * CHUNK_SIZE + 100);
  });

  it('two chunks of one secret swapped', async () => {
    const { a } = await twoItems();
    withDatabase((db) => db.exec(`UPDATE secrets SET n = -1 WHERE item = ${a} AND n = 0;
      UPDATE secrets SET n = 0 WHERE item = ${a} AND n = 1; UPDATE secrets SET n = 1 WHERE item = ${a} AND n = -1;`));
    await expect(readA()).rejects.toMatchObject({ code: 'errSecDecode' });
  });

  it('a chunk taken from another item at the same place', async () => {
    const { a, b } = await twoItems();
    withDatabase((db) => db.exec(`UPDATE secrets SET chunk = (SELECT chunk FROM secrets WHERE item = ${b} AND n = 1) WHERE item = ${a} AND n = 1`));
    await expect(readA()).rejects.toMatchObject({ code: 'errSecDecode' });
  });

  it('the last chunk dropped, and the length shortened to match', async () => {
    const { a } = await twoItems();
    withDatabase((db) => db.exec(`DELETE FROM secrets WHERE item = ${a} AND n = 2`));
    await expect(readA()).rejects.toMatchObject({ code: 'errSecDecode' });
    withDatabase((db) => db.exec(`UPDATE items SET chunked_size = ${2 * CHUNK_SIZE} WHERE rowid = ${a}`));
    await expect(readA()).rejects.toMatchObject({ code: 'errSecDecode' });
  });

  it('a chunk added after the last one', async () => {
    const { a, b } = await twoItems();
    withDatabase((db) => db.exec(`INSERT INTO secrets (item, n, chunk) SELECT ${a}, 3, chunk FROM secrets WHERE item = ${b} AND n = 2`));
    await expect(readA()).rejects.toMatchObject({ code: 'errSecDecode' });
  });

  it('a flipped byte in a chunk', async () => {
    const { a } = await twoItems();
    withDatabase((db) => {
      const { chunk } = db.prepare(`SELECT chunk FROM secrets WHERE item = ${a} AND n = 1`).get() as { chunk: Uint8Array };
      chunk[5000] = chunk[5000]! ^ 1;
      db.prepare(`UPDATE secrets SET chunk = ? WHERE item = ${a} AND n = 1`).run(chunk);
    });
    await expect(readA()).rejects.toMatchObject({ code: 'errSecDecode' });
  });
});
