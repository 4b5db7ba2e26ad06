/**
 * Part 3 — bad files. The store must never modify a file it has not accepted: its bytes and
 * mode stay as they were (a hash and stat before and after), nothing is created beside it
 * (no key file, no -wal or -shm), and the refusal is a SecError:
 *
 * - a file that is not this package's store (garbage, a damaged SQLite file, another app's
 *   database — with no `items` table, with an `items` table of another schema, or in WAL
 *   mode with a WAL the app has not checkpointed — or a store written by a newer version, a
 *   higher `PRAGMA user_version`): createEmulator throws errSecInvalidKeychain;
 * - `path: ''`: errSecParam;
 * - a path whose directory does not exist: createEmulator succeeds, every call rejects with
 *   errSecNoSuchKeychain, and nothing is created;
 * - a store file without write bits (0444): opened read-only — reads work, writes reject with
 *   errSecReadOnly, the mode stays 0444 (checked by mode bits, so it holds for root too);
 * - a store with sealed secrets whose key file is missing: errSecInvalidKeychain naming the key
 *   file, and no new key file (which would make every secret unreadable for good);
 * - a key file with mode 0644: tightened to 0600, its key unchanged.
 */
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeEach, describe, expect, it, type TaskMeta } from 'vitest';
import { createEmulator, SecError } from '../../src/index.js';
import { SCHEMA_VERSION } from '../../src/emulator/store.js';
import { createKeytar } from '../../src/typed/keytar.js';
import { n, reportFigures } from './support/figures.js';
import { fingerprint, listing, type Fingerprint } from './support/files.js';
import { prng, suiteSeed } from './support/seed.js';

const errSecParam = -50;
const errSecReadOnly = -25292;
const errSecNoSuchKeychain = -25294;
const errSecInvalidKeychain = -25295;

const root = mkdtempSync(join(tmpdir(), 'sf-reliability-files-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let cases = 0;
const dirFor = (name: string) => {
  const dir = join(root, `${++cases}-${name}`);
  mkdirSync(dir);
  return dir;
};

/**
 * Per case: answered with the expected status, and left exactly as it was. The summary line is
 * kept on the file's meta, rewritten after each case (what a test sets there reaches the
 * figures reporter; what an afterAll hook sets does not).
 */
const outcomes: { name: string; expectedStatus: boolean; untouched: boolean }[] = [];
let fileMeta: TaskMeta | undefined;
beforeEach((ctx) => {
  fileMeta = ctx.task.file.meta;
});
function record(name: string, expectedStatus: boolean, untouched: boolean): void {
  outcomes.push({ name, expectedStatus, untouched });
  const expected = outcomes.filter((o) => o.expectedStatus).length;
  const kept = outcomes.filter((o) => o.untouched).length;
  const short = outcomes.filter((o) => !o.expectedStatus || !o.untouched).map((o) => o.name);
  reportFigures(fileMeta!, 'Bad files', `Bad files: ${n(outcomes.length)} cases, ${n(expected)} answered with the expected status, `
    + `${n(kept)} left unchanged (bytes, mode, nothing created beside them but SQLite's -wal/-shm for a WAL-mode file)`
    + (short.length > 0 ? `; not yet: ${short.join('; ')}` : ''));
}

/** What a synchronous call threw (undefined if it returned). */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    return error;
  }
}

const describeError = (e: unknown) => (e instanceof SecError ? `SecError ${e.status} ${e.code}: ${e.message}` : e === undefined ? 'nothing' : `${(e as Error)?.name}: ${String((e as Error)?.message ?? e)}`);
/** "SecError -25294 errSecNoSuchKeychain" for a SecError; what it is otherwise. */
const statusOf = (e: unknown) => (e instanceof SecError ? `SecError ${e.status} ${e.code}` : describeError(e));
const settledStatus = (s: PromiseSettledResult<unknown>) => (s.status === 'rejected' ? statusOf(s.reason) : `resolved ${JSON.stringify(s.value)}`);

/** SQLite's header says WAL mode (file format read and write versions 2, offsets 18 and 19). */
function walMode(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(20);
    return readSync(fd, header, 0, 20, 0) === 20 && header.subarray(0, 16).toString('latin1') === 'SQLite format 3\0' && header[18] === 2 && header[19] === 2;
  } finally {
    closeSync(fd);
  }
}

/**
 * What refusing `path` changed in `dir`: any file that was there and is not byte-for-byte and
 * mode-for-mode the same, and any new file — except what SQLite does when it looks at a
 * WAL-mode database read-only, which docs/emulator-store.md allows: it may create an empty
 * -wal and a -shm, and it writes to the -shm, which is not data but the wal-index every
 * reader of a live WAL database shares (SQLite docs, "Write-Ahead Logging", 2.4) — so only
 * the -shm's mode is compared.
 */
function changesIn(dir: string, path: string, before: Map<string, Fingerprint | null>, wal: boolean): string[] {
  const changes: string[] = [];
  const shm = `${basename(path)}-shm`;
  const comparable = (name: string, f: Fingerprint | null | undefined) => JSON.stringify(wal && name === shm ? f?.mode : f);
  for (const name of listing(dir) ?? []) {
    const now = fingerprint(join(dir, name));
    if (!before.has(name)) {
      const companion = wal && (name === shm || (name === `${basename(path)}-wal` && now?.size === 0));
      if (!companion) changes.push(`created ${name} (${JSON.stringify(now)})`);
    } else if (comparable(name, now) !== comparable(name, before.get(name))) {
      changes.push(`changed ${name}: ${JSON.stringify(before.get(name))} → ${JSON.stringify(now)}`);
    }
  }
  for (const name of before.keys()) if (!existsSync(join(dir, name))) changes.push(`removed ${name}`);
  return changes;
}

/**
 * Opening `path` must throw a SecError with `status`, and leave the files in `dir` (the store,
 * and whatever lies beside it) as they were.
 */
function expectRefusedUntouched(name: string, dir: string, path: string, status: number, also: (e: SecError) => void = () => {}): void {
  const before = new Map((listing(dir) ?? []).map((f) => [f, fingerprint(join(dir, f))]));
  const wal = walMode(path);
  const error = thrownBy(() => createEmulator({ path }).close());
  const changes = changesIn(dir, path, before, wal);
  record(name, error instanceof SecError && error.status === status, changes.length === 0);
  expect(describeError(error), 'the refusal').toMatch(new RegExp(`^SecError ${status} `));
  also(error as SecError);
  expect(changes, 'what the refusal changed (bytes as sha256, mode)').toEqual([]);
}

/** Another app's database: a table of its own, some rows, in its own journal mode. */
function otherAppDatabase(path: string, schema: string, journal: 'delete' | 'wal' = 'delete'): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA journal_mode = ${journal}`);
  db.exec(schema);
  return db;
}

/** A real store with two items (one secret each), closed. */
async function storeWithItems(path: string): Promise<void> {
  const kc = createEmulator({ path });
  await kc.SecItemAdd({ class: 'genp', svce: 'files', acct: 'alice', v_Data: Buffer.from('alice secret') });
  await kc.SecItemAdd({ class: 'genp', svce: 'files', acct: 'bob', v_Data: Buffer.from('bob secret') });
  kc.close();
}

const random = prng(suiteSeed());

describe('files the store has not accepted are refused and left untouched', () => {
  it('garbage', () => {
    const dir = dirFor('garbage');
    const path = join(dir, 'kc.sqlite');
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, () => Math.floor(random() * 256))), { mode: 0o644 });
    expectRefusedUntouched('garbage', dir, path, errSecInvalidKeychain);
  });

  it('a damaged SQLite file (a valid header, garbage after it)', () => {
    const dir = dirFor('damaged');
    const path = join(dir, 'kc.sqlite');
    const header = Buffer.from('SQLite format 3\0', 'latin1');
    writeFileSync(path, Buffer.concat([header, Buffer.from(Array.from({ length: 4096 - header.length }, () => Math.floor(random() * 256)))]), { mode: 0o644 });
    expectRefusedUntouched('damaged SQLite file', dir, path, errSecInvalidKeychain);
  });

  it("another app's SQLite database, without an items table", () => {
    const dir = dirFor('other-app');
    const path = join(dir, 'notes.db');
    otherAppDatabase(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('buy milk'), ('call bob');").close();
    chmodSync(path, 0o644);
    expectRefusedUntouched('another app\'s database', dir, path, errSecInvalidKeychain);
  });

  it('a SQLite database whose items table has another schema', () => {
    const dir = dirFor('other-items');
    const path = join(dir, 'shop.db');
    otherAppDatabase(path, "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, price REAL); INSERT INTO items (name, price) VALUES ('tea', 3.5);").close();
    chmodSync(path, 0o644);
    expectRefusedUntouched('items table of another schema', dir, path, errSecInvalidKeychain);
  });

  it("a WAL-mode database of another app that is running, its WAL not checkpointed", () => {
    const dir = dirFor('other-app-wal');
    const path = join(dir, 'events.db');
    const app = otherAppDatabase(path, 'PRAGMA wal_autocheckpoint = 0; CREATE TABLE events (at INTEGER, what TEXT);', 'wal');
    try {
      for (let i = 0; i < 50; i++) app.prepare('INSERT INTO events VALUES (?, ?)').run(i, `event ${i}`);
      expectRefusedUntouched("another app's WAL database (app running)", dir, path, errSecInvalidKeychain);
    } finally {
      app.close();
    }
  });

  it('a WAL-mode database another app left behind (its WAL still holds committed rows)', () => {
    const dir = dirFor('other-app-wal-left');
    const live = join(root, 'live-events.db');
    const app = otherAppDatabase(live, 'PRAGMA wal_autocheckpoint = 0; CREATE TABLE events (at INTEGER, what TEXT);', 'wal');
    for (let i = 0; i < 50; i++) app.prepare('INSERT INTO events VALUES (?, ?)').run(i, `event ${i}`);
    // As if the app had crashed: its database and WAL, copied while it still had them open.
    const path = join(dir, 'events.db');
    copyFileSync(live, path);
    copyFileSync(`${live}-wal`, `${path}-wal`);
    app.close();
    // Recovering that WAL and checkpointing it on close would rewrite the app's database.
    expectRefusedUntouched("another app's WAL database (left behind)", dir, path, errSecInvalidKeychain);
  });

  it('a store written by a newer version of this package (higher user_version)', async () => {
    const dir = dirFor('newer');
    const path = join(dir, 'kc.sqlite');
    await storeWithItems(path);
    const db = new DatabaseSync(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    chmodSync(path, 0o640); // a mode the store would have tightened, had it accepted the file
    expectRefusedUntouched('newer user_version', dir, path, errSecInvalidKeychain, (e) => expect(e.message).toContain(String(SCHEMA_VERSION + 1)));
  });

  it('a store with sealed secrets whose key file is missing: refused naming the key file, no key file created', async () => {
    const dir = dirFor('no-key');
    const path = join(dir, 'kc.sqlite');
    await storeWithItems(path);
    unlinkSync(`${path}.key`);
    expectRefusedUntouched('sealed rows, key file missing', dir, path, errSecInvalidKeychain, (e) => expect(e.message).toContain('kc.sqlite.key'));
  });
});

describe('paths and modes', () => {
  it("path '' is errSecParam", () => {
    const error = thrownBy(() => createEmulator({ path: '' }).close());
    record("path ''", error instanceof SecError && error.status === errSecParam, true);
    expect(describeError(error)).toMatch(new RegExp(`^SecError ${errSecParam} `));
  });

  it('a path whose directory does not exist: every call rejects with errSecNoSuchKeychain, nothing is created', async () => {
    const dir = dirFor('missing-dir');
    const path = join(dir, 'not', 'there', 'kc.sqlite');
    const kc = createEmulator({ path });
    const keytar = createKeytar(kc);
    const q = { class: 'genp', svce: 'files', acct: 'alice' };
    const settled = await Promise.allSettled([
      kc.SecItemAdd({ ...q, v_Data: Buffer.from('x') }), kc.SecItemCopyMatching({ ...q, r_Data: true }),
      kc.SecItemUpdate(q, { v_Data: Buffer.from('y') }), kc.SecItemDelete(q),
      keytar.getPassword('files', 'alice'), keytar.setPassword('files', 'alice', 'pw'), keytar.findCredentials('files'),
    ]);
    kc.close();
    const statuses = settled.map(settledStatus);
    const created = listing(dir);
    record('missing directory', statuses.every((s) => s === `SecError ${errSecNoSuchKeychain} errSecNoSuchKeychain`), created?.length === 0);
    expect(statuses).toEqual(Array(settled.length).fill(`SecError ${errSecNoSuchKeychain} errSecNoSuchKeychain`));
    expect(created, 'what the emulator created').toEqual([]);
  });

  it('a store file with mode 0444 opens read-only: reads work, writes reject with errSecReadOnly, the file stays as it was', async () => {
    const dir = dirFor('read-only');
    const path = join(dir, 'kc.sqlite');
    await storeWithItems(path);
    chmodSync(path, 0o444);
    const before = fingerprint(path);
    const kc = createEmulator({ path });
    const keytar = createKeytar(kc);
    const q = { class: 'genp', svce: 'files', acct: 'alice' };
    const read = await kc.SecItemCopyMatching({ ...q, r_Data: true }).then(String, describeError);
    const writes = await Promise.allSettled([
      kc.SecItemAdd({ class: 'genp', svce: 'files', acct: 'carol', v_Data: Buffer.from('x') }),
      kc.SecItemUpdate(q, { v_Data: Buffer.from('changed') }), kc.SecItemDelete(q), keytar.setPassword('files', 'alice', 'changed'),
    ]);
    const stillThere = await kc.SecItemCopyMatching({ ...q, r_Data: true }).then(String, describeError);
    kc.close();
    const statuses = writes.map(settledStatus);
    const after = fingerprint(path);
    record('read-only store (0444)', read === 'alice secret' && statuses.every((s) => s === `SecError ${errSecReadOnly} errSecReadOnly`), JSON.stringify(after) === JSON.stringify(before));
    expect(read).toBe('alice secret');
    expect(statuses).toEqual(Array(writes.length).fill(`SecError ${errSecReadOnly} errSecReadOnly`));
    expect(stillThere).toBe('alice secret');
    expect(after, 'the store file after (sha256, mode)').toEqual(before);
    expect(after?.mode).toBe('0444');
  });

  it('a key file with mode 0644 is tightened to 0600, its key unchanged', async () => {
    const dir = dirFor('loose-key');
    const path = join(dir, 'kc.sqlite');
    await storeWithItems(path);
    chmodSync(`${path}.key`, 0o644);
    const before = fingerprint(`${path}.key`)!;
    const kc = createEmulator({ path });
    const read = await kc.SecItemCopyMatching({ class: 'genp', svce: 'files', acct: 'bob', r_Data: true }).then(String, describeError);
    kc.close();
    const after = fingerprint(`${path}.key`);
    record('key file 0644', after?.mode === '0600', after?.sha256 === before.sha256);
    expect(read).toBe('bob secret');
    expect(after).toEqual({ ...before, mode: '0600' });
  });
});

describe('the checks themselves', () => {
  it('notice a changed byte, a changed mode and a created file — and allow only what SQLite makes beside a WAL file', () => {
    const dir = dirFor('self-check');
    const path = join(dir, 'kc.sqlite');
    writeFileSync(path, 'not a store', { mode: 0o644 });
    const snapshot = () => new Map((listing(dir) ?? []).map((f) => [f, fingerprint(join(dir, f))]));
    let before = snapshot();
    const fd = openSync(path, 'r+');
    writeSync(fd, 'N', 0);
    closeSync(fd);
    expect(changesIn(dir, path, before, false)).toEqual([expect.stringMatching(/^changed kc.sqlite:/)]);
    before = snapshot();
    chmodSync(path, 0o600);
    writeFileSync(`${path}.key`, Buffer.alloc(32));
    writeFileSync(`${path}-shm`, Buffer.alloc(8));
    expect(changesIn(dir, path, before, false)).toEqual([
      expect.stringMatching(/^changed kc.sqlite:/), expect.stringMatching(/^created kc.sqlite-shm/), expect.stringMatching(/^created kc.sqlite.key/),
    ]);

    const walDir = dirFor('self-check-wal');
    const wal = join(walDir, 'app.db');
    otherAppDatabase(wal, 'CREATE TABLE t (x)', 'wal').close();
    before = new Map((listing(walDir) ?? []).map((f) => [f, fingerprint(join(walDir, f))]));
    writeFileSync(`${wal}-shm`, Buffer.alloc(32768, 1));
    writeFileSync(`${wal}-wal`, '');
    expect(walMode(wal)).toBe(true);
    expect(changesIn(walDir, wal, before, true)).toEqual([]);
    writeFileSync(`${wal}-wal`, 'frames');
    expect(changesIn(walDir, wal, before, true)).toEqual([expect.stringMatching(/^created app.db-wal/)]);
  });
});
