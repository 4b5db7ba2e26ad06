import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

// security-framework/testing as an installed package gives it: the subpath, run from dist/.
const root = join(__dirname, '..', '..');
let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'sf-testing-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs code with the process default pointed at a store in `dir`, which must stay untouched. */
const run = (code: string, type: 'module' | 'commonjs') => execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
  cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, SECURITY_FRAMEWORK_BACKEND: 'emulator', SECURITY_FRAMEWORK_STORE: join(dir, 'store.sqlite') },
});

describe('security-framework/testing as a package subpath', () => {
  it('is exported like the other subpaths', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(pkg.exports['./testing']).toEqual({
      types: './dist/testing/index.d.ts', import: './dist/testing/index.js', require: './dist/testing/index.js', default: './dist/testing/index.js',
    });
  });

  it('works through require, and the process default is then never the environment\'s store', () => {
    const out = run(`const { useTestKeychain, resetTestKeychain, testKeychain, keytar } = require('security-framework/testing');
      const { SecItemAdd, keychain } = require('security-framework');
      (async () => {
        await SecItemAdd({ class: 'genp', acct: 'a', v_Data: Buffer.from('x') });
        const kc = useTestKeychain({ lockState: 'locked' });
        await keytar.setPassword('svc', 'a', 'pw');
        console.log(keychain().name, kc.lockState, await keytar.getPassword('svc', 'a'), resetTestKeychain() === testKeychain(), await keytar.getPassword('svc', 'a'));
      })();`, 'commonjs');
    expect(out.trim()).toBe('emulator locked pw true null');
    expect(existsSync(join(dir, 'store.sqlite'))).toBe(false);
  });

  it('works through import, named', () => {
    const out = run(`import { useTestKeychain, keytar } from 'security-framework/testing';
      import { Keychain } from 'security-framework';
      useTestKeychain({ app: { accessGroups: ['TEAMID.app'] } });
      await new Keychain().set({ class: 'genericPassword', keychain: 'dataProtection', service: 'svc', account: 'a' }, 'dp');
      await keytar.default.setPassword('svc', 'b', 'file');
      console.log(await new Keychain().get({ class: 'genericPassword', keychain: 'dataProtection', service: 'svc', account: 'a' }, { encoding: 'utf8' }), await keytar.findPassword('svc'));`, 'module');
    expect(out.trim()).toBe('dp file');
    expect(existsSync(join(dir, 'store.sqlite'))).toBe(false);
  });

  it('loads no node:sqlite until the test keychain is first used', () => {
    const sqliteLoaded = 'process.moduleLoadList.some((m) => /\\bsqlite\\b/.test(m))';
    expect(run(`require('security-framework/testing'); console.log(${sqliteLoaded});`, 'commonjs').trim()).toBe('false');
    expect(run(`require('security-framework/testing').testKeychain(); console.log(${sqliteLoaded});`, 'commonjs').trim()).toBe('true');
  });
});
