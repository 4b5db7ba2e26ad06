import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const run = (code: string, type: 'module' | 'commonjs') =>
  execFileSync(process.execPath, [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', code], { cwd: root, encoding: 'utf8' });

describe('the published package', () => {
  it('works through import', () => {
    const out = run(`import { kSecClass, createEmulator, SecError } from 'security-framework';
      const kc = createEmulator();
      await kc.SecItemAdd({ [kSecClass]: 'genp', acct: 'a', v_Data: Buffer.from('x') });
      try { await kc.SecItemAdd({ [kSecClass]: 'genp', acct: 'a', v_Data: Buffer.from('x') }); } catch (e) { console.log(e instanceof SecError, e.code); }`, 'module');
    expect(out.trim()).toBe('true errSecDuplicateItem');
  });

  it('works through require', () => {
    const out = run(`const sf = require('security-framework'); console.log(sf.kSecAttrAccount, typeof sf.SecItemAdd, typeof sf.createEmulator, typeof sf.keychain);`, 'commonjs');
    expect(out.trim()).toBe('acct function function function');
  });

  it('a bare import loads no node:sqlite and prints no warning; the emulator loads it on first use', () => {
    const run2 = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const sqliteLoaded = 'process.moduleLoadList.some((m) => /\\bsqlite\\b/.test(m))';
    expect(run2(`require('security-framework'); require('security-framework/keytar'); console.log(${sqliteLoaded});`).trim()).toBe('false');
    expect(run2(`const { createEmulator } = require('security-framework'); createEmulator().close(); console.log(${sqliteLoaded});`).trim()).toBe('true');
  });

  it('importing any entry point loads none of the emulator; its first use loads it', () => {
    const run2 = (code: string) => execFileSync(process.execPath, ['-e', code], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const emulatorFiles = `Object.keys(require.cache).filter((f) => /[\\/]dist[\\/]emulator[\\/]/.test(f)).length`;
    for (const entry of ['security-framework', 'security-framework/keytar', 'security-framework/testing', 'security-framework/jose']) {
      expect(run2(`require('${entry}'); console.log(${emulatorFiles});`).trim(), entry).toBe('0');
    }
    // The SecKey machinery, the store and the certificates come with the emulator's first use.
    const used = run2(`const sf = require('security-framework'); sf.createEmulator().close();
      const names = Object.keys(require.cache).map((f) => f.replaceAll('\\\\', '/'));
      console.log(['emulator/emulator.js', 'emulator/keys.js', 'emulator/store.js'].every((n) => names.some((f) => f.endsWith('/dist/' + n))));`);
    expect(used.trim()).toBe('true');
  });

  it('declares engines node >= 22.13 and ships types', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; exports: Record<string, { types?: string }>; name: string };
    expect(pkg.name).toBe('security-framework');
    expect(pkg.engines.node).toBe('>=22.13.0');
    expect(pkg.exports['.']!.types).toBe('./dist/index.d.ts');
  });
});
