/**
 * The migration killed part way: a child process (test/fixtures/migrating-child.mjs, running
 * the compiled package) migrates a file store and is SIGKILLed at a chosen point — just after
 * the n-th copy was added (its original not yet deleted), or just after the n-th original was
 * deleted; then no item is lost (each is in one keychain or both, with its secret), none is
 * duplicated, and a second run finishes the job, checking and keeping a copy already made.
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
  const points: ['add' | 'delete', number][] = [['add', 1], ['delete', 1], ['add', 60], ['delete', 60], ['add', ITEMS], ['delete', ITEMS - 1]];
  for (const [point, killAfter] of points) {
    it(`killed after the ${point} of item ${killAfter} of ${ITEMS}: nothing lost, nothing duplicated, and a second run completes it`, async () => {
      const store = join(dir, `kill-${point}-${killAfter}.sqlite`);
      const seeding = createEmulator({ path: store, app: { accessGroups: [GROUP] } });
      for (let i = 0; i < ITEMS; i++) await seeding.SecItemAdd({ class: 'genp', svce: SERVICE, acct: `a${i}`, v_Data: Buffer.from(secretOf(i)) });
      seeding.close();

      const child = start('migrating-child.mjs', [PACKAGE_ENTRY, store, GROUP, SERVICE, point, String(killAfter)]);
      const line = await child.waitForLine((l) => l === `${point} ${killAfter}` || l.startsWith('done'));
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      expect(line, exit.stderr).toBe(`${point} ${killAfter}`);
      expect(exit.signal).toBe('SIGKILL');

      const after = createEmulator({ path: store, app: { accessGroups: [GROUP] } });
      try {
        const fb = await contents(after, false);
        const dp = await contents(after, true);
        // Exactly where the kill landed: n copies made; n - 1 or n originals deleted.
        expect(dp.size).toBe(killAfter);
        expect(fb.size).toBe(point === 'add' ? ITEMS - killAfter + 1 : ITEMS - killAfter);
        for (let i = 0; i < ITEMS; i++) {
          const held = [...(fb.get(`a${i}`) ?? []), ...(dp.get(`a${i}`) ?? [])];
          expect(held.length, `a${i}`).toBeGreaterThanOrEqual(1);
          expect(new Set(held), `a${i}`).toEqual(new Set([secretOf(i)]));
          expect((fb.get(`a${i}`) ?? []).length).toBeLessThanOrEqual(1);
          expect((dp.get(`a${i}`) ?? []).length).toBeLessThanOrEqual(1);
        }
        const rest = await after.migrateToDataProtection({ class: 'genp', svce: SERVICE }, { accessGroup: GROUP });
        expect(rest.counts.moved + rest.counts.resumed).toBe(fb.size);
        // The copy made before the kill is checked byte for byte and kept, not made again.
        expect(rest.counts.resumed).toBe(point === 'add' ? 1 : 0);
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
