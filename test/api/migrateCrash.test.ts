/**
 * The migration killed part way: a child process (test/fixtures/migrating-child.mjs, running
 * the compiled package) migrates a file store and is SIGKILLed after a chosen number of items;
 * then no item is lost (each is in one keychain or both, with its secret), none is duplicated,
 * and a second run finishes the job.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEmulator, SecError, type Emulator } from '../../src/index.js';
import { PACKAGE_ENTRY, start } from '../reliability/support/processes.js';

const GROUP = 'TEAMID1234.com.example.migrate';
const SERVICE = 'com.example.migrate';
const ITEMS = 120;
const dir = mkdtempSync(join(tmpdir(), 'sf-migrate-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const secretOf = (i: number) => `secret ${i} ${'x'.repeat(i % 50)}`;

/** Every item of the service in one keychain: account → its secrets (more than one would be a duplicate). */
async function contents(emulator: Emulator, dataProtection: boolean): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let found: Record<string, unknown>[];
  try {
    found = await emulator.SecItemCopyMatching({
      class: 'genp', svce: SERVICE, nleg: dataProtection, r_Attributes: true, r_PersistentRef: true, m_Limit: 'm_LimitAll',
    }) as Record<string, unknown>[];
  } catch (error) {
    if (error instanceof SecError && error.code === 'errSecItemNotFound') return out;
    throw error;
  }
  for (const item of found) {
    const data = await emulator.SecItemCopyMatching({ class: 'genp', v_PersistentRef: item.v_PersistentRef as Buffer, r_Data: true });
    const list = out.get(item.acct as string) ?? [];
    list.push(String(data));
    out.set(item.acct as string, list);
  }
  return out;
}

describe('migrateToDataProtection killed part way (SIGKILL)', () => {
  for (const killAfter of [1, 17, 60, 119]) {
    it(`killed after ${killAfter} of ${ITEMS} items: nothing lost, nothing duplicated, and a second run completes it`, async () => {
      const store = join(dir, `kill-${killAfter}.sqlite`);
      const seeding = createEmulator({ path: store, app: { accessGroups: [GROUP] } });
      for (let i = 0; i < ITEMS; i++) await seeding.SecItemAdd({ class: 'genp', svce: SERVICE, acct: `a${i}`, v_Data: Buffer.from(secretOf(i)) });
      seeding.close();

      const child = start('migrating-child.mjs', [PACKAGE_ENTRY, store, GROUP, SERVICE]);
      const line = await child.waitForLine((l) => l === `deleted ${killAfter}` || l.startsWith('done'));
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      expect(line, exit.stderr).toBe(`deleted ${killAfter}`);
      expect(exit.signal).toBe('SIGKILL');

      const after = createEmulator({ path: store, app: { accessGroups: [GROUP] } });
      try {
        const fb = await contents(after, false);
        const dp = await contents(after, true);
        expect(dp.size).toBeGreaterThanOrEqual(killAfter);
        expect(fb.size).toBeGreaterThan(0); // the kill came before the end
        for (let i = 0; i < ITEMS; i++) {
          const held = [...(fb.get(`a${i}`) ?? []), ...(dp.get(`a${i}`) ?? [])];
          expect(held.length, `a${i}`).toBeGreaterThanOrEqual(1);
          expect(new Set(held), `a${i}`).toEqual(new Set([secretOf(i)]));
          expect((fb.get(`a${i}`) ?? []).length).toBeLessThanOrEqual(1);
          expect((dp.get(`a${i}`) ?? []).length).toBeLessThanOrEqual(1);
        }
        const rest = await after.migrateToDataProtection({ class: 'genp', svce: SERVICE }, { accessGroup: GROUP });
        expect(rest.counts.moved + rest.counts.resumed).toBe(fb.size);
        expect(rest.counts.skipped).toBe(0);
        expect((await contents(after, false)).size).toBe(0);
        const final = await contents(after, true);
        expect(final.size).toBe(ITEMS);
        for (let i = 0; i < ITEMS; i++) expect(final.get(`a${i}`)).toEqual([secretOf(i)]);
      } finally {
        after.close();
      }
    }, 60_000);
  }
});
