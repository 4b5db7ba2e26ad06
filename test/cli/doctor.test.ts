import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/doctor.js';
import { createEmulator } from '../../src/index.js';

const GROUP = 'TEAMID1234.com.example.app';
let dir: string;
let store: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sf-cli-doctor-'));
  store = join(dir, 'store.sqlite');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function run(command: 'doctor' | 'migrate', ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await runCommand(command, [...args, '--store', store], { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) } });
  return { status, stdout, stderr };
}

async function seed(accounts: string[]) {
  const emulator = createEmulator({ path: store });
  for (const a of accounts) await emulator.SecItemAdd({ class: 'genp', svce: 'svc', acct: a, v_Data: Buffer.from(`pw ${a}`) });
  emulator.close();
}

describe('secitem doctor', () => {
  it('--json prints the report: an unsigned process, the data protection keychain refused and why', async () => {
    const r = await run('doctor', '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.process).toMatchObject({ signed: false, entitlements: { 'keychain-access-groups': [] } });
    expect(report.dataProtectionKeychain).toMatchObject({ available: false, reason: expect.stringContaining('no keychain-access-groups entitlement') });
  });

  it('with -s/-a, where the item is and the verdict, for people', async () => {
    await seed(['alice']);
    const r = await run('doctor', '-s', 'svc', '-a', 'alice', '--app-groups', GROUP);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`access groups    ${GROUP}`);
    expect(r.stdout).toContain('data protection    available');
    expect(r.stdout).toContain('items              1 in file');
    expect(r.stdout).toContain('is in the file-based keychain and its ACL trusts this application');
  });

  it('a bad option is a usage error (exit 2)', async () => {
    const r = await run('doctor', '--frobnicate');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: secitem doctor');
  });

  it('runs from the installed command (dist/cli/main.js)', () => {
    const bin = join(__dirname, '..', '..', 'dist', 'cli', 'main.js');
    const r = spawnSync(process.execPath, [bin, 'doctor', '--json', '--store', store], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).backend).toBe('emulator');
  });
});

describe('secitem migrate', () => {
  it('--dry-run lists, a run moves, a second run has nothing to do', async () => {
    await seed(['alice', 'bob']);
    const dry = await run('migrate', '--access-group', GROUP, '--app-groups', GROUP, '-s', 'svc', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('2 item(s) would move');
    const real = await run('migrate', '--access-group', GROUP, '--app-groups', GROUP, '-s', 'svc', '--accessible', 'afterFirstUnlock', '--json');
    expect(real.status).toBe(0);
    expect(JSON.parse(real.stdout)).toMatchObject({ accessible: 'ck', counts: { moved: 2 } });
    const again = await run('migrate', '--access-group', GROUP, '--app-groups', GROUP, '-s', 'svc');
    expect(again.stdout).toContain('0 moved, 0 finished from an earlier run, 0 left in place');
  });

  it('an unentitled process is refused with errSecMissingEntitlement (exit 30) and the reason', async () => {
    await seed(['alice']);
    const r = await run('migrate', '--access-group', GROUP, '-s', 'svc');
    expect(r.status).toBe(30);
    expect(r.stderr).toContain('cannot migrate: this process cannot use the data protection keychain');
  });

  it('--access-group is required', async () => {
    const r = await run('migrate', '-s', 'svc');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--access-group is required');
  });
});
