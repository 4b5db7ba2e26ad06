/**
 * Upgrading a store of schema version 1 (src/emulator/store.ts UPGRADES[2]): the SHA-1 of a
 * data protection secret, stored in the clear by version 1, is gone from every file; key
 * columns are recomputed with escaped strings; every item is still found.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmulator } from '../../src/index.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/emulator/store.js';

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
