/**
 * Upgrading a store of schema version 1 (src/emulator/store.ts UPGRADES[2]): the SHA-1 of a
 * data protection secret, stored in the clear by version 1, is gone from every file; key
 * columns are recomputed with escaped strings; every item is still found. Upgrading a store
 * of version 2 (MIGRATIONS[2]): chunked secrets are added, secrets kept whole still read.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/emulator/store.js';
import { CHUNK_SIZE } from '../../src/emulator/sealing.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-upgrade-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const GROUP = 'TEAM.com.example.upgrade';

/** What version 1 wrote: the key columns joined unescaped, SHA-1 of UTF-8 bytes, sha1 in the attributes. */
function versionOneStore(path: string): { secret: Buffer; digest: Buffer } {
  const key = randomBytes(32);
  writeFileSync(`${path}.key`, key, { mode: 0o600 });
  const db = new DatabaseSync(path);
  db.exec(MIGRATIONS[0]!);
  db.exec('PRAGMA user_version = 1; PRAGMA journal_mode = WAL;');
  const seal = (data: Buffer, uuid: Buffer) => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(uuid);
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([nonce, cipher.getAuthTag(), body]);
  };
  const hex = (s: string) => `b:${createHash('sha1').update(Buffer.from(s, 'utf8')).digest('hex')}`;
  const insert = db.prepare('INSERT INTO items (kc, cls, pk, uuid, agrp, k1, k2, attrs, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const now = { $date: Date.now() };
  // A file-based item whose account holds the separator.
  const fbUuid = randomBytes(16);
  insert.run('fb', 'genp', 's:a|s:b|s:svc', fbUuid, '', hex('a|s:b'), hex('svc'),
    JSON.stringify({ acct: 'a|s:b', svce: 'svc', labl: 'svc', cdat: now, mdat: now }), seal(Buffer.from('fb secret'), fbUuid));
  // A data protection item with its secret's digest in the clear, as version 1 stored it.
  const secret = Buffer.from('correct horse battery staple');
  const digest = createHash('sha1').update(secret).digest();
  const dpUuid = randomBytes(16);
  const attrs = {
    acct: 'alice', svce: 'svc', agrp: GROUP, pdmn: 'ak', accc: { $ac: { protection: 'ak', flags: 0 } }, cdat: now, mdat: now,
    sync: 0, tomb: 0, musr: { $data: '' }, sha1: { $data: digest.toString('base64') },
  };
  const pk = [hex('alice'), hex('svc'), `s:${GROUP}`, 'n:0', '-', '-', 'b:da39a3ee5e6b4b0d3255bfef95601890afd80709', '-'].join('|');
  insert.run('dp', 'genp', pk, dpUuid, GROUP, hex('alice'), hex('svc'), JSON.stringify(attrs), seal(secret, dpUuid));
  db.close();
  return { secret, digest };
}

function filesContain(path: string, needle: Buffer): boolean {
  return ['', '-wal', '-shm'].some((suffix) => existsSync(path + suffix) && readFileSync(path + suffix).includes(needle));
}

describe('upgrading a version 1 store', () => {
  it('removes the stored SHA-1 of every secret from the database and its log, and keeps every item', async () => {
    const path = join(dir, 'kc.sqlite');
    const { secret, digest } = versionOneStore(path);
    expect(filesContain(path, Buffer.from(digest.toString('base64')))).toBe(true);

    const kc = createEmulator({ path, app: { accessGroups: [GROUP] } });
    const attributesOnly = await kc.SecItemCopyMatching({ class: 'genp', nleg: true, acct: 'alice', r_Attributes: true }) as Record<string, unknown>;
    expect(attributesOnly.sha1).toBeUndefined();
    const withData = await kc.SecItemCopyMatching({ class: 'genp', nleg: true, acct: 'alice', r_Attributes: true, r_Data: true }) as Record<string, unknown>;
    expect(withData.v_Data).toEqual(secret);
    expect(withData.sha1).toEqual(digest); // still returned with the secret, computed from it (14.1)
    // A search by the digest still finds the item.
    expect(await kc.SecItemCopyMatching({ class: 'genp', nleg: true, sha1: digest, r_Data: true })).toEqual(secret);
    kc.close();

    expect(filesContain(path, Buffer.from(digest.toString('base64')))).toBe(false);
    const db = new DatabaseSync(path, { readOnly: true });
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('recomputes the key columns: an account with the separator is found by its whole key, and its twin can be added', async () => {
    const path = join(dir, 'kc.sqlite');
    versionOneStore(path);
    const kc = createEmulator({ path });
    expect(String(await kc.SecItemCopyMatching({ class: 'genp', nleg: false, acct: 'a|s:b', svce: 'svc', r_Data: true }))).toBe('fb secret');
    // Version 1 joined this item's key to the same text: now it is a different item.
    await kc.SecItemAdd({ class: 'genp', acct: 'a', svce: 'b|s:svc', v_Data: Buffer.from('twin') });
    expect(String(await kc.SecItemCopyMatching({ class: 'genp', nleg: false, acct: 'a', svce: 'b|s:svc', r_Data: true }))).toBe('twin');
    kc.close();
  });

  it('a new item never stores the digest of its secret', async () => {
    const path = join(dir, 'new.sqlite');
    const kc = createEmulator({ path, app: { accessGroups: [GROUP] } });
    const secret = Buffer.from('another secret entirely');
    await kc.SecItemAdd({ class: 'genp', nleg: true, acct: 'bob', v_Data: secret });
    await kc.SecItemUpdate({ class: 'genp', nleg: true, acct: 'bob' }, { v_Data: Buffer.from('changed secret') });
    kc.close();
    for (const s of [secret, Buffer.from('changed secret')]) {
      const d = createHash('sha1').update(s).digest();
      expect(filesContain(path, d)).toBe(false);
      expect(filesContain(path, Buffer.from(d.toString('base64')))).toBe(false);
      expect(filesContain(path, Buffer.from(d.toString('hex')))).toBe(false);
    }
  });
});

/**
 * What version 2 wrote (the rows of items copied from a store this version made, whose key
 * columns version 2 computes alike), with every secret whole in its row — also one of
 * several megabytes, which version 3 would keep in chunks. Returns that large secret.
 */
async function versionTwoStore(path: string): Promise<Buffer> {
  const source = `${path}.source`;
  const kc = createEmulator({ path: source, app: { accessGroups: [GROUP] } });
  await kc.SecItemAdd({ class: 'genp', svce: 'svc', acct: 'small-fb', v_Data: Buffer.from('fb secret') });
  await kc.SecItemAdd({ class: 'genp', svce: 'svc', acct: 'small-dp', nleg: true, v_Data: Buffer.from('dp secret') });
  await kc.SecItemAdd({ class: 'genp', svce: 'svc', acct: 'large', v_Data: Buffer.from('placeholder') });
  kc.close();
  const key = readFileSync(`${source}.key`);
  writeFileSync(`${path}.key`, key, { mode: 0o600 });
  const db = new DatabaseSync(path);
  db.exec(MIGRATIONS[0]!);
  db.exec('PRAGMA user_version = 2; PRAGMA journal_mode = WAL;');
  db.prepare('ATTACH DATABASE ? AS source').run(source);
  db.exec('INSERT INTO items (rowid, kc, cls, pk, uuid, agrp, k1, k2, attrs, data) SELECT rowid, kc, cls, pk, uuid, agrp, k1, k2, attrs, data FROM source.items');
  db.exec('DETACH DATABASE source');
  const large = randomBytes(3 * CHUNK_SIZE + 7);
  const { uuid } = db.prepare("SELECT uuid FROM items WHERE json_extract(attrs, '$.acct') = 'large'").get() as { uuid: Uint8Array };
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(uuid);
  const body = Buffer.concat([cipher.update(large), cipher.final()]);
  db.prepare("UPDATE items SET data = ? WHERE json_extract(attrs, '$.acct') = 'large'").run(Buffer.concat([nonce, cipher.getAuthTag(), body]));
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  return large;
}

const readData = (kc: ReturnType<typeof createEmulator>, acct: string, nleg = false) =>
  kc.SecItemCopyMatching({ class: 'genp', svce: 'svc', acct, nleg, r_Data: true }) as Promise<Buffer>;

describe('upgrading a version 2 store', () => {
  it('adds chunked secrets in place: every item still reads, a large secret kept whole still reads, and a new large secret is chunked', async () => {
    const path = join(dir, 'kc.sqlite');
    const large = await versionTwoStore(path);
    const kc = createEmulator({ path, app: { accessGroups: [GROUP] } });
    expect(String(await readData(kc, 'small-fb'))).toBe('fb secret');
    expect(String(await readData(kc, 'small-dp', true))).toBe('dp secret');
    expect((await readData(kc, 'large')).equals(large)).toBe(true);
    const replaced = randomBytes(2 * CHUNK_SIZE + 1);
    await kc.SecItemUpdate({ class: 'genp', svce: 'svc', acct: 'large' }, { v_Data: replaced });
    expect((await readData(kc, 'large')).equals(replaced)).toBe(true);
    kc.close();

    const db = new DatabaseSync(path, { readOnly: true });
    expect((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(SCHEMA_VERSION);
    expect(db.prepare("SELECT data IS NULL AS inRow, chunked_size FROM items WHERE json_extract(attrs, '$.acct') = 'large'").get()).toEqual({ inRow: 1, chunked_size: replaced.length });
    expect((db.prepare('SELECT count(*) AS n FROM secrets').get() as { n: number }).n).toBe(3);
    db.close();
    // And the upgraded file opens again as a store of this version.
    const again = createEmulator({ path });
    expect((await readData(again, 'large')).equals(replaced)).toBe(true);
    again.close();
  });

  it('a read-only version 2 store opens without the upgrade it cannot take: searches read it, writes are errSecReadOnly, the file is unchanged', async () => {
    const path = join(dir, 'kc.sqlite');
    const large = await versionTwoStore(path);
    chmodSync(path, 0o444);
    const bytes = readFileSync(path);
    const kc = createEmulator({ path, app: { accessGroups: [GROUP] } });
    expect(String(await readData(kc, 'small-dp', true))).toBe('dp secret');
    expect((await readData(kc, 'large')).equals(large)).toBe(true);
    await expect(kc.SecItemAdd({ class: 'genp', svce: 'svc', acct: 'new', v_Data: Buffer.from('x') })).rejects.toMatchObject({ code: 'errSecReadOnly' });
    kc.close();
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o444);
  });
});
