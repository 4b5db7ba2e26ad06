/**
 * `security-framework/testing` and `security-framework/jose` as a consumer project meets them:
 * the package as `npm pack` ships it, installed into a fresh CommonJS project, then
 * - type-checked under every TypeScript `moduleResolution` (node10 ignores `exports` and finds
 *   the physical testing/ and jose/ folders; the others follow `exports`);
 * - resolved by Node given the folder's path and by a resolver that reads only `main` (jest 26,
 *   older bundlers), then loaded and used.
 * (security-framework/keytar has its own, longer test: test/typed/keytarConsumer.test.ts.)
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMainOnly } from './fixtures/mainOnlyResolver.js';
import { packedConsumer, type PackedConsumer } from './fixtures/packedConsumer.js';

const root = join(__dirname, '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
let consumer: PackedConsumer;

beforeAll(() => {
  consumer = packedConsumer(root, 'subpath-consumer');
  // The expect-error lines prove the types are the package's, not `any`.
  writeFileSync(join(consumer.app, 'index.ts'), [
    "import { useTestKeychain, resetTestKeychain, keytar, type TestKeychainOptions } from 'security-framework/testing';",
    "import { exportJWK, jwkThumbprint, type PublicJwk } from 'security-framework/jose';",
    '',
    "const options: TestKeychainOptions = { lockState: 'unlocked' };",
    'export const kc = useTestKeychain(options);',
    'export const again: typeof kc = resetTestKeychain();',
    "export const pw: Promise<string | null> = keytar.getPassword('svc', 'a');",
    'export type Jwk = PublicJwk;',
    'export const fns = [exportJWK, jwkThumbprint];',
    '// @ts-expect-error lockState is locked or unlocked',
    "useTestKeychain({ lockState: 'ajar' });",
    '// @ts-expect-error keytar.getPassword resolves a string or null',
    "export const n: Promise<number> = keytar.getPassword('svc', 'a');",
    '',
  ].join('\n'));
});
afterAll(() => { if (consumer) rmSync(consumer.dir, { recursive: true, force: true }); });

describe('security-framework/testing and /jose installed from the packed tarball', () => {
  it('the tarball ships testing/ and jose/ pointing at the files exports names', () => {
    const pkg = JSON.parse(readFileSync(join(consumer.installed, 'package.json'), 'utf8')) as { exports: Record<string, Record<string, string>> };
    for (const sub of ['testing', 'jose']) {
      expect(consumer.shipped).toContain(`${sub}/package.json`);
      const folder = JSON.parse(readFileSync(join(consumer.installed, sub, 'package.json'), 'utf8')) as { main: string; types: string };
      expect(`./${join(sub, folder.main).replaceAll('\\', '/')}`).toBe(pkg.exports[`./${sub}`]!.require);
      expect(`./${join(sub, folder.types).replaceAll('\\', '/')}`).toBe(pkg.exports[`./${sub}`]!.types);
    }
  });

  const modes = [
    ['node', 'commonjs'], ['node10', 'commonjs'], ['node16', 'node16'], ['nodenext', 'nodenext'], ['bundler', 'esnext'],
  ] as const;
  it.each(modes)('type-checks in a CommonJS project with moduleResolution %s', async (moduleResolution, module) => {
    const config = join(consumer.app, `tsconfig.${moduleResolution}.json`);
    writeFileSync(config, JSON.stringify({
      compilerOptions: {
        module, moduleResolution, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false,
        typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
      },
      files: ['index.ts'],
    }));
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', config], { cwd: consumer.app, encoding: 'utf8' })
      .then(() => 'ok', (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ''}${error.stderr ?? ''}`);
    expect(result).toBe('ok');
  }, 60_000);

  /** Loads both files by absolute path in a fresh process and uses each. */
  const use = (testing: string, jose: string) => execFileSync(process.execPath, ['-e', `
    const { useTestKeychain, keytar } = require(${JSON.stringify(testing)});
    const { jwkThumbprint } = require(${JSON.stringify(jose)});
    (async () => {
      useTestKeychain();
      await keytar.setPassword('svc', 'a', 'pw');
      const jwk = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
      console.log(await keytar.getPassword('svc', 'a'), (await jwkThumbprint(jwk)).length);
    })();`], { cwd: consumer.app, encoding: 'utf8' }).trim();

  it('Node given the folder paths (no exports applied) loads dist/testing and dist/jose', () => {
    const resolve = createRequire(join(consumer.app, 'index.js')).resolve;
    expect(resolve(join(consumer.installed, 'testing'))).toBe(join(consumer.installed, 'dist', 'testing', 'index.js'));
    expect(resolve(join(consumer.installed, 'jose'))).toBe(join(consumer.installed, 'dist', 'jose', 'index.js'));
    expect(use(join(consumer.installed, 'testing'), join(consumer.installed, 'jose'))).toBe('pw 43');
  });

  it('a resolver that follows only main and package folders (as jest 26 does) finds and loads both', () => {
    const testing = resolveMainOnly('security-framework/testing', consumer.app);
    const jose = resolveMainOnly('security-framework/jose', consumer.app);
    expect(testing).toBe(join(consumer.installed, 'dist', 'testing', 'index.js'));
    expect(jose).toBe(join(consumer.installed, 'dist', 'jose', 'index.js'));
    expect(use(testing!, jose!)).toBe('pw 43');
  });
});
