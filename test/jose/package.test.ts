import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// security-framework/jose as users get it: the built package (test/setup/build.ts builds dist/).
const root = join(__dirname, '..', '..');
const run = (code: string, type: 'module' | 'commonjs', env: NodeJS.ProcessEnv = {}) =>
  execFileSync(process.execPath, [type === 'module' ? '--input-type=module' : '--input-type=commonjs', '-e', code], {
    cwd: root, encoding: 'utf8', env: { ...process.env, ...env },
  });

describe('the published entry point security-framework/jose', () => {
  it('package.json exports "./jose" with types, import, require and default, and dist/jose holds them', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    expect(pkg.exports['./jose']).toEqual({
      types: './dist/jose/index.d.ts', import: './dist/jose/index.js', require: './dist/jose/index.js', default: './dist/jose/index.js',
    });
    for (const file of ['index.js', 'index.d.ts']) expect(existsSync(join(root, 'dist', 'jose', file)), file).toBe(true);
  });

  it('works through require', () => {
    const out = run(`const j = require('security-framework/jose'); console.log(Object.keys(j).sort().join(','));`, 'commonjs');
    expect(out.trim()).toBe('createDPoPProof,exportJWK,jwkThumbprint,sign,verify');
  });

  it('works through import: a Secure Enclave key of an emulated app signs a DPoP proof', () => {
    const out = run(`import { createEmulator } from 'security-framework';
      import { createDPoPProof, verify } from 'security-framework/jose';
      const app = createEmulator({ app: { accessGroups: ['TEAMID.com.example'] } });
      const key = await app.SecKeyCreateRandomKey({ type: '73', bsiz: 256, tkid: 'com.apple.setoken' });
      const proof = await createDPoPProof(key, { htm: 'GET', htu: 'https://example.com/x?y', backend: app });
      const { payload, protectedHeader } = await verify(key, proof, { backend: app });
      console.log(protectedHeader.typ, JSON.parse(payload).htu);`, 'module');
    expect(out.trim()).toBe('dpop+jwt https://example.com/x');
  });

  it('importing it opens no backend and loads nothing the main entry point does not', () => {
    // DESIGN.md wants neither node:sqlite nor the emulator loaded before the emulator is used; that
    // is the main entry point's business (src/api). This entry point must add nothing to it.
    const loaded = (entry: string) => JSON.parse(run(`require(${JSON.stringify(entry)});
      console.log(JSON.stringify({ files: Object.keys(require.cache).filter((f) => !f.includes('/dist/jose/')).map((f) => f.slice(f.indexOf('/dist/'))),
        sqlite: process.moduleLoadList.some((m) => m.includes('sqlite')) }));`, 'commonjs', { SECURITY_FRAMEWORK_STORE: '/nonexistent/never-opened.sqlite' })) as { files: string[]; sqlite: boolean };
    const main = loaded('security-framework');
    const jose = loaded('security-framework/jose');
    expect(jose.sqlite).toBe(main.sqlite);
    expect(jose.files.filter((f) => !main.files.includes(f))).toEqual([]);
  });
});

describe('layering (docs/architecture.md)', () => {
  const sources = (dir: string): string[] => readdirSync(join(root, 'src', dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts')).map((f) => join(root, 'src', dir, f));

  it('nothing under src/emulator or src/backend imports src/jose', () => {
    const offenders = [...sources('emulator'), ...sources('backend')].filter((f) => /from\s+['"][^'"]*\/jose\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('src/jose uses the backends only through the bound API (src/api), never src/emulator', () => {
    const offenders = sources('jose').filter((f) => /from\s+['"]\.\.\/emulator\//.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
